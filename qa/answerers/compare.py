"""Compare documents on one topic: per document, its clauses on the topic with their leads.

A document with nothing on the topic says so (``本文件未涉及该主题``) instead of showing its least
bad match: a clause counts only if it shares enough of the topic's content bigrams, or is close
enough in the embedding space, both judged absolutely and against the best document's evidence (a
document whose best clause holds far less of the topic than another document's is not about it;
thresholds in ``CompareConfig``, calibrated on the dev sets).

Example:
    >>> comparison = engine.compare("干部挂职交流")               # doctest: +SKIP
    >>> [(row.doc_id, len(row.clauses)) for row in comparison.rows]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from policyqa.index.hybrid import Filters, Hit
from policyqa.model import Clause
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.answer import Answer
from policyqa.qa.answerers.citations import cite, reference, without_duty
from policyqa.qa.question.intent import analyse
from policyqa.qa.question.language import chinese_terms, is_english
from policyqa.qa.question.modality import asked_modality
from policyqa.qa.question.shorthand import spelled_out
from policyqa.qa.answerers.extractive import is_bare_heading, responsibility_sentence
from policyqa.qa.question.corpus_view import CorpusView
from policyqa.qa.question.support import bigrams
from policyqa.qa.question.years import reviews_past

NOTHING = "本文件未涉及该主题"
_PER_DOC_HITS = 4  # hits judged per document (the best clauses; at most ``per_document`` are kept)


@dataclass(frozen=True)
class CompareConfig:
    """Relevance thresholds for comparison rows (calibrated on the seed set's compare questions).

    Attributes:
        min_coverage: IDF-weighted share of the topic's content bigrams a clause must hold …
        min_cosine: … or the dense cosine it must reach instead (paraphrase).
        min_cosine_en: the same for a topic without Han characters (no lexical evidence).
        relative_coverage: … and at least this share of the best compared clause's coverage …
        cosine_margin: … or a cosine at most this far below the best compared clause's.
        per_document: most clauses shown per document.
        pool: hits of the one unfiltered search that compares the whole library (grouped by document).
        max_rows: rows shown when the caller named no documents and the library has more than this:
            only documents with clauses on the topic, the best first (1,000 documents make no table).
    """

    min_coverage: float = 0.35
    min_cosine: float = 0.88
    min_cosine_en: float = 0.78  # e5 puts English queries further from Chinese clauses
    relative_coverage: float = 0.5
    cosine_margin: float = 0.04
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
                             "responsible": list(c.responsible), "score": round(float(s), 4)} for c, s in self.clauses]}


@dataclass(frozen=True)
class Comparison:
    """The topic and one row per compared document."""

    topic: str
    rows: list[CompareRow]
    terms: str = ""  # the topic as each document was judged by (营造林), which a long clause's excerpt shows

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "rows": [r.to_dict() for r in self.rows]}


class CompareSource(Protocol):
    """What a comparison reads: the corpus view, clause search and sentence cosines (a ``QAEngine``)."""

    @property
    def corpus(self) -> CorpusView: ...

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]: ...

    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray: ...


def compare_documents(engine: CompareSource, topic: str, *, doc_ids: tuple[str, ...] = (),
                      regions: tuple[str, ...] = (), config: CompareConfig | None = None) -> Comparison:
    """Build a ``Comparison`` over the engine's index (see ``QAEngine.compare``)."""
    config = config or CompareConfig()
    corpus = engine.corpus
    query = to_search_form(topic)
    places = corpus.gazetteer.find(query)
    content = analyse(query, places=places.spans).content or query
    asked = _targets(corpus, doc_ids, regions) or list(corpus.gazetteer.documents_each(places))
    named = _of_asked_year(corpus, asked, query)
    # Within one document its place names and the question words only match its title and preamble:
    # the topic alone is what each document is searched and judged by. An English topic is judged by its
    # glossary terms (foreign trade → 外贸), as a Chinese one would be: cosines across languages run lower.
    english = is_english(query)
    terms = chinese_terms(query) if english else ""
    content = terms if english else compare_topic(spelled_out(content))
    topic_query = content or query
    if named:
        # A few named documents: each gets its own filtered search, so none is crowded out.
        per_doc = {d: engine.search(topic_query, k=_PER_DOC_HITS, filters=Filters(doc_ids=(d,))) for d in named}
    else:
        # The whole library: one search grouped by document instead of one search per document
        # (1,000 searches at 100k clauses); a document absent from the top ``pool`` has nothing close.
        per_doc = {d: [] for d in corpus.documents}
        for hit in engine.search(topic_query, k=config.pool):
            group = per_doc.setdefault(hit.clause.doc_id, [])
            if len(group) < _PER_DOC_HITS:
                group.append(hit)
    kept_by_doc = _relevant_all(engine, topic_query, content, per_doc, config,
                                relative=bool(named), sentence_level=bool(named))
    # A place whose document of the asked year says nothing on the topic may say it in its other year's
    # document (2024年…取得什么成效 is told by the 2025 report): those are judged with the rest.
    spare = {d: engine.search(topic_query, k=_PER_DOC_HITS, filters=Filters(doc_ids=(d,)))
             for d in _other_years(corpus, asked, named, kept_by_doc)}
    if spare:
        again = _relevant_all(engine, topic_query, content, {**per_doc, **spare}, config,
                              relative=True, sentence_level=True)
        found = {corpus.region(d) for d in spare if again[d]}
        kept_by_doc = {d: kept for d, kept in kept_by_doc.items() if kept or corpus.region(d) not in found}
        kept_by_doc.update({d: again[d] for d in spare if again[d]})
    if asked_modality(query, english=english) != "outcome":
        # A report's plan says what each place is to do; its review of past years what it did (营造林319万亩
        # last year beside 260万亩 this year): the plan's clause leads its row unless results are asked for.
        kept_by_doc = {d: sorted(kept, key=lambda t: reviews_past(t[0].doc_title, t[0].path))
                       for d, kept in kept_by_doc.items()}
    rows = [CompareRow(d, corpus.title(d), corpus.region(d), kept, "" if kept else NOTHING)
            for d, kept in kept_by_doc.items()]
    # Best-covered documents first; those with nothing on the topic last.
    rows.sort(key=lambda row: -max((s for _, s in row.clauses), default=-1.0))
    if not named and len(rows) > config.max_rows:
        rows = [row for row in rows if row.clauses][: config.max_rows]
    return Comparison(topic, rows, terms=content)


# Words of a compare question that ask for each place's part, not for a topic (各… to the end of its piece:
# 各有 / 各自; 有哪些举措 / 如何部署),
# and the particles left at a piece's edges once the places are gone (和 在低空经济上 → 低空经济).
_ASKS_EACH = re.compile(r"(?<=\S)各\S*|(?:^|(?<=\s))各(?:地|城市|市|区)?|打算|举措|做法|安排|部署|怎么|怎样|有何|分别|今年|"
                        r"[两三四五六七八九十几多](?:个)?(?:地|城市|省份?|市|区|县)|"
                        r"对比|比较|异同|不同|区别|政府工作报告|工作报告|报告|文件|政府(?=\s)")
# A year the documents were already chosen by (2024年GDP增速 → GDP增速): inside each document it is
# everywhere, and in the topic it only favours the lines that restate the title.
_YEAR_WORD = re.compile(r"(?:19|20)\d\d年?")
_EDGE_HEAD = "在和与及对把将就从"
_GENERIC_TAIL = re.compile(r"(?:任务|情况|工作)$")
_EDGE_TAIL = "上中里方面的有"


def compare_topic(content: str) -> str:
    """The topic of a compare question from its content words (``intent.content_text``): what each
    document is searched for and judged by; its place names and question words only match titles."""
    pieces = []
    for piece in _ASKS_EACH.sub(" ", content).split():
        piece = _YEAR_WORD.sub("", piece).lstrip(_EDGE_HEAD)
        piece = piece.removesuffix("方面").rstrip(_EDGE_TAIL)
        # 营造林任务 / 招商引资工作: a measure's task or work is the measure; a document writes 完成营造林
        # 600万亩, and the words joined across 林任 would be read as the rarest part of the topic.
        piece = _GENERIC_TAIL.sub("", piece) if len(_GENERIC_TAIL.sub("", piece)) >= 2 else piece
        if len(piece) >= 2:
            pieces.append(piece)
    return " ".join(pieces) or content


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _of_asked_year(corpus: CorpusView, doc_ids: list[str], query: str) -> list[str]:
    """Of a place's several documents, those of the year the question names (上海 2024 → its 2024 report,
    not the 2025 one nor a 2025 regulation); a place none of whose documents is of that year keeps them all
    (a 2025 report tells what was done in 2024)."""
    years = set(_YEAR.findall(query))
    if not years or len(doc_ids) < 2:
        return doc_ids
    def of_year(d: str) -> bool:
        doc = corpus.documents.get(d)
        return doc is not None and bool(years & set(_YEAR.findall(f"{doc.title} {doc.date[:4]}")))

    by_place: dict[str, list[str]] = {}
    for d in doc_ids:
        by_place.setdefault(corpus.region(d), []).append(d)
    keep = {d for docs in by_place.values() for d in ([x for x in docs if of_year(x)] or docs)}
    return [d for d in doc_ids if d in keep]


def _other_years(corpus: CorpusView, asked: list[str], named: list[str],
                 kept: dict[str, list[tuple[Clause, float]]]) -> list[str]:
    """The documents of a place left out for their year, where the place's chosen documents kept nothing."""
    empty = {corpus.region(d) for d in named} - {corpus.region(d) for d in named if kept.get(d)}
    return [d for d in asked if d not in named and corpus.region(d) in empty]


def _targets(corpus: CorpusView, doc_ids: tuple[str, ...], regions: tuple[str, ...]) -> list[str]:
    """Documents named by id, or lying in one of the regions (substring of region or title)."""
    if doc_ids:
        return [d for d in doc_ids if d in corpus.documents]
    wanted = [to_search_form(r) for r in regions]
    return [d.doc_id for d in corpus.documents.values()
            if any(w in to_search_form(d.region) or w in to_search_form(d.title) for w in wanted)]


def _relevant_all(engine: CompareSource, query: str, content: str, per_doc: dict[str, list[Hit]],
                  config: CompareConfig, *, relative: bool = True,
                  sentence_level: bool = False) -> dict[str, list[tuple[Clause, float]]]:
    """Per document, its hits that really are on the topic, best first, at most ``per_document``.

    Evidence is the clause's lexical coverage of the topic and its cosine (one batch: the answer scorer
    embeds each text once). Documents the question names are judged against the best
    of them as well (``relative``): a document whose best clause holds far less of the topic than another
    document's is not about it. A whole-library question keeps every document with evidence of its own:
    with dozens of documents, the best one's evidence says nothing about the others'.
    """
    vocab = engine.corpus.vocabulary
    hits_all = [h for hits in per_doc.values() for h in hits]
    texts = [h.clause.text for h in hits_all]
    # A long clause states a target in one sentence among many (主要预期目标是：…研发经费支出占GDP比重3.2%…):
    # its cosine is diluted, that sentence's is not. Only sentences holding some of the topic's bigrams are
    # embedded, and only for the few documents a question names.
    sentences = [_topic_sentences(h.clause.text, content) if sentence_level else [] for h in hits_all]
    flat = [t for group in sentences for t in group]
    vectors = engine.similarities(query, texts + flat) if texts else []
    clause_cos = [float(c) for c in vectors[: len(texts)]]
    sentence_cos = iter(float(c) for c in vectors[len(texts):])
    best_of = [max([c] + [next(sentence_cos) for _ in group]) for c, group in zip(clause_cos, sentences)]
    evidence = iter(zip(clause_cos, best_of))
    # (clause, coverage, clause cosine, best sentence cosine): the sentence says whether a clause is on
    # the topic; the whole clause how much of it is, and ranks (a news paragraph's one sentence on it
    # does not outrank a plan's clause about it).
    scored: dict[str, list[tuple[Clause, float, float, float]]] = {}
    for d, hits in per_doc.items():
        cos = [next(evidence) for _ in hits]
        scored[d] = [(h.clause, topic_coverage(vocab, content, h.clause) if content else 0.0, c, best)
                     for h, (c, best) in zip(hits, cos) if not is_bare_heading(h.clause)]
    everything = [t for rows in scored.values() for t in rows]
    best_cov = max((t[1] for t in everything), default=0.0)
    best_cos = max((t[3] for t in everything), default=0.0)
    min_cov = max(config.min_coverage, config.relative_coverage * best_cov if relative else 0.0)
    min_cos = max(config.min_cosine if content else config.min_cosine_en,
                  best_cos - config.cosine_margin if relative else 0.0)
    out: dict[str, list[tuple[Clause, float]]] = {}
    for d, rows in scored.items():
        kept = [(clause, max(cov, cos)) for clause, cov, cos, best in rows if cov >= min_cov or best >= min_cos]
        kept.sort(key=lambda t: -t[1])
        out[d] = kept[: config.per_document]
    return out


_SENTENCE = re.compile(r"[^。！？；;!?\n]+")
# 金融合作和产业基金: two topics asked together; a document on either is on the question's topic.
_TOPIC_JOIN = re.compile(r"以及|和|与|及|、")


def topic_coverage(vocab: Any, content: str, clause: Clause) -> float:
    """Coverage of the topic by a clause, or of one of the topics it joins (A和B, each of three characters
    or more), whichever is higher.

    The whole topic is read in the whole clause: its units say which field it is in (市卫生健康委 and
    医疗). One joined topic alone is read in the task without its units: 人力资源 is not a clause's topic
    because 市人力资源社会保障局 is responsible for it.
    """
    whole = vocab.coverage(content, clause.search_text)
    parts = [p for piece in content.split() for p in _TOPIC_JOIN.split(piece)]
    if len(parts) < 2 or any(len(p) < 3 for p in parts):
        return whole
    task = to_search_form(without_duty(clause.text)) if clause.has_responsibility else clause.search_text
    return max([whole] + [vocab.coverage(p, task) for p in parts])


def _topic_sentences(text: str, content: str) -> list[str]:
    """The sentences of a clause (two or more) that hold at least one of the topic's bigrams."""
    found = [t.strip() for t in _SENTENCE.findall(text) if len(t.strip()) >= 6]
    if len(found) < 2 or not content:
        return []
    wanted = bigrams(content)
    return [t for t in found if wanted & bigrams(to_search_form(t))]


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
            units = (responsibility_sentence(clause.leads, clause.cooperating, source_text=clause.text,
                                             responsible=clause.responsible)
                     if clause.has_responsibility else "")
            items.append(f"{' '.join(clause.path)}：“{_excerpt(clause.text, comparison.terms)}”{units}"
                         f"[{number[clause.clause_id]}]")
        parts.append(f"《{row.doc_title}》：" + "；".join(items))
    abstained = not cited
    text = "\n".join(parts) if not abstained else "语料中未找到依据：各文件均未涉及该主题。"
    return Answer(question=question, text=text, intent="compare", abstained=abstained, citations=cited)


def to_markdown(comparison: Comparison) -> str:
    """A Markdown table: document | region | clause | leads | cooperating | responsible."""
    lines = [f"## {comparison.topic}", "", "| 文件 | 地区 | 条款 | 牵头单位 | 配合单位 | 责任单位 |",
             "|---|---|---|---|---|---|"]
    for row in comparison.rows:
        if not row.clauses:
            lines.append(f"| {row.doc_title} | {row.region} | {NOTHING} | | | |")
        for clause, _ in row.clauses:
            text = _excerpt(clause.text, comparison.terms).replace("|", "\\|")
            lines.append(f"| {row.doc_title} | {row.region} | {' '.join(clause.path)} {text} | "
                         f"{'、'.join(clause.leads)} | {'、'.join(clause.cooperating)} | "
                         f"{'、'.join(clause.responsible)} |")
    return "\n".join(lines) + "\n"


# Chinese, for the staff who open it in Excel; the JSON output (`compare --json`) keeps English keys.
CSV_HEADERS = ("文件 ID", "文件", "地区", "条款 ID", "条款", "内容", "牵头单位", "配合单位", "责任单位", "相关度")


def to_csv(comparison: Comparison) -> str:
    """CSV with one line per (document, clause); a document without clauses gets one note line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for row in comparison.rows:
        if not row.clauses:
            writer.writerow([row.doc_id, row.doc_title, row.region, "", "", NOTHING, "", "", "", ""])
        for clause, score in row.clauses:
            writer.writerow([row.doc_id, row.doc_title, row.region, clause.clause_id, " ".join(clause.path),
                             clause.text, "、".join(clause.leads), "、".join(clause.cooperating),
                             "、".join(clause.responsible), f"{score:.4f}"])
    return out.getvalue()


def to_text(comparison: Comparison) -> str:
    """Readable text: per document, its clauses as 《title》 path with leads."""
    lines = [f"主题：{comparison.topic}"]
    for row in comparison.rows:
        lines.append(f"\n《{row.doc_title}》（{row.region or '—'}）")
        if not row.clauses:
            lines.append(f"  {NOTHING}")
        for clause, score in row.clauses:
            lines.append(f"  {reference(clause)}  ({score:.2f})\n    {_excerpt(clause.text, comparison.terms, 200)}")
            if clause.has_responsibility:
                lines.append(f"    {responsibility_sentence(clause.leads, clause.cooperating, source_text=clause.text, responsible=clause.responsible)}")
    return "\n".join(lines) + "\n"


def _excerpt(text: str, terms: str, limit: int = 120) -> str:
    """A clause as a row shows it: whole when short, else from the sentence holding most of the topic (a
    province's paragraph on ecology states 完成营造林600万亩 in its sixth sentence)."""
    text = " ".join(text.split())
    if len(text) <= limit or not terms:
        return _short(text, limit)
    on_topic = _topic_sentences(text, terms)
    if not on_topic:
        return _short(text, limit)
    wanted = bigrams(terms)
    best = max(on_topic, key=lambda t: len(wanted & bigrams(to_search_form(t))))  # the first of the best
    at = text.find(best)
    return _short(text[at:], limit) if at <= 0 else "…" + _short(text[at:], limit - 1)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
