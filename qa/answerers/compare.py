"""Compare documents on one topic: per document, its clauses on the topic with their leads.

A document with nothing on the topic says so (``本文件未涉及该主题``) instead of showing its least
bad match: a clause counts only if it shares enough of the topic's content bigrams, or is close
enough in the embedding space (both thresholds in ``CompareConfig``, calibrated on the seed set).

Example:
    >>> comparison = engine.compare("干部挂职交流")               # doctest: +SKIP
    >>> [(row.doc_id, len(row.clauses)) for row in comparison.rows]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from policyqa.index.hybrid import Filters
from policyqa.model import Clause
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.answer import Answer
from policyqa.qa.answerers.citations import cite, reference
from policyqa.qa.question.intent import analyse
from policyqa.qa.question.language import is_english
from policyqa.qa.answerers.extractive import responsibility_sentence

NOTHING = "本文件未涉及该主题"
_PER_DOC_HITS = 4  # hits judged per document (the best clauses; at most ``per_document`` are kept)


@dataclass(frozen=True)
class CompareConfig:
    """Relevance thresholds for comparison rows (calibrated on the seed set's compare questions).

    Attributes:
        min_coverage: IDF-weighted share of the topic's content bigrams a clause must hold …
        min_cosine: … or the dense cosine it must reach instead (paraphrase).
        min_cosine_en: the same for a topic without Han characters (no lexical evidence).
        per_document: most clauses shown per document.
        pool: hits of the one unfiltered search that compares the whole library (grouped by document).
        max_rows: rows shown when the caller named no documents and the library has more than this:
            only documents with clauses on the topic, the best first (1,000 documents make no table).
    """

    min_coverage: float = 0.35
    min_cosine: float = 0.88
    min_cosine_en: float = 0.78  # e5 puts English queries further from Chinese clauses
    per_document: int = 2
    pool: int = 200
    max_rows: int = 12


@dataclass(frozen=True)
class CompareRow:
    """One document's part of a comparison; ``clauses`` empty and ``note`` set when it has none."""

    doc_id: str
    doc_title: str
    region: str
    clauses: list[tuple[Clause, float]] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "doc_title": self.doc_title, "region": self.region, "note": self.note,
                "clauses": [{"clause_id": c.clause_id, "path": list(c.path), "text": c.text,
                             "leads": list(c.leads), "cooperating": list(c.cooperating),
                             "score": round(float(s), 4)} for c, s in self.clauses]}


@dataclass(frozen=True)
class Comparison:
    """The topic and one row per compared document."""

    topic: str
    rows: list[CompareRow]

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "rows": [r.to_dict() for r in self.rows]}


def compare_documents(engine: Any, topic: str, *, doc_ids: tuple[str, ...] = (),
                      regions: tuple[str, ...] = (), config: CompareConfig | None = None) -> Comparison:
    """Build a ``Comparison`` over the engine's index (see ``QAEngine.compare``)."""
    config = config or CompareConfig()
    corpus = engine.corpus
    query = to_search_form(topic)
    places = corpus.gazetteer.find(query)
    content = analyse(query, places=places.spans).content or query
    named = _targets(corpus, doc_ids, regions) or list(corpus.gazetteer.documents_each(places))
    if named:
        # A few named documents: each gets its own filtered search, so none is crowded out.
        per_doc = {d: engine.index.search(query, k=_PER_DOC_HITS, filters=Filters(doc_ids=(d,))) for d in named}
    else:
        # The whole library: one search grouped by document instead of one search per document
        # (1,000 searches at 100k clauses); a document absent from the top ``pool`` has nothing close.
        per_doc = {d: [] for d in corpus.documents}
        for hit in engine.index.search(query, k=config.pool):
            group = per_doc.setdefault(hit.clause.doc_id, [])
            if len(group) < _PER_DOC_HITS:
                group.append(hit)
    kept_by_doc = _relevant_all(engine, query, content, per_doc, config)
    rows = [CompareRow(d, corpus.title(d), corpus.region(d), kept, "" if kept else NOTHING)
            for d, kept in kept_by_doc.items()]
    # Best-covered documents first; those with nothing on the topic last.
    rows.sort(key=lambda row: -max((s for _, s in row.clauses), default=-1.0))
    if not named and len(rows) > config.max_rows:
        rows = [row for row in rows if row.clauses][: config.max_rows]
    return Comparison(topic, rows)


def _targets(corpus: Any, doc_ids: tuple[str, ...], regions: tuple[str, ...]) -> list[str]:
    """Documents named by id, or lying in one of the regions (substring of region or title)."""
    if doc_ids:
        return [d for d in doc_ids if d in corpus.documents]
    wanted = [to_search_form(r) for r in regions]
    return [d.doc_id for d in corpus.documents.values()
            if any(w in to_search_form(d.region) or w in to_search_form(d.title) for w in wanted)]


def _relevant_all(engine: Any, query: str, content: str, per_doc: dict[str, list[Any]],
                  config: CompareConfig) -> dict[str, list[tuple[Clause, float]]]:
    """Per document, its hits that really are on the topic, best first, at most ``per_document``.

    The cosines of every document's hits come from one batch (the answer scorer embeds each text once).
    """
    texts = [h.clause.text for hits in per_doc.values() for h in hits]
    cosines = iter(engine._dense.similarities(query, texts) if texts else [])
    return {d: _relevant(engine, query, content, hits, [next(cosines) for _ in hits], config)
            for d, hits in per_doc.items()}


def _relevant(engine: Any, query: str, content: str, hits: list[Any], cosines: list[Any],
              config: CompareConfig) -> list[tuple[Clause, float]]:
    """Hits that really are on the topic, best first, at most ``per_document``."""
    if not hits:
        return []
    vocab = engine.corpus.vocabulary
    min_cosine = config.min_cosine_en if is_english(query) else config.min_cosine
    kept = []
    for hit, cosine in zip(hits, cosines):
        if hit.clause.kind in ("heading", "preamble"):
            continue  # a title is not an arrangement; its clauses are
        coverage = vocab.coverage(content, hit.clause.search_text)
        if coverage >= config.min_coverage or float(cosine) >= min_cosine:
            kept.append((hit.clause, max(coverage, float(cosine))))
    kept.sort(key=lambda t: -t[1])
    return kept[: config.per_document]


def comparison_answer(question: str, comparison: Comparison) -> Answer:
    """A compare-intent ``Answer``: one paragraph per document, each clause cited."""
    cited = cite([pair for row in comparison.rows for pair in row.clauses])
    number = {c.clause.clause_id: c.n for c in cited}
    parts = []
    for row in comparison.rows:
        if not row.clauses:
            parts.append(f"《{row.doc_title}》：{NOTHING}。")
            continue
        items = []
        for clause, _ in row.clauses:
            units = (responsibility_sentence(clause.leads, clause.cooperating, source_text=clause.text)
                     if clause.has_responsibility else "")
            items.append(f"{' '.join(clause.path)}：“{_short(clause.text)}”{units}[{number[clause.clause_id]}]")
        parts.append(f"《{row.doc_title}》：" + "；".join(items))
    abstained = not cited
    text = "\n".join(parts) if not abstained else "语料中未找到依据：各文件均未涉及该主题。"
    return Answer(question=question, text=text, intent="compare", abstained=abstained, citations=cited)


def to_markdown(comparison: Comparison) -> str:
    """A Markdown table: document | region | clause | leads | cooperating."""
    lines = [f"## {comparison.topic}", "", "| 文件 | 地区 | 条款 | 牵头单位 | 配合单位 |", "|---|---|---|---|---|"]
    for row in comparison.rows:
        if not row.clauses:
            lines.append(f"| {row.doc_title} | {row.region} | {NOTHING} | | |")
        for clause, _ in row.clauses:
            text = _short(clause.text).replace("|", "\\|")
            lines.append(f"| {row.doc_title} | {row.region} | {' '.join(clause.path)} {text} | "
                         f"{'、'.join(clause.leads)} | {'、'.join(clause.cooperating)} |")
    return "\n".join(lines) + "\n"


def to_csv(comparison: Comparison) -> str:
    """CSV with one line per (document, clause); a document without clauses gets one note line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["doc_id", "doc_title", "region", "clause_id", "path", "text", "leads", "cooperating", "score"])
    for row in comparison.rows:
        if not row.clauses:
            writer.writerow([row.doc_id, row.doc_title, row.region, "", "", NOTHING, "", "", ""])
        for clause, score in row.clauses:
            writer.writerow([row.doc_id, row.doc_title, row.region, clause.clause_id, " ".join(clause.path),
                             clause.text, "、".join(clause.leads), "、".join(clause.cooperating), f"{score:.4f}"])
    return out.getvalue()


def to_text(comparison: Comparison) -> str:
    """Readable text: per document, its clauses as 《title》 path with leads."""
    lines = [f"主题：{comparison.topic}"]
    for row in comparison.rows:
        lines.append(f"\n《{row.doc_title}》（{row.region or '—'}）")
        if not row.clauses:
            lines.append(f"  {NOTHING}")
        for clause, score in row.clauses:
            lines.append(f"  {reference(clause)}  ({score:.2f})\n    {_short(clause.text, 200)}")
            if clause.has_responsibility:
                lines.append(f"    {responsibility_sentence(clause.leads, clause.cooperating, source_text=clause.text)}")
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
