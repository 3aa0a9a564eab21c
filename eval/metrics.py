"""Evaluation metrics: pure functions over what a system returned for one question, and their means.

Relevance is decided on the normalised search form (`ingest.normalize.to_search_form`, spaces removed), so
Traditional vs Simplified script and full- vs half-width punctuation never decide a hit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from policyqa.ingest.normalize import to_search_form

# The metric names of `policyqa eval --json`, in display order (issue 6).
RETRIEVAL_METRICS = ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10")
ANSWER_METRICS = ("lead_exact", "lead_f1", "fact_contains", "abstain_recall", "false_abstain",
                  "compare_coverage", "citation_precision", "task_recall", "task_precision")
LATENCY_METRICS = ("latency_ms_p50", "latency_ms_p95")
METRIC_NAMES = RETRIEVAL_METRICS + ANSWER_METRICS + LATENCY_METRICS
LOWER_IS_BETTER = frozenset({"false_abstain", "latency_ms_p50", "latency_ms_p95"})


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved or cited piece of text (a clause, or a baseline chunk) and the document it is from."""

    doc_id: str
    text: str


def norm(text: str) -> str:
    """The comparison form: search form with every space removed."""
    return to_search_form(text).replace(" ", "")


def normalize_unit(unit: str) -> str:
    """A unit name in comparison form: search form, no spaces, a trailing 等/等单位 dropped."""
    out = norm(unit).strip("，,、。;；:：")
    for suffix in ("等单位", "等部门", "等"):
        if out.endswith(suffix) and len(out) > len(suffix):
            out = out[: -len(suffix)]
            break
    return out


def gains(passages: Sequence[Passage], gold_clauses: Sequence[str], expected_docs: Sequence[str] = ()) -> list[int]:
    """Binary gain per retrieved passage; each gold item is credited at most once.

    A passage gains when its text contains a gold clause substring not yet credited (overlapping baseline
    chunks can hold the same substring twice), or, for comparisons (``expected_docs`` given), when it comes
    from an expected document not yet credited.

    Example:
        >>> gains([Passage("a", "甲乙丙"), Passage("b", "甲乙丙丁")], ["乙丙"])
        [1, 0]
    """
    gold = [norm(g) for g in gold_clauses]
    credited: set[str] = set()
    out: list[int] = []
    for p in passages:
        key = None
        if expected_docs:
            if p.doc_id in expected_docs and p.doc_id not in credited:
                key = p.doc_id
        else:
            text = norm(p.text)
            key = next((g for g in gold if g not in credited and g in text), None)
        if key is not None:
            credited.add(key)
        out.append(int(key is not None))
    return out


def hit_at(rel: Sequence[int], k: int) -> float:
    """1.0 when any of the first ``k`` passages is relevant."""
    return float(any(rel[:k]))


def mrr_at(rel: Sequence[int], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the first ``k``, else 0."""
    for i, r in enumerate(rel[:k]):
        if r:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at(rel: Sequence[int], k: int, n_relevant: int) -> float:
    """Binary nDCG@k; the ideal ranking puts ``min(n_relevant, k)`` relevant passages first."""
    ideal = min(n_relevant, k)
    if ideal <= 0:
        return 0.0
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel[:k]))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal))
    return dcg / idcg


def lead_exact(predicted: Iterable[str], gold: Iterable[str]) -> float:
    """1.0 when the predicted lead units equal the gold ones as sets, after `normalize_unit`."""
    return float({normalize_unit(u) for u in predicted} == {normalize_unit(u) for u in gold})


def lead_f1(predicted: Iterable[str], gold: Iterable[str]) -> float:
    """F1 between predicted and gold unit sets (leads + cooperating); 1.0 when both are empty."""
    p = {normalize_unit(u) for u in predicted}
    g = {normalize_unit(u) for u in gold}
    if not p and not g:
        return 1.0
    tp = len(p & g)
    if tp == 0:
        return 0.0
    precision, recall = tp / len(p), tp / len(g)
    return 2 * precision * recall / (precision + recall)


def fact_contains(answer_text: str, required: Sequence[str]) -> float:
    """1.0 when every required string occurs in the answer text (normalised)."""
    text = norm(answer_text)
    return float(all(norm(s) in text for s in required))


def compare_coverage(cited_docs: Iterable[str], expected_docs: Sequence[str]) -> float:
    """Share of the expected documents among the cited ones."""
    if not expected_docs:
        return 0.0
    cited = set(cited_docs)
    return sum(d in cited for d in expected_docs) / len(expected_docs)


def task_recall(cited_texts: Sequence[str], gold_tasks: Sequence[str]) -> float:
    """Share of a unit's gold task substrings held by some cited clause (the list is complete)."""
    if not gold_tasks:
        return 0.0
    texts = [norm(t) for t in cited_texts]
    return sum(any(norm(g) in t for t in texts) for g in gold_tasks) / len(gold_tasks)


def task_precision(cited_texts: Sequence[str], gold_tasks: Sequence[str]) -> float:
    """Share of the cited clauses that hold a gold task substring (0 when nothing is cited)."""
    if not cited_texts:
        return 0.0
    gold = [norm(g) for g in gold_tasks]
    return sum(any(g in norm(t) for g in gold) for t in cited_texts) / len(cited_texts)


def cites_gold(first: Passage | None, gold_clauses: Sequence[str], expected_docs: Sequence[str] = ()) -> float:
    """1.0 when the first cited passage holds a gold clause (or, for a comparison, an expected document)."""
    if first is None:
        return 0.0
    return float(any(gains([first], gold_clauses, expected_docs)))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear interpolation), or None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, or None when there is nothing to average (the metric does not apply)."""
    return float(sum(values) / len(values)) if values else None
