"""The default answerer: extractive, offline. Quotes clauses; never writes a fact of its own.

Input is a ``Retrieval`` (the question analysed, its places resolved to documents, hits retrieved);
output an ``Answer``:

- responsibility: the leads and cooperating units of the best-supported clause that has them
  (a heading's own children count: 二、（一） → its numbered clauses), from one document only;
- fact: the sentence(s) of the top clauses that best match the question; when it asks 多少 / 几 /
  哪年 / how many, only sentences that state a figure, and an abstention when none of them does;
- general: the best clause, quoted;
- abstain ("语料中未找到依据…"), with the nearest clauses as ``related``, when a place or key
  term of the question is nowhere in the corpus or the best clause shares too little with it.

Example:
    >>> engine = QAEngine(index)                              # doctest: +SKIP
    >>> engine.ask("宿州市冷链物流项目由哪个部门牵头？").leads     # doctest: +SKIP
    ('市发展改革委',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from policyqa.index.hybrid import Hit
from policyqa.model import Clause
from policyqa.ingest.duty_spans import duty_spans
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.answer import Answer, Citation
from policyqa.qa.answerers.citations import cite, reference, sentences
from policyqa.qa.answerers.duty_choice import choose_answer_duty, duty_options, has_marker
from policyqa.qa.answerers.slot_fill import best_fill, question_slot
from policyqa.qa.question.corpus_view import CorpusView, SentenceScorer
from policyqa.qa.question.counted import counted_head, counts_it
from policyqa.qa.question.language import concepts
from policyqa.qa.question.modality import asked_modality, states_target
from policyqa.qa.question.support import best_coverage, concept_coverage
from policyqa.qa.question.years import (about_other_years, asks_this_year, before_document, reviews_past,
                                        section_years, sentence_years, years_in)
from policyqa.qa.question.intent import QuestionAnalysis, is_place_kind, of_kind
from policyqa.qa.question.places import PlaceMatch, place_stem

ABSTAIN_PREFIX = "语料中未找到依据"
_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两半]+(?:个|名|次|项|家|年|条|批|倍|小时|季度|月)|每[年季月周]")
_YEAR_FIGURE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*[-—–~～至到]\s*(?:19|20)\d{2})?年?(?!\d)")
# A question for a time (哪年 / 何时 / 有效期 / when): its answer may be a year alone.
_TIME_CUES = re.compile(r"哪年|哪一年|何年|何时|什么时候|日期|期限|有效期|截止|\bwhen\b|\bwhat year\b|\bwhich year\b|"
                        r"\bdate\b|\buntil\b|\bvalid\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*[（(]?(?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）.．、]")
_DOC_TITLE = re.compile(r"(?:通知|方案|意见|措施|计划|规划|办法|决定|细则|纲要)(?:[（(][^）)]*[)）])?$")
_SENTENCE_FINAL = re.compile(r"[。；;！？!?]$")
_CITED_TITLE = re.compile(r"《[^《》]*》")
_TITLE_LINE = 40  # characters of the longest section title line (一、2024年工作回顾)
_LONG_CLAUSE = 300  # characters a general answer quotes whole (see ``_quote``)
# What a target question adds to a target sentence's score: less than the spread between a sentence on
# the measure asked and one on another measure (coverage and cosine differ by 0.2 and more).
_TARGET_PREFERENCE = 0.1
# Clauses, best supported first, whose sentences are laid under a which-question's slot (``slot_fill``).
_SLOT_CLAUSES = 3
# Characters of the question found around a slot's fill for it to replace the duty a span reads.
_SLOT_OVERRIDES = 6
# 多少万元 / 几家 / 多少个工作日: the measure word after the question word is the unit of the answer.
_ASKED_UNIT = re.compile(r"(?:多少|几)[万亿千百]?(万元|亿元|元|家|个工作日|工作日|天|年|件|所|张|名|人次|公里|平方米|亩|吨|户"
                         r"|辆|台|套|座|床|位|人)")
# 第三条 / 第二章: an article's number, not a figure it states.
_ARTICLE_NUMBER = re.compile(r"第[一二三四五六七八九十百零〇\d]+[条章节款项]")
_MONEY = ("万元", "亿元", "元")
# A question for a rate or a share (增长率是多少 / 百分之几 / what percentage / what share), and how a sentence
# states one. 增长多少 alone may ask for an amount.
_ASKS_PERCENT = re.compile(r"百分之几|多少个?百分点|(?:率|比例|比重|占比|增速|增幅)(?:是|为|要?达到|目标是|目标为)?多少"
                           r"|\b(?:percent|percentage|proportion|share|rate)\b", re.IGNORECASE)
_PERCENT = re.compile(r"\d\s*[%％]|百分点|百分之")
# Units an English figure question names (how many tonnes / mu / kilometres / days / yuan).
_ASKED_UNIT_EN = tuple((re.compile(p, re.IGNORECASE), unit) for p, unit in (
    (r"\bton(?:ne)?s\b", "吨"), (r"\bmu\b", "亩"), (r"\bkilomet(?:er|re)s\b|\bkm\b", "公里"),
    (r"\bdays\b", "天"), (r"\byuan\b|\brmb\b", "元"), (r"\bsquare met(?:er|re)s\b", "平方米")))
# 多大 / 多高 / 多快 … ask for a size, a height, a speed: a figure (not 多大程度, an extent).
_QUANTITY_CUES = re.compile(r"多少|(?<!哪)几|哪年|哪一年|何时|什么时候|多久|多长|多大(?!程度)|多高|多快|多远|多重|"
                            r"比例|比率|\bhow (?:many|much|long)\b|\bwhen\b|\byear\b|"
                            r"\bdate\b|\bsize\b|\btarget|\bpercent|\bgrowth rate\b", re.IGNORECASE)


@dataclass(frozen=True)
class QAConfig:
    """Answering thresholds, calibrated on eval/testsets/seed.jsonl (see ``policyqa eval``).

    Attributes:
        min_cosine_en: least cosine of the best clause for a question without Han characters.
            0: e5-small's cross-lingual cosines do not separate supported from unsupported English
            questions (0.76–0.82 for both on the seed set); their evidence is ``min_evidence``.
        min_evidence: least ``sentence_support`` of the best retrieved sentence, ``(1 - w) * subject
            coverage + w * cosine`` with w = ``evidence_cosine_weight``: below it no retrieved sentence
            holds the question's subject (the figure, unit, place or programme asked about) in its
            words or in its meaning, and the answer abstains. Swept on all dev sets together (see
            DEVELOPERS.md, "Evidence for an answer").
        evidence_cosine_weight: the cosine's weight in ``sentence_support``.
        min_cosine_missing_en: an English question one of whose glossary concepts no clause holds is
            answered only when some retrieved sentence is this close to it (0.905, the earlier calibration's
            threshold for a missing term, where the answerable questions with one lay at 0.906–0.921).
        evidence_clauses: how many of the best answering clauses' sentences are judged.
        fact_clauses: how many of the best clauses a fact answer takes its sentences from.
        min_figure_support: a figure question (多少 / 几 / how many) is answered only by a sentence that
            states a figure and whose ``(1 - w) * subject coverage + w * cosine`` (w =
            ``figure_cosine_weight``) reaches this. Calibrated on the dev sets together (seed,
            extra_facts, extra_general, extra_mixed, extra_responsibility: 74 answerable and 28
            unanswerable Chinese figure questions), sweeping w in {0.35, 0.5, 0.65} and the threshold
            in 0.50–0.82: 0.64 at w = 0.5 abstains on 20 of the 28 for 2 of the 74 (three more have
            no figure sentence in the unit asked at all).
        coverage_weight: weight of lexical coverage against the dense cosine when ranking.
        min_words_evidence: ``words_only``'s least subject coverage of the best sentence (and of a figure's).
        child_factor: how much a heading's child inherits of the heading's retrieval score.
        k: hits retrieved per question.
    """

    min_cosine_en: float = 0.0
    min_evidence: float = 0.60
    evidence_cosine_weight: float = 0.6
    min_cosine_missing_en: float = 0.905
    evidence_clauses: int = 3
    fact_clauses: int = 6
    min_figure_support: float = 0.64
    figure_cosine_weight: float = 0.5
    coverage_weight: float = 0.5
    child_factor: float = 0.9
    k: int = 12
    min_words_evidence: float = 0.4

    def words_only(self) -> QAConfig:
        """The thresholds for an embedder whose cosines are not on multilingual-e5-small's scale (a
        sentence-transformers model, the hash embedder): every cosine threshold above was calibrated on
        e5-small, where unrelated texts already score 0.75–0.8, so another model's cosines would make it
        abstain on everything or nothing. Evidence is then the sentence's share of the subject alone, at
        ``min_words_evidence`` (not calibrated: an eval on that model's index is the way to set it), and an
        English question's missing concept is not rescued by a cosine."""
        return replace(self, evidence_cosine_weight=0.0, figure_cosine_weight=0.0, min_cosine_missing_en=1.01,
                       min_evidence=self.min_words_evidence, min_figure_support=self.min_words_evidence)


@dataclass(frozen=True)
class Retrieval:
    """One question, analysed and retrieved, ready to answer."""

    question: str
    query: str                        # search form of the question
    analysis: QuestionAnalysis
    places: PlaceMatch
    doc_ids: tuple[str, ...]          # documents the named places point to ('' = any)
    hits: tuple[Hit, ...]
    problem: str = ""                 # why the corpus cannot answer, found before retrieval
    missing: tuple[str, ...] = ()     # specific terms of the question that no clause holds
    quoted: tuple[str, ...] = ()      # documents the question quotes by title (《…》), the ones asked


@dataclass(frozen=True)
class Evidence:
    """The best-supporting sentence of the best answering clauses: its dense cosine to the question,
    its share of the question's subject (``Vocabulary.subject_coverage``), the two combined
    (``ExtractiveAnswerer.sentence_support``), and the sentence."""

    sentence_cosine: float
    sentence_coverage: float
    support: float
    sentence: str = ""
    max_cosine: float = 0.0           # the closest sentence by cosine alone


@dataclass(frozen=True)
class SentenceEvidence:
    """One sentence of a candidate clause, judged against the question."""

    sentence: str
    candidate: Candidate
    cosine: float
    coverage: float                   # share of the question's content the sentence holds (ranking)
    subject: float                    # share of its subject, ordinary wording aside (support)
    preference: float = 0.0           # what the question's wording asks of it beyond its content

    @property
    def score(self) -> float:
        return self.coverage + self.cosine + 0.3 * self.candidate.support + self.preference


@dataclass(frozen=True)
class Candidate:
    """A clause considered as support, with the evidence for it."""

    clause: Clause
    support: float
    coverage: float
    cosine: float
    via: Clause | None = None         # the retrieved heading this clause was reached through


# A term this long is a compound naming a specific thing (增加值, 进出口, 碳排放); see ``_missing_here``.
_SPECIFIC_TERM = 3


@dataclass
class ExtractiveAnswerer:
    """Turns a ``Retrieval`` into a cited ``Answer`` without any model but the embedder."""

    corpus: CorpusView
    dense: SentenceScorer
    config: QAConfig = field(default_factory=QAConfig)

    def answer(self, r: Retrieval) -> Answer:
        """Answer one retrieved question (see the module docstring for the rules)."""
        candidates, problem = self.candidates(r)
        if not problem:
            problem = self.unsupported(r, candidates)
        if problem:
            return self.abstain(r, problem)
        if r.analysis.intent == "responsibility":
            return self._responsibility(r, candidates)
        if r.analysis.intent == "fact" or len(candidates[0].clause.text) > _LONG_CLAUSE:
            # A long paragraph (a work report's) is answered by its sentences, not quoted whole.
            return self._fact(r, candidates)
        return self._general(r, candidates)

    def candidates(self, r: Retrieval) -> tuple[list[Candidate], str]:
        """The retrieved clauses that may answer, ranked, or why none may: a problem found before
        retrieval, no clause naming the place, only headings, only other years."""
        if r.problem:
            return [], r.problem
        candidates = self.rank(r, [h.clause for h in r.hits], [h.score for h in r.hits])
        candidates = self._placed(r, candidates)
        if not candidates:
            return [], "没有与问题相关的条款"
        if r.analysis.intent != "responsibility":
            # A heading or a preamble names a subject; it does not answer a question about it.
            candidates = [c for c in candidates if not is_bare_heading(c.clause)]
            if not candidates:
                return [], "相关内容只有标题或前言，没有条款"
            asked = years_in(r.query)
            dated = [c for c in candidates if not about_other_years(asked, self.section_years(c.clause))]
            if not dated:
                return [], "相关条款说的是其他年份"
            candidates = dated
            if asks_this_year(r.query):
                # 今年 is the year a report plans, not the one it reviews (2023年工作回顾 in a 2024 report);
                # a report that only reviews still answers from its review.
                candidates = [c for c in candidates if not self.reviews_past(c.clause)] or candidates
        return candidates, ""

    # --- evidence -------------------------------------------------------------------------------
    def rank(self, r: Retrieval, clauses: list[Clause], scores: list[float]) -> list[Candidate]:
        """Clauses ordered by support: retrieval score, lexical coverage, dense cosine."""
        if not clauses:
            return []
        cosines = self.dense.similarities(r.query, [c.text for c in clauses])
        vocab = self.corpus.vocabulary
        out = []
        for clause, score, cosine in zip(clauses, scores, cosines):
            if r.analysis.english:
                # No lexical evidence across languages: the index's fused (dense-led) ranking
                # is the only signal; raw cosines of e5-small differ by less than their noise.
                support = float(score)
                coverage = 0.0
            else:
                coverage = vocab.coverage(r.analysis.content, clause.search_text)
                w = self.config.coverage_weight
                support = (1 - w) * float(score) + w * coverage
            out.append(Candidate(clause, support, coverage, float(cosine)))
        out.sort(key=lambda c: -c.support)
        return out

    def evidence(self, r: Retrieval, candidates: list[Candidate]) -> Evidence:
        """The sentence-level evidence of the best answering clauses (see ``Evidence``): of the sentences
        of the first ``evidence_clauses`` clauses that are not bare headings, the one whose
        ``sentence_support`` is highest."""
        top = [c for c in candidates if not is_bare_heading(c.clause)][: self.config.evidence_clauses]
        pool = [(s, c) for c in top for s in sentences(body_text(c.clause)) if len(s) >= 4]
        if not pool:
            return Evidence(0.0, 0.0, 0.0)
        cosines = self.dense.similarities(r.query, [s for s, _ in pool])
        best = Evidence(0.0, 0.0, -1.0)
        for (sentence, cand), cosine in zip(pool, cosines):
            subject = self._sentence_coverage(r, sentence, cand.clause)
            support = self.sentence_support(subject, float(cosine))
            if support > best.support:
                best = Evidence(float(cosine), subject, support, sentence)
        return replace(best, max_cosine=float(cosines.max()))

    def sentence_support(self, subject: float, cosine: float) -> float:
        """How well one sentence supports the question: its share of the question's subject and its
        dense cosine together (``QAConfig.min_evidence``)."""
        w = self.config.evidence_cosine_weight
        return (1 - w) * subject + w * cosine

    def unsupported(self, r: Retrieval, candidates: list[Candidate]) -> str:
        """Why the best candidates do not support an answer, or '' when they do.

        Evidence, not vocabulary: no retrieved sentence holds enough of the question's subject while
        being close to it in meaning (``evidence``), or a figure the question names is not in the
        document. A question word the corpus lacks only lowers a sentence's coverage; on its own it
        never abstains. A specific term the corpus holds but the documents asked about do not does
        (``_missing_here``): the answer would come from another place's words.
        """
        if r.analysis.english and candidates[0].cosine < self.config.min_cosine_en:
            return "没有与问题足够相近的条款"
        return (self._missing_here(r) or self._weak_evidence(r, candidates)
                or self._missing_figures(r, candidates[0]))

    def _weak_evidence(self, r: Retrieval, candidates: list[Candidate]) -> str:
        """No retrieved sentence whose ``sentence_support`` reaches ``min_evidence`` (Chinese), or, for an
        English question, a concept of it the corpus lacks and no sentence close to it in meaning
        (``min_cosine_missing_en``): across languages the only lexical evidence is the glossary's terms,
        too few to weigh a sentence by."""
        if r.analysis.english:
            if not r.missing:
                return ""
            ev = self.evidence(r, candidates)
            if ev.max_cosine >= self.config.min_cosine_missing_en:
                return ""
            return f"没有条款说到问题所问的内容（语料中没有“{'”“'.join(r.missing)}”，也没有意思相近的句子）"
        if not r.analysis.content:
            return ""  # nothing specific asked (问题只有疑问词): nothing to hold
        ev = self.evidence(r, candidates)
        if ev.support >= self.config.min_evidence:
            return ""
        if r.missing:
            return f"没有条款说到问题所问的内容（语料中没有“{'”“'.join(r.missing)}”，也没有意思相近的句子）"
        return "最相关的条款与问题的关键词重合太少，也没有意思相近的句子"

    def section_years(self, clause: Clause) -> frozenset[int]:
        """The years the clause's sections are about: their titles in its path, or, where the path keeps
        only numbers (一 / （二）), the title lines of the heading clauses it lies under (and its own)."""
        found = section_years(clause.path)
        if found or not clause.numbering:
            return found
        wanted = {clause.numbering[:depth] for depth in range(1, len(clause.numbering) + 1)}
        # A title line is short; a long first line is the section's own text, whose years it may cite.
        titles = [line for c in self.corpus.doc_clauses(clause.doc_id) if c.numbering in wanted
                  for line in [c.text.strip().partition("\n")[0]] if len(line) <= _TITLE_LINE]
        return section_years(tuple(titles))

    def reviews_past(self, clause: Clause) -> bool:
        """The clause lies in a section about years before its document's (a 2024 report's 一、2023年工作回顾),
        its sections' years read as ``section_years`` reads them."""
        return before_document(clause.doc_title, self.section_years(clause))

    def _missing_figures(self, r: Retrieval, best: Candidate) -> str:
        """A figure must occur in the clause's document: "2023年" may be written 今年 in the clause
        itself, but a 2035 target in a plan that never says 2035 is not there."""
        doc_text = "".join(c.search_text for c in self.corpus.doc_clauses(best.clause.doc_id))
        missing = [f for f in r.analysis.figures if f not in doc_text]
        if missing:
            return f"问题中的数字（{'、'.join(missing)}）在相关文件中没有出现"
        return ""

    def _missing_here(self, r: Retrieval) -> str:
        """A specific term of the question that the corpus holds but no document asked about does (a city's
        report that never says 增加值): another place's document says it, this one cannot answer. Only where
        the question names its documents, by place or title, and only a compound of three characters or
        more: a two-character noun is as often the asker's own wording (层面, 方面) as the subject. Not for a
        who-question, which names the kind of body it asks for in its own words (哪所高职院校, 哪家车企)."""
        if not r.doc_ids or not (r.places.scopes or r.quoted) or r.analysis.intent == "responsibility":
            return ""
        text = "".join(c.search_text for d in r.doc_ids for c in self.corpus.doc_clauses(d))
        vocab = self.corpus.vocabulary
        here = (vocab.missing_concepts(concepts(r.query), within=text) if r.analysis.english
                else vocab.missing_terms(r.analysis.content, within=text))
        absent = [t for t in here if t not in r.missing and len(t) >= _SPECIFIC_TERM]
        if absent:
            return f"问题所问的“{'”“'.join(absent)}”在所问地方的文件中没有出现"
        return ""

    def _placed(self, r: Retrieval, candidates: list[Candidate]) -> list[Candidate]:
        """A place no document is about (苏州, 上城区) must be named by the clause or its document.

        The document's title and region count too: an uploaded 安徽省人民政府办公厅关于… has no
        catalog region, and its clauses rarely repeat the province's name.
        """
        if r.doc_ids or not r.places.mentioned:
            return candidates
        stems = [place_stem(p) for p in r.places.mentioned]

        def names_place(clause: Clause) -> bool:
            where = f"{clause.search_text} {to_search_form(clause.doc_title)} {clause.region}"
            return any(s in where for s in stems)

        return [c for c in candidates if names_place(c.clause)]

    # --- answers --------------------------------------------------------------------------------
    def _responsibility(self, r: Retrieval, candidates: list[Candidate]) -> Answer:
        pool = self._with_children(r, candidates)
        if not years_in(r.query):
            # Who does a task is in the plan, not in a review of past years (一、2023年工作回顾), unless
            # the question names a year, or no clause of the plan names anyone: a report whose plan lost its
            # heading files the plan under the review.
            plan = [c for c in pool if not reviews_past(c.clause.doc_title, c.clause.path)]
            if any(duty_options(c.clause) for c in plan):
                pool = plan
        # The sentence, among the best clauses' duties, that describes the asked task.
        chosen = choose_answer_duty(pool, r.query, r.analysis.content, self.dense, self.corpus.vocabulary,
                                    english=r.analysis.english, kind=r.analysis.kind)
        kind = r.analysis.kind
        filled = self._slot_answer(r, pool, chosen)
        if filled is not None:
            return filled
        if chosen is not None and is_place_kind(kind) and not any(
                of_kind(u, kind) for u in chosen[1].leads + chosen[1].cooperating + chosen[1].responsible):
            # 哪个城市 asks for a place: where no duty names one, the place is the object of the task (辐射某市),
            # and the sentence that states it answers, not the units of another duty.
            return self._fact(r, candidates)
        if chosen is None:
            return self._general(r, candidates, note="相关条款未写明责任单位。")
        best, duty = pool[chosen[0]], chosen[1]
        c = best.clause
        text = responsibility_sentence(duty.leads, duty.cooperating, english=r.analysis.english,
                                       source_text=duty.text, responsible=duty.responsible)
        cited = cite([(c, best.support)] + ([(best.via, 0.0)] if best.via else []))
        quote = _quote(duty.text if duty.text != c.text else c.text, 200)
        body = f"{text}[1]\n依据：{reference(c)}：“{quote}”"
        return Answer(question=r.question, text=body, intent="responsibility", leads=duty.leads,
                      cooperating=duty.cooperating, responsible=duty.responsible, citations=cited,
                      related=self._related(r, cited))

    def _slot_answer(self, r: Retrieval, pool: list[Candidate], chosen: tuple[int, Any] | None) -> Answer | None:
        """The answer read where the question's 谁 / 哪里 / 哪个X stands in a sentence of the best clauses
        (``slot_fill``), when no marker answers: a work report's 支持X创建… names no duty a span reads, and
        where a span's units differ from the words the question's slot points at, the slot is what was asked.
        A marked clause's units stay the answer: its marker says who does its task, with the roles."""
        slot = None if r.analysis.english else question_slot(r.query)
        if slot is None:
            return None
        top = pool[:_SLOT_CLAUSES]
        found = [(at, f) for at, cand in enumerate(top)
                 if (f := best_fill(slot, sentences(body_text(cand.clause)))) is not None]
        if not found:
            return None
        at, filled = max(found, key=lambda x: (x[1].strength, -x[0]))
        best = top[at]
        if has_marker(best.clause.text):
            return None
        if chosen is not None:
            # The duty a span reads stays the answer unless the slot is found firmly, in a clause ranked
            # no lower; the object a question asks for (壮大哪家集团) is no duty's unit, wherever it stands.
            duty = chosen[1]
            units = set(duty.leads + duty.cooperating + duty.responsible)
            if set(filled.names) <= units or has_marker(pool[chosen[0]].clause.text):
                return None
            if slot.right and (filled.strength < _SLOT_OVERRIDES or at > chosen[0]):
                return None
        c = best.clause
        names = "、".join(filled.names)
        cited = cite([(c, best.support)])
        if not slot.right:
            # 壮大哪家集团 / 连接哪个城市: the slot is the verb's object, what the task is about, not its doer.
            body = f"据语料：“{_quote(filled.sentence, 200)}”[1]\n出处：[1] {reference(c)}"
            return Answer(question=r.question, text=body, intent="fact", citations=cited,
                          related=self._related(r, cited))
        body = f"{names}。[1]\n依据：{reference(c)}：“{_quote(filled.sentence, 200)}”"
        return Answer(question=r.question, text=body, intent="responsibility", leads=filled.names,
                      citations=cited, related=self._related(r, cited))

    def _with_children(self, r: Retrieval, candidates: list[Candidate]) -> list[Candidate]:
        """Candidates plus the children of retrieved headings/sections, re-ranked together.

        A heading has no responsibility of its own; the clause under it that best matches the
        question carries the units.
        """
        if r.analysis.english:
            return candidates  # headings are hubs for English queries; their children are noise
        extra: list[tuple[Clause, float, Clause]] = []
        seen = {c.clause.clause_id for c in candidates}
        for cand in candidates[:5]:
            for child in self.corpus.descendants(cand.clause):
                if child.has_responsibility and child.clause_id not in seen:
                    seen.add(child.clause_id)
                    extra.append((child, cand.support * self.config.child_factor, cand.clause))
        if not extra:
            return candidates
        ranked = self.rank(r, [e[0] for e in extra], [e[1] for e in extra])
        via = {e[0].clause_id: e[2] for e in extra}
        children = [Candidate(c.clause, c.support, c.coverage, c.cosine, via[c.clause.clause_id]) for c in ranked]
        return sorted(candidates + children, key=lambda c: -c.support)

    def _fact(self, r: Retrieval, candidates: list[Candidate]) -> Answer:
        head = candidates[: self.config.fact_clauses]
        top = head + self._neighbours(r, candidates[0], {c.clause.clause_id for c in head})
        picked = self.best_sentences(r, top)
        if picked is None:
            # 多少 / 几 / how many: clauses on the topic that give no figure do not answer it.
            return self.abstain(r, "相关条款没有给出问题所问的数字")
        if not picked:
            return self._general(r, candidates)
        # The clause of the best sentence is cited first: it is the one that holds the answer.
        support = {c.clause.clause_id: c.support for c in top}
        cited = cite([(cl, support.get(cl.clause_id, 0.0)) for _, cl in picked])
        number = {c.clause.clause_id: c.n for c in cited}
        lines = [f"“{s}”[{number[cl.clause_id]}]" for s, cl in picked]
        refs = "；".join(f"[{c.n}] {reference(c.clause)}" for c in cited)
        lead = "According to the corpus: " if r.analysis.english else "据语料："
        # 支持哪个县创建… / 由哪家协会…: the words of the sentence where the question's slot stands are the answer.
        slot = None if r.analysis.english or _QUANTITY_CUES.search(r.query) else question_slot(r.query)
        filled = best_fill(slot, [s for s, _ in picked]) if slot is not None and slot.right else None
        names = filled.names if filled else ()
        if names:
            lead = f"{'、'.join(names)}。{lead}"
        return Answer(question=r.question, text=lead + "".join(lines) + f"\n出处：{refs}", intent="fact",
                      leads=names, citations=cited, related=self._related(r, cited))

    def _neighbours(self, r: Retrieval, best: Candidate, seen: set[str]) -> list[Candidate]:
        """The clauses just before and after the best one: a date or document number often sits on
        the line next to the title that matched."""
        doc = self.corpus.doc_clauses(best.clause.doc_id)
        ids = [c.clause_id for c in doc]
        at = ids.index(best.clause.clause_id) if best.clause.clause_id in ids else -1
        if at < 0:
            return []
        asked, now = years_in(r.query), asks_this_year(r.query)
        # Neighbours are scoped as the candidates were: not another year's section, not a past review.
        near = [c for c in doc[max(at - 2, 0): at + 3] if c.clause_id not in seen
                and not about_other_years(asked, self.section_years(c)) and not (now and self.reviews_past(c))]
        return self.rank(r, near, [0.0] * len(near)) if near else []

    def best_sentences(self, r: Retrieval, top: list[Candidate]) -> list[tuple[str, Clause]] | None:
        """The one or two sentences of ``top`` clauses that best answer the question; ``None`` when the
        question asks for a figure (多少 / 几 / 哪年 / how many …) and no sentence about its subject states one.

        Sentences are judged on their own, not by their clause: a work report's paragraph holds a
        dozen subjects, and only the sentence naming the one asked about answers (its first sentence
        rarely does)."""
        # A sentence that only restates a document title states no fact of its own.
        pool = [(s, cand) for cand in top for s in sentences(body_text(cand.clause))
                if len(s) >= 4 and not _is_title(s, cand.clause.doc_title)]
        if not r.doc_ids and r.places.mentioned:
            # A place asked about beyond its own documents (or with none) is named by the sentence that
            # answers, or by that sentence's document: a report that names 浙江 once, for a partnership,
            # says nothing of 浙江's targets in its own.
            stems = [place_stem(p) for p in r.places.mentioned]
            pool = [(s, cand) for s, cand in pool if any(
                st in f"{to_search_form(s)} {to_search_form(cand.clause.doc_title)} {cand.clause.region}"
                for st in stems)]
            if not pool:
                return None if _QUANTITY_CUES.search(r.query) else []
        if not pool:
            return []
        cos = self.dense.similarities(r.query, [s for s, _ in pool])
        vocab = self.corpus.vocabulary
        # An English question's words are its glossary concepts: the sentence holding their Chinese terms
        # (hydrogen → 氢能), the rarer the more, is ranked as a Chinese one holding the question's bigrams.
        asked = concepts(r.query) if r.analysis.english else ()
        scored = [SentenceEvidence(s, cand, float(c),
                                   vocab.concept_coverage(asked, to_search_form(s)) if r.analysis.english
                                   else vocab.coverage(r.analysis.content, to_search_form(s)),
                                   self._sentence_coverage(r, s, cand.clause))
                  for (s, cand), c in zip(pool, cos)]
        if _QUANTITY_CUES.search(r.query):
            unit = asked_unit(r.query)
            years = _TIME_CUES.search(r.query) is not None
            # 多少个停车位: the figure stands in a phrase with what it counts, not beside another noun's.
            # A sentence dated to other years than those asked (初步统计，2025年… for a 2026 target) states
            # their figure, whatever its section.
            head = "" if r.analysis.english else counted_head(r.query)
            asked_years = years_in(r.query)
            stating = [e for e in scored if _states_number(e.sentence, years=years)
                       and (unit is None or unit.search(_CITED_TITLE.sub("", e.sentence)))
                       and counts_it(e.sentence, head)
                       # (the paragraph is looked up only where a year is asked: no other question needs it)
                       and not (asked_years and about_other_years(asked_years, sentence_years(
                           _CITED_TITLE.sub("", e.sentence), self._paragraph_of(e.sentence, e.candidate.clause))))]
            # The figure must come from a sentence about what was asked (a 50万元 on another subsidy does
            # not answer a question about this one). English questions have only their glossary terms as lexical
            # evidence, too few to weigh a sentence by: their figure sentences are ranked, vetted only for
            # holding one of those terms at all (a 5G target is not in a sentence on parking spaces).
            scored = ([e for e in stating if e.subject > 0] if r.analysis.english
                      else [e for e in stating if self.figure_supported(e)])
            modality = asked_modality(r.query, english=r.analysis.english)
            if modality == "outcome":
                # 实际完成了多少: a target (不少于26万人) is no result, whatever its words share.
                scored = [e for e in scored if not states_target(e.sentence)]
            if not scored:
                return None
            if modality == "target" and not r.analysis.english:
                # 目标是多少: of sentences alike, the one stating a target (…左右 / 力争…) answers. Not
                # across languages: an English question's sentences are ranked by cosine alone, whose
                # spread is less than the preference.
                scored = [replace(e, preference=_TARGET_PREFERENCE * states_target(e.sentence)) for e in scored]
        scored.sort(key=lambda e: -e.score)
        best = scored[:1]
        # A second sentence only when it is nearly as good: two-part questions (多少…多长时间).
        if len(scored) > 1 and scored[1].score >= scored[0].score - 0.05:
            best.append(scored[1])
        return [(e.sentence, e.candidate.clause) for e in best]

    def _sentence_coverage(self, r: Retrieval, sentence: str, clause: Clause) -> float:
        """How much of the question's subject one sentence, read in its document and under its headings
        (``clause``'s title and path), holds (``Vocabulary.subject_coverage``): "X办法的有效期" names the
        document and asks the sentence for the rest; an article under 第四章 住房租金 is about 住房租金
        though it never repeats it. An English question's subject is its glossary concepts' Chinese terms."""
        vocab = self.corpus.vocabulary
        text = to_search_form(f"{sentence} {' '.join(clause.path[:-1])} {clause.doc_title}")
        if r.analysis.english:
            return concept_coverage(concepts(r.query), text)
        content, kind = r.analysis.content, r.analysis.kind
        if kind and r.analysis.intent == "responsibility" and names_actor_of_kind(sentence, kind):
            # The sentence names an instance of the kind asked for (哪所高职院校 / 某某职业技术学院): it holds
            # the kind, though not its words.
            content, text = content.replace(kind, f" {kind} "), f"{text} {kind}"
        return vocab.subject_coverage(content, text)

    def _paragraph_of(self, sentence: str, clause: Clause) -> str:
        """The paragraph (line) that holds the sentence, from its start: a long clause is split into parts
        at sentence boundaries, so the line a later part opens with began in the part before."""
        lines = clause.text.splitlines() or [clause.text]
        at = next((i for i, line in enumerate(lines) if sentence.strip() in line), -1)
        if at < 0:
            return sentence
        paragraph = lines[at]
        if at == 0 and clause.part > 0:
            doc = self.corpus.doc_clauses(clause.doc_id)
            ids = [c.clause_id for c in doc]
            i = ids.index(clause.clause_id) if clause.clause_id in ids else 0
            while i > 0 and doc[i].part > 0 and doc[i - 1].numbering == clause.numbering:
                i -= 1
                before = doc[i].text.splitlines() or [""]
                paragraph = before[-1] + paragraph
                if len(before) > 1:
                    break
        return paragraph

    def figure_supported(self, e: SentenceEvidence) -> bool:
        """Whether a figure-stating sentence is about the question's subject: near it in meaning and
        holding enough of its words together (``QAConfig.min_figure_support``)."""
        w = self.config.figure_cosine_weight
        return (1 - w) * e.subject + w * e.cosine >= self.config.min_figure_support

    def _general(self, r: Retrieval, candidates: list[Candidate], *, note: str = "") -> Answer:
        best = candidates[0]
        second = [c for c in candidates[1:3] if c.support >= best.support * 0.9 and c.clause.doc_id == best.clause.doc_id]
        cited = cite([(c.clause, c.support) for c in [best] + second[:1]])
        body = "\n".join(f"{reference(c.clause)}：“{_quote(c.clause.text, 300)}”[{c.n}]" for c in cited)
        return Answer(question=r.question, text=(note + "\n" if note else "") + body, intent=r.analysis.intent
                      if r.analysis.intent != "compare" else "general", leads=best.clause.leads,
                      cooperating=best.clause.cooperating, responsible=best.clause.responsible,
                      citations=cited, related=self._related(r, cited))

    def abstain(self, r: Retrieval, reason: str) -> Answer:
        """``abstained``: no citations; the nearest clauses are listed as ``related``."""
        related = cite([(h.clause, h.score) for h in r.hits[:3]])
        lines = "".join(f"\n- {reference(c.clause)}" for c in related)
        text = f"{ABSTAIN_PREFIX}：{reason}。" + (f"\n最接近的条款：{lines}" if related else "")
        return Answer(question=r.question, text=text, intent=r.analysis.intent, abstained=True, related=related)

    def _related(self, r: Retrieval, cited: tuple[Citation, ...]) -> tuple[Citation, ...]:
        used = {c.clause.clause_id for c in cited}
        return cite([(h.clause, h.score) for h in r.hits if h.clause.clause_id not in used][:3])


def responsibility_sentence(leads: tuple[str, ...], cooperating: tuple[str, ...], *, english: bool = False,
                            source_text: str = "", responsible: tuple[str, ...] = ()) -> str:
    """由A牵头，B、C等按职责分工负责 — or 由A牵头 when the clause says so with no one cooperating
    (``source_text`` is the clause's text), or 责任单位：A、B for a list that names no lead."""
    if english:
        parts = [f"Lead: {'、'.join(leads)}" if leads else ""]
        if cooperating:
            parts.append(f"cooperating: {'、'.join(cooperating)}")
        if responsible:
            parts.append(f"responsible: {'、'.join(responsible)}")
        return "; ".join(p for p in parts if p) + ". "
    if responsible and not leads:
        return f"责任单位：{'、'.join(responsible + cooperating)}。"
    if leads and cooperating:
        return f"由{'、'.join(leads)}牵头，{'、'.join(cooperating)}{_cooperating_wording(source_text)}。"
    if leads and "牵头" in to_search_form(source_text):
        return f"由{'、'.join(leads)}牵头。"
    return f"责任单位：{'、'.join(leads or cooperating)}。"


# How a clause says its cooperating units take part, in its own words: （A牵头，B配合） stays 配合.
_COOPERATING_WORDING = re.compile(r"(等?(?:分别)?按职责分工负责|等?按职责负责|等?(?:共同)?(?:配合|参与|协助|协同))[)）。,，;；]?")


def _cooperating_wording(source_text: str) -> str:
    """The clause's own phrase after its cooperating units (等按职责分工负责 / 配合 / 参与…)."""
    found = _COOPERATING_WORDING.findall(to_search_form(source_text)) if source_text else []
    return found[-1] if found else "等按职责分工负责"


def is_bare_heading(clause: Clause) -> bool:
    """A preamble, or a heading that is only its title line: it names a subject and answers nothing.
    A heading the parser gave its section's opening paragraph (一、2023年工作回顾 2023年是…。) keeps
    the sentences that paragraph states."""
    if clause.kind == "preamble":
        return True
    # A heading naming its own units (一、建设数据交易平台。（A牵头，B配合）) is a task: its title line
    # states what the units do.
    if clause.kind != "heading" or clause.has_responsibility:
        return False
    return not any(len(s) >= 12 for s in sentences(body_text(clause)))


def body_text(clause: Clause) -> str:
    """What a clause states: a heading's text after its title line (一、主要目标 → the targets), any
    other clause's whole text. A "heading" whose first line is itself a paragraph (a section's
    unnumbered paragraph the parser filed under the section: 全市经济社会发展的主要预期目标是：…) states
    that line too: a title line is short and ends without a sentence's punctuation."""
    if clause.kind != "heading" or clause.has_responsibility:  # a task, as in ``is_bare_heading``
        return clause.text
    first, _, rest = clause.text.strip().partition("\n")
    if len(first) > _TITLE_LINE or re.search(r"[。；;]", first.rstrip("。；;")):
        return clause.text
    return rest


def asked_unit(query: str) -> re.Pattern[str] | None:
    """The unit a figure question asks in (多少万元 / 几家 / 占比达到多少 / how many tonnes / what share), as a
    pattern a sentence must match: a figure in that unit. Money in any of 元 / 万元 / 亿元 counts for
    another; a rate or a share is stated in per cent or in percentage points."""
    if _ASKS_PERCENT.search(query):
        return _PERCENT
    found = _ASKED_UNIT.search(query)
    english = next((unit for pattern, unit in _ASKED_UNIT_EN if pattern.search(query)), "")
    if not found and not english:
        return None
    unit = found.group(1) if found else english
    if unit in _MONEY:
        return re.compile(r"[\d一二三四五六七八九十两]\s*(?:万|亿)?元")
    if unit == "天":  # days are also written 日 and counted in 工作日
        return re.compile(r"[\d一二三四五六七八九十两]\s*(?:个)?(?:工作日|天|日)")
    if unit == "年":  # a number of years (2年, 两年), not a year (2025年)
        return re.compile(r"(?<!\d)(?:\d{1,2}|[一二三四五六七八九十两]{1,3})\s*(?:个)?(?:年|周年)")
    return re.compile(rf"[\d一二三四五六七八九十两]\s*[万亿千百]?\s*{re.escape(unit)}")


def _is_title(sentence: str, title: str) -> bool:
    """The sentence restates its document's title, or is a document title itself (a line naming a
    通知 / 方案 / 计划 … with no sentence-final punctuation, such as a Markdown heading of the attachment)."""
    if title and _letters(sentence) == _letters(title):
        return True
    bare = sentence.strip().strip("#*").strip()
    return bool(_DOC_TITLE.search(bare)) and not _SENTENCE_FINAL.search(bare)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", to_search_form(text))


def _states_number(sentence: str, *, years: bool = True) -> bool:
    """A figure in the sentence itself: not in its clause number (10.推动… / 一、主要目标) nor in a
    document title it cites (《…行动方案（2025-2030年）》); with ``years=False`` a year (2024年是…) is no
    figure either: it dates a sentence, it does not answer 多少."""
    text = _ARTICLE_NUMBER.sub("", _CITED_TITLE.sub("", _LEADING_NUMBER.sub("", sentence)))
    if not years:
        text = _YEAR_FIGURE.sub("", text)
    return bool(_NUMBER.search(text))


def _quote(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def names_actor_of_kind(sentence: str, kind: str) -> bool:
    """A duty span of ``sentence`` names an actor of ``kind`` (a who-question's ``asked_kind``, see
    ``of_kind``)."""
    return any(of_kind(name, kind) for span in duty_spans(sentence, short_places=True)
               for name in span.duty.leads + span.duty.cooperating + span.duty.responsible)
