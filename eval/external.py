"""Test sets outside the bundled corpus: the NCP epidemic-policy QA set and the corpus-extra responsibility set.

Both live in ``../shared/corpus-extra`` (next to the repository); where it is absent the loaders raise
`ExternalDataMissing`, which the CLI reports as one clear line.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policyqa.eval import metrics as m
from policyqa.eval.testset import TestCase
from policyqa.errors import PolicyqaError
from policyqa.model import Document, ParsedDocument

NCP_FOLDER = "qa-ncp-epidemic-policy"
NCP_FILES = ("train.json", "dev.json")
NCP_METRICS = ("passage_recall@1", "passage_recall@5", "passage_recall@10", "span_in_top_passage",
               "span_in_top_sentence", "latency_ms_p50", "latency_ms_p95")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


class ExternalDataMissing(PolicyqaError):
    """``../shared/corpus-extra`` (or a folder in it) is not there."""


def default_extra_dir() -> Path:
    """``<repo>/../shared/corpus-extra``."""
    return Path(__file__).resolve().parents[2] / "shared" / "corpus-extra"


def require_dir(path: Path) -> Path:
    if not path.is_dir():
        raise ExternalDataMissing(f"{path} is absent; this test set needs ../shared/corpus-extra "
                                  "(pass --extra-dir DIR where it lives elsewhere)")
    return path


# ---------------------------------------------------------------- corpus-extra responsibility set
def extra_parsed_documents(cases: Sequence[TestCase], extra_dir: Path) -> list[ParsedDocument]:
    """Parse every file the cases name in ``gold_files`` (each once), with the product's own ingest."""
    from policyqa.ingest.pipeline import ingest_paths

    files = list(dict.fromkeys(f for c in cases for f in c.gold_files + c.expected_files))
    paths = [require_dir(extra_dir) / f for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ExternalDataMissing(f"{missing[0]} is absent ({len(missing)} gold file(s) missing)")
    report = ingest_paths(paths)
    if report.skipped:
        raise ExternalDataMissing(f"could not ingest {report.skipped[0]}")
    return report.parsed


def with_doc_ids(cases: Sequence[TestCase], parsed: Sequence[ParsedDocument]) -> list[TestCase]:
    """Point each case's ``gold_docs`` (``expected_docs``) at the ids the ingest layer gave its
    ``gold_files`` (``expected_files``)."""
    by_file = {p.document.source_path: p.document.doc_id for p in parsed}

    def ids(files: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(by_file[Path(f).name] for f in files if Path(f).name in by_file)

    return [replace(case, gold_docs=ids(case.gold_files) or case.gold_docs,
                    expected_docs=ids(case.expected_files) or case.expected_docs) for case in cases]


# ---------------------------------------------------------------- NCP epidemic-policy QA
@dataclass(frozen=True, slots=True)
class NcpItem:
    """One question with its extractive answer and the id of the passage that holds it."""

    id: str
    question: str
    answer: str
    passage_id: str


def load_ncp(extra_dir: Path) -> tuple[list[NcpItem], dict[str, str]]:
    """The 658 questions that come with their passage, and the unique passages (id → text)."""
    folder = require_dir(require_dir(extra_dir) / NCP_FOLDER)
    items: list[NcpItem] = []
    passages: dict[str, str] = {}
    for name in NCP_FILES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            context = row["context"].strip()
            pid = "ncp-" + hashlib.sha1(context.encode("utf-8")).hexdigest()[:12]
            passages.setdefault(pid, context)
            items.append(NcpItem(row["id"], row["question"], _answer_text(row["answer"]), pid))
    return items, passages


@dataclass(frozen=True, slots=True)
class NcpSample:
    """Which questions and passages an NCP run uses, and how they were chosen (printed in the report)."""

    items: list[NcpItem]
    passages: dict[str, str]
    rule: str
    of_questions: int
    of_passages: int

    def describe(self) -> dict[str, Any]:
        return {"questions": len(self.items), "of_questions": self.of_questions,
                "passages": len(self.passages), "of_passages": self.of_passages, "rule": self.rule}


def sample_ncp(items: Sequence[NcpItem], passages: dict[str, str], *, questions: int = 0,
               distractors: int = 0) -> NcpSample:
    """A deterministic sample: ``questions`` items and their passages, plus ``distractors`` other passages.

    Embedding every sentence window of all 593 passages (≈ 11k windows) takes the bundled
    embedder the best part of an hour on 2 cores, so a run may index fewer. Items are taken in the
    order of ``sha1(question id)`` and distractors in the order of ``sha1(passage id)``: the same
    arguments give the same sample on every machine, and a sample is no easier than the whole set
    beyond having fewer distractors (which the report states). ``questions=0`` means all.
    """
    if questions <= 0 or questions >= len(items):
        return NcpSample(list(items), dict(passages), "all questions and passages", len(items), len(passages))
    chosen = sorted(items, key=lambda it: _sha1(it.id))[:questions]
    gold = {it.passage_id for it in chosen}
    others = sorted((pid for pid in passages if pid not in gold), key=_sha1)[:max(distractors, 0)]
    keep = gold | set(others)
    rule = (f"{questions} questions, the first by sha1(question id); their {len(gold)} passages plus "
            f"{len(others)} distractor passages, the first others by sha1(passage id)")
    return NcpSample(chosen, {pid: t for pid, t in passages.items() if pid in keep}, rule, len(items),
                     len(passages))


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _answer_text(answer: Any) -> str:
    # The repo stores the answer as a dict, or as a Python-dict string: {'text': ..., 'span': [...]}.
    if isinstance(answer, str):
        answer = ast.literal_eval(answer) if answer.lstrip().startswith("{") else {"text": answer}
    return str(answer["text"]).strip()


def ncp_parsed_documents(passages: dict[str, str]) -> list[ParsedDocument]:
    """One Document per unique passage, parsed into clauses by the product's own pipeline."""
    from policyqa.ingest.loaders import RawDocument
    from policyqa.ingest.pipeline import parse_raw

    out = []
    for pid, text in passages.items():
        doc = Document(doc_id=pid, title=text[:40], sha256="", source_path=f"{pid}.txt", doc_type="疫情政策")
        out.append(parse_raw(RawDocument(Path(f"{pid}.txt"), text), document=doc))
    return out


def run_ncp(engine: Any, items: Sequence[NcpItem], passages: dict[str, str], *, rag: Any = None,
            progress: Callable[[str], None] | None = None, sample: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """Passage recall@1/5/10 and answer span in the top cited passage / sentence, per system.

    The "top sentence" is, for both systems alike, the sentence of the first cited text (engine: its first
    citation; baseline: its top chunk) sharing the most character bigrams with the question.
    """
    systems: dict[str, list[dict[str, float]]] = {"policyqa": []}
    for i, item in enumerate(items, start=1):
        start = time.perf_counter()
        answer = engine.ask(item.question)
        latency = (time.perf_counter() - start) * 1000.0
        hits = engine.search(item.question, k=30)
        ranked = [h.clause.doc_id for h in hits]
        first = answer.citations[0].clause if answer.citations else None
        systems["policyqa"].append(_ncp_scores(item, ranked, first.doc_id if first else None,
                                               first.text if first else "", passages, latency))
        if progress:
            progress(f"ncp policyqa: {i}/{len(items)}")
    if rag is not None:
        systems["baseline"] = []
        for i, item in enumerate(items, start=1):
            start = time.perf_counter()
            found = rag.search(item.question, k=30)
            latency = (time.perf_counter() - start) * 1000.0
            top = found[0] if found else None
            systems["baseline"].append(_ncp_scores(item, [p.doc_id for p in found], top.doc_id if top else None,
                                                   top.text if top else "", passages, latency))
            if progress:
                progress(f"ncp baseline: {i}/{len(items)}")
    out = {"testset": "ncp", "questions": len(items), "passages": len(passages),
           "systems": {name: _summarize_ncp(rows) for name, rows in systems.items()}}
    if sample:
        out["sample"] = sample
    return out


def _ncp_scores(item: NcpItem, ranked_docs: list[str], top_doc: str | None, top_text: str,
                passages: dict[str, str], latency: float) -> dict[str, float]:
    distinct = list(dict.fromkeys(ranked_docs))
    span = m.norm(item.answer)
    out = {f"passage_recall@{k}": float(item.passage_id in distinct[:k]) for k in (1, 5, 10)}
    out["span_in_top_passage"] = float(top_doc is not None and span in m.norm(passages.get(top_doc, "")))
    out["span_in_top_sentence"] = float(bool(span) and span in m.norm(best_sentence(top_text, item.question)))
    out["latency_ms"] = latency
    return out


def best_sentence(text: str, question: str) -> str:
    """The sentence of ``text`` sharing the most character bigrams with ``question`` (first on ties)."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    q = _bigrams(m.norm(question))
    return max(sentences, key=lambda s: len(q & _bigrams(m.norm(s))))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _summarize_ncp(rows: list[dict[str, float]]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in NCP_METRICS[:-2]:
        value = m.mean([r[name] for r in rows])
        out[name] = None if value is None else round(value, 4)
    latencies = [r["latency_ms"] for r in rows]
    for name, q in (("latency_ms_p50", 50), ("latency_ms_p95", 95)):
        value = m.percentile(latencies, q)
        out[name] = None if value is None else round(value, 1)
    return out
