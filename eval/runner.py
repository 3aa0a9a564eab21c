"""Run a test set through the QA engine and the naive-RAG baseline, question by question, and score both.

Retrieval metrics use ``engine.search(question, k=10)``; answer metrics use ``engine.ask(question)``;
latency is the time of ``ask`` (what a user waits for). The baseline answers the same questions in the
same run over the same documents with the same embedder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyqa.eval import metrics as m
from policyqa.eval.baseline import NaiveRag
from policyqa.eval.metrics import Passage
from policyqa.eval.testset import INTENTS, TestCase, testset_kind

log = logging.getLogger(__name__)
K = 10
SYSTEMS = ("policyqa", "baseline")


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """What one system returned for one question, in system-neutral form."""

    case_id: str
    system: str
    retrieved: tuple[Passage, ...]
    answer_text: str
    abstained: bool
    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    cited: tuple[Passage, ...]
    latency_ms: float
    scores: dict[str, float] = field(default_factory=dict)
    responsible: tuple[str, ...] = ()   # 责任单位 named without a lead


@dataclass
class EvalReport:
    """Metrics per system (overall and by intent) and every per-question result, for failure lists."""

    testset: str
    cases: list[TestCase]
    systems: dict[str, dict[str, float | None]]
    by_intent: dict[str, dict[str, dict[str, float | None]]]
    results: dict[str, list[QuestionResult]]
    extra: dict[str, Any] = field(default_factory=dict)
    by_lang: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `policyqa eval --json` document."""
        out: dict[str, Any] = {"testset": self.testset, "kind": testset_kind(self.cases),
                               "questions": len(self.cases),
                               "systems": self.systems, "by_intent": self.by_intent, "by_lang": self.by_lang}
        out.update(self.extra)
        return out

    def failures(self) -> list[dict[str, Any]]:
        """Every (system, question) with a failed applicable metric: question, expected and got."""
        by_id = {c.id: c for c in self.cases}
        rows: list[dict[str, Any]] = []
        for system, results in self.results.items():
            for r in results:
                failed = failed_metrics(r)
                if failed:
                    rows.append(_failure_row(system, by_id[r.case_id], r, failed))
        return rows


def run_eval(engine: Any, cases: Sequence[TestCase], *, baseline: bool = True, testset: str = "",
             baseline_docs: Sequence[tuple[str, str]] | None = None, embedder: Any = None,
             progress: Callable[[str], None] | None = None) -> EvalReport:
    """Evaluate ``cases`` on the engine and, unless ``baseline=False``, on the naive-RAG baseline.

    Args:
        engine: a ``qa.engine.QAEngine`` (anything with ``search(q, k=...)`` and ``ask(q)``).
        cases: the test cases (`eval.testset.load_testset`).
        baseline: also run the baseline on the same questions.
        testset: the test set's name, for the report.
        baseline_docs: ``(doc_id, raw_text)`` of the documents the engine's index holds; defaults to
            the bundled corpus.
        embedder: the baseline's embedder; defaults to the engine's own.
        progress: called with a short status line after each question (the CLI prints it to stderr).

    Returns:
        The report; ``report.to_dict()`` is the ``--json`` document.

    Example:
        >>> report = run_eval(engine, load_testset("seed"))        # doctest: +SKIP
        >>> report.systems["policyqa"]["hit@5"]                     # doctest: +SKIP
    """
    cases = list(cases)
    results = {"policyqa": [_run_engine(engine, c) for c in _tick(cases, "policyqa", progress)]}
    if baseline:
        if progress:
            progress(f"baseline: 0/{len(cases)}")  # its phase starts with chunking and embedding the documents
        docs = list(baseline_docs) if baseline_docs is not None else bundled_documents()
        rag = NaiveRag(docs, embedder if embedder is not None else engine_embedder(engine),
                       cache_path=getattr(getattr(engine, "index", None), "cache_path", None))
        results["baseline"] = [_run_baseline(rag, c) for c in _tick(cases, "baseline", progress)]
    by_id = {c.id: c for c in cases}
    for system_results in results.values():
        for r in system_results:
            r.scores.update(score(by_id[r.case_id], r))
    systems = {name: summarize(rs) for name, rs in results.items()}
    by_intent = _grouped(cases, results, lambda c: c.intent, INTENTS)
    # Per question language (zh, zh-Hant, en): cross-lingual retrieval is judged on its own rows.
    by_lang = _grouped(cases, results, lambda c: c.lang, sorted({c.lang for c in cases}))
    return EvalReport(testset, cases, systems, by_intent, results, by_lang=by_lang)


def _grouped(cases: Sequence[TestCase], results: dict[str, list[QuestionResult]],
             key: Callable[[TestCase], str], groups: Sequence[str]) -> dict[str, dict[str, dict[str, float | None]]]:
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for group in groups:
        ids = {c.id for c in cases if key(c) == group}
        if ids:
            out[group] = {name: summarize([r for r in rs if r.case_id in ids]) for name, rs in results.items()}
    return out


def score(case: TestCase, r: QuestionResult) -> dict[str, float]:
    """The metrics that apply to this question, each as a number in [0, 1] (latency aside)."""
    out: dict[str, float] = {"latency_ms": r.latency_ms}
    if not case.answerable:
        out["abstain_recall"] = float(r.abstained)
        return out
    expected = case.expected_docs if case.intent == "compare" else ()
    gold = case.relevant_clauses
    n_relevant = len(expected) if expected else len(gold)
    out["false_abstain"] = float(r.abstained)
    if n_relevant:  # a staff question may give only its lead units or answer (eval.testset_tables)
        rel = m.gains(r.retrieved[:K], gold, expected)
        out.update({"hit@1": m.hit_at(rel, 1), "hit@5": m.hit_at(rel, 5), "hit@10": m.hit_at(rel, 10),
                    "mrr@10": m.mrr_at(rel, 10), "ndcg@10": m.ndcg_at(rel, 10, n_relevant)})
    if not r.abstained and n_relevant:
        out["citation_precision"] = m.cites_gold(r.cited[0] if r.cited else None, gold, expected)
    if case.intent == "responsibility":
        out.update(_unit_scores(case, r))
    elif case.intent == "fact":
        out["fact_contains"] = m.fact_contains(r.answer_text, case.answer_contains)
    elif case.intent == "compare":
        out["compare_coverage"] = m.compare_coverage((p.doc_id for p in r.cited), case.expected_docs)
    elif case.intent == "unit_tasks":
        texts = [p.text for p in r.cited]
        out["task_recall"] = m.task_recall(texts, case.gold_tasks)
        out["task_precision"] = m.task_precision(texts, case.gold_tasks)
    return out


def _unit_scores(case: TestCase, r: QuestionResult) -> dict[str, float]:
    """Leads exact and unit F1; a bare list with no lead convention (``responsible``) is judged on every
    unit the answer names, whichever role it gave them."""
    # The answer's 责任单位 are the units it names as in charge: the dev sets typed a bare （责任单位：…）
    # list as leads, the held-out set as responsible.
    in_charge = r.leads + r.responsible
    if case.responsible and not case.leads:
        named = in_charge + r.cooperating
        return {"lead_exact": m.lead_exact(named, case.responsible),
                "lead_f1": m.lead_f1(named, case.responsible)}
    return {"lead_exact": m.lead_exact(in_charge, case.leads),
            "lead_f1": m.lead_f1(in_charge + r.cooperating, case.leads + case.cooperating)}


def summarize(results: Sequence[QuestionResult]) -> dict[str, float | None]:
    """Mean of each metric over the questions it applies to (None where it applies to none)."""
    out: dict[str, float | None] = {}
    for name in m.RETRIEVAL_METRICS + m.ANSWER_METRICS:
        value = m.mean([r.scores[name] for r in results if name in r.scores])
        out[name] = None if value is None else round(value, 4)
    latencies = [r.latency_ms for r in results]
    for name, q in (("latency_ms_p50", 50), ("latency_ms_p95", 95)):
        value = m.percentile(latencies, q)
        out[name] = None if value is None else round(value, 1)
    return out


def engine_embedder(engine: Any) -> Any:
    """The embedder object the engine's index searches with (a LangChain ``Embeddings``)."""
    for owner in (engine, getattr(engine, "index", None)):
        embedder = getattr(owner, "embedder", None)
        if embedder is not None:
            return embedder
    raise AttributeError("cannot find the engine's embedder (engine.embedder or engine.index.embedder)")


def bundled_documents() -> list[tuple[str, str]]:
    """``(doc_id, raw_text)`` of every document of the bundled seed corpus, read by the product's ingest."""
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.pipeline import ingest_paths

    return raw_documents(ingest_paths([bundled_corpus_dir()]).parsed)


def raw_documents(parsed: Sequence[Any]) -> list[tuple[str, str]]:
    """``(doc_id, original text)`` of parsed documents: what the baseline chunks."""
    return [(p.document.doc_id, p.text) for p in parsed]


def _run_engine(engine: Any, case: TestCase) -> QuestionResult:
    # ask first: the index caches query vectors, and a search before it would make ask look faster.
    start = time.perf_counter()
    answer = engine.ask(case.question)
    latency = (time.perf_counter() - start) * 1000.0
    hits = engine.search(case.question, k=K)
    return QuestionResult(
        case_id=case.id, system="policyqa",
        retrieved=tuple(Passage(h.clause.doc_id, h.clause.text) for h in hits),
        answer_text=answer.text, abstained=bool(answer.abstained),
        leads=tuple(answer.leads), cooperating=tuple(answer.cooperating),
        cited=tuple(Passage(c.clause.doc_id, c.clause.text) for c in answer.citations),
        latency_ms=latency, responsible=tuple(answer.responsible),
    )


def _run_baseline(rag: NaiveRag, case: TestCase) -> QuestionResult:
    answer = rag.ask(case.question, k=K)
    # The top chunk is the answer and its citation; a comparison is shown the top-k chunks' documents.
    return QuestionResult(
        case_id=case.id, system="baseline", retrieved=answer.passages, answer_text=answer.text,
        abstained=False, leads=(), cooperating=(), cited=answer.passages, latency_ms=answer.latency_ms,
    )


def _tick(cases: list[TestCase], system: str, progress: Callable[[str], None] | None):
    for i, case in enumerate(cases, start=1):
        yield case
        if progress:
            progress(f"{system}: {i}/{len(cases)}")


def failed_metrics(result: QuestionResult) -> list[str]:
    """The metrics that count this question as failed (hit@10 and the answer metrics), sorted."""
    return sorted(name for name, v in result.scores.items() if _is_failure(name, v))


def _is_failure(name: str, value: float) -> bool:
    if name in ("latency_ms", "hit@1", "hit@5", "mrr@10", "ndcg@10", "lead_f1"):
        return False  # graded or informative only; hit@10 and the answer metrics decide a failure
    if name == "false_abstain":
        return value > 0
    return value < 1.0


def _failure_row(system: str, case: TestCase, r: QuestionResult, failed: list[str]) -> dict[str, Any]:
    expected: dict[str, Any] = {"answer": case.answer, "gold_docs": list(case.gold_docs),
                                "gold_clauses": list(case.gold_clauses)}
    for name in ("leads", "cooperating", "responsible", "answer_contains", "expected_docs", "gold_tasks"):
        if getattr(case, name):
            expected[name] = list(getattr(case, name))
    for name in ("unit", "role"):  # strings: list() would spell them out character by character
        if getattr(case, name):
            expected[name] = getattr(case, name)
    got: dict[str, Any] = {"answer": r.answer_text[:400], "abstained": r.abstained,
                           "leads": list(r.leads), "cooperating": list(r.cooperating),
                           "responsible": list(r.responsible), "cited_docs": list(dict.fromkeys(p.doc_id for p in r.cited))[:5],
                           "first_citation": r.cited[0].text[:200] if r.cited else "",
                           "top_retrieved": [p.text[:80] for p in r.retrieved[:3]]}
    return {"system": system, "id": case.id, "intent": case.intent, "lang": case.lang,
            "question": case.question, "failed": failed, "expected": expected, "got": got}


def write_failures(rows: list[dict[str, Any]], directory: Path) -> None:
    """failures.jsonl (one record per failed system/question) and failures.md (readable)."""
    import json

    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "failures.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    lines = ["# Failed questions", ""]
    for row in rows:
        exp, got = row["expected"], row["got"]
        lines += [f"## {row['system']} · {row['id']} ({row['intent']}, {row['lang']}): {', '.join(row['failed'])}",
                  "", f"- question: {row['question']}", f"- expected: {exp['answer']}"]
        if "leads" in exp:
            lines.append(f"- expected units: leads {exp['leads']}, cooperating {exp.get('cooperating', [])}")
        if "unit" in exp:
            lines.append(f"- expected tasks of {exp['unit']} ({exp.get('role', 'any')}): {exp.get('gold_tasks', [])}")
        lines += [f"- got: {'(abstained) ' if got['abstained'] else ''}{got['answer'][:200]}",
                  f"- got units: leads {got['leads']}, cooperating {got['cooperating']}",
                  f"- first citation: {got['first_citation'][:120]}", ""]
    (directory / "failures.md").write_text("\n".join(lines), encoding="utf-8")
