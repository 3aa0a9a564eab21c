"""QAEngine: the one facade the CLI, the web app and the evaluation use.

Example:
    >>> from index.clause_index import open_default_index
    >>> engine = QAEngine(open_default_index(Settings()))          # doctest: +SKIP
    >>> answer = engine.ask("宿州市冷链物流项目由哪个部门牵头？")     # doctest: +SKIP
    >>> answer.leads, answer.citations[0].clause.clause_id         # doctest: +SKIP
    (('市发展改革委',), 'suzhou-yrd-action-plan-2021:五/31')
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from policyqa.index.embedders import E5_NAMES
from policyqa.index.hybrid import Filters, Hit
from policyqa.index.lexicon import HAN_RUN as _HAN_RUN
from policyqa.model import Clause, Document
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.answer import Answer
from policyqa.qa.answerers.compare import Comparison, comparison_answer, compare_documents
from policyqa.qa.answerers.metadata import asked_fields, metadata_answer
from policyqa.qa.ledger.duty_table import DutyTable, table_title
from policyqa.qa.question.corpus_view import CorpusView, SentenceScorer
from policyqa.qa.answerers.extractive import ABSTAIN_PREFIX, ExtractiveAnswerer, QAConfig, Retrieval
from policyqa.qa.question.intent import QuestionAnalysis, analyse, asks_for_tasks, content_text
from policyqa.qa.question.language import concepts, english_places, is_english, search_query
from policyqa.qa.question.places import PlaceMatch
from policyqa.qa.question.shorthand import spelled_out, written_or_short
from policyqa.qa.question.modality import asked_modality
from policyqa.qa.question.years import about_other_years, years_in
from policyqa.settings import Settings
from policyqa.qa.question.intent import detect_intent, listed_places
from policyqa.qa.ledger.ledger import Ledger

if TYPE_CHECKING:
    from policyqa.qa.question.followup import Turn

log = logging.getLogger(__name__)
_YEAR_DEPTH = 3  # how many times k a question naming a year retrieves before its years reorder them


def default_config(embedder_name: str) -> QAConfig:
    """The answering thresholds for an index's embedder: calibrated ones for the bundled e5-small (any
    engine of it), words-only evidence for another model (``QAConfig.words_only``)."""
    return QAConfig() if embedder_name in E5_NAMES else QAConfig().words_only()


# The name of an office (市统计局, 区发展改革委), not of a kind of body (企业, 单位) a question may describe.
_OFFICE = re.compile(r"(?:局|委|委员会|办公室|厅|署)$")
_OFFICE_CORE = 3


def _removed(query: str, titles: Sequence[str]) -> str:
    """The query with each of ``titles`` (longest first) replaced by a space."""
    for title in sorted(titles, key=len, reverse=True):
        query = query.replace(title, " ")
    return query


def _without_titles(query: str, titles: Sequence[str], analysis: QuestionAnalysis,
                    places: Sequence[str]) -> QuestionAnalysis:
    """The question without the document titles it names, once they have chosen its documents: inside
    them a title's words only match the clauses that cite it (原《…办法》同时废止), not the answer
    (《…办法》自何时施行 → 本办法自…起施行). A question with no word of its own beside the title
    (《…》讲了什么) keeps it."""
    import jieba

    rest = content_text(_removed(query, titles), drop=tuple(places))
    if not any(len(w) >= 2 and _HAN_RUN.fullmatch(w) for w in jieba.cut(rest)):
        return analysis
    return replace(analysis, content=rest if analysis.english else spelled_out(rest))


def _without_places(query: str, spans: Sequence[str]) -> str:
    """The query searched within the documents about the places it names: every clause there is about
    them, so their names only favour the clauses that repeat them (清廉防城港 over 地区生产总值…)."""
    rest = query
    for span in sorted(spans, key=len, reverse=True):
        rest = rest.replace(span, " ")
    return rest if rest.strip(" ？?。，,") else query


class QAEngine:
    """Ask, search, compare and list a unit's tasks over one ``ClauseIndex``.

    Args:
        index: A ``ClauseIndex`` (``index.clause_index``).
        settings: Runtime settings; the LLM settings are used by ``ask(..., llm=True)``.
        config: Answering thresholds (default: ``default_config`` of the index's embedder).
    """

    def __init__(self, index: Any, settings: Settings | None = None, *, config: QAConfig | None = None) -> None:
        self.index = index
        self.settings = settings or Settings()
        self.config = config or default_config(getattr(index.embedder, "name", ""))
        self._dense = SentenceScorer(index.embedder, cache_path=getattr(index, "cache_path", None),
                                  query_vector=getattr(index, "query_vector", None))
        self._view: CorpusView | None = None
        self._view_version = ""
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()
        self.llm_max_tokens = 400  # longest LLM reply, in tokens

    # --- corpus-wide facts, rebuilt when the index changes -------------------------------------
    @property
    def corpus(self) -> CorpusView:
        with self._lock:
            version = getattr(self.index, "version", "")
            if self._view is None or version != self._view_version:
                self._view = CorpusView.from_index(self.index)
                self._view_version = version
            return self._view

    @property
    def ledger(self) -> Ledger:
        """Every unit and its tasks (``qa.ledger``), rebuilt with the corpus view."""
        corpus = self.corpus
        with self._lock:
            if self._ledger is None or self._ledger.corpus is not corpus:
                self._ledger = Ledger(corpus)
            return self._ledger

    @property
    def extractive(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.corpus, self._dense, self.config)

    # --- the four verbs -------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None, *, by_place: bool = True) -> list[Hit]:
        """Hybrid clause search (``ClauseIndex.search``); an English query gets its glossary terms
        appended first (``language.search_query``).

        Without ``filters``, a query naming a place some documents are about (their region, title or
        issuer: ``Gazetteer.documents_for``) ranks those documents' clauses first and the rest of the
        corpus after them: several cities' work reports say the same things, and the place named
        decides which one answers. ``by_place=False`` searches the whole corpus as one.
        """
        expanded = search_query(query, self.index.lexicon)
        asked = years_in(to_search_form(query))
        # A question naming a year looks deeper, then puts the sections about other years last.
        depth = k * _YEAR_DEPTH if asked else k
        doc_ids = self._place_documents(query) if filters is None and by_place else ()
        if not doc_ids:
            hits = self.index.search(expanded, k=depth, filters=filters)
        else:
            scoped = self.index.search(expanded, k=depth, filters=Filters(doc_ids=doc_ids))
            seen = {h.clause.clause_id for h in scoped}
            hits = scoped + [h for h in self.index.search(expanded, k=k) if h.clause.clause_id not in seen]
        if asked:
            years = self.extractive.section_years
            hits = sorted(hits, key=lambda h: about_other_years(asked, years(h.clause)))
        return [replace(h, rank=i + 1) for i, h in enumerate(hits[:k])]

    def _place_documents(self, query: str) -> tuple[str, ...]:
        """The documents about the place a query names (none when it names no place documents are about,
        or names several side by side: a comparison searches every document)."""
        text = to_search_form(query)
        gazetteer = self.corpus.gazetteer
        places = gazetteer.find(english_places(text, gazetteer) if is_english(text) else text)
        # ``scopes`` are the places documents are about (``mentioned`` ones only occur in text: 新建 is
        # also a district's name); two or more scopes are places side by side, compared.
        if places.unknown or len(set(places.scopes)) != 1:
            return ()
        return tuple(gazetteer.documents_for(places))

    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosines of ``query`` to each text, by the index's embedder (``SentenceScorer``)."""
        return self._dense.similarities(query, texts)

    def retrieve(self, question: str) -> Retrieval:
        """Analyse a question, resolve its places to documents, and retrieve clauses."""
        query = to_search_form(question)
        corpus = self.corpus
        # An English question's places are looked up by their Chinese names (Suzhou → 宿州), and by those it
        # writes in Chinese itself (Nanling County (南陵县)).
        places = corpus.gazetteer.find(" ".join([english_places(query, corpus.gazetteer), *_HAN_RUN.findall(query)])
                                       if is_english(query) else query)
        analysis = analyse(query, places=places.spans)
        if not analysis.english:
            # 固投 / GDP are judged by what documents write: 固定资产投资 / 地区生产总值.
            analysis = replace(analysis, content=spelled_out(analysis.content))
        analysis = self._unit_tasks_intent(question, query, analysis, places)
        # Documents named by title or 文号 matter only to a question that may compare them.
        naming = corpus.documents_named(query) if analysis.intent in ("fact", "general", "compare") else []
        if analysis.intent in ("fact", "general") and len(naming) < 2:
            # 渔业意见和牧区防灾通知里…: two documents abbreviated side by side are compared.
            naming = corpus.documents_listed(query, abbreviated_only=True) or naming
        named = tuple(d for d, _ in naming)
        if analysis.intent in ("fact", "general") and (len(named) > 1 or self._lists_places(query, analysis, places)):
            # 合肥和芜湖的充电桩布局: what two places' own documents (or two documents named) each say is read
            # per document, not from whichever one ranks first.
            analysis = replace(analysis, intent="compare")
        # A compare question names places side by side (宿州市和埇桥区): each keeps its documents.
        # Any other question narrows to the most specific place it names.
        resolve = corpus.gazetteer.documents_each if analysis.intent == "compare" else corpus.gazetteer.documents_for
        doc_ids = resolve(places)
        if analysis.intent == "compare" and len(named) < 2 and len(doc_ids) < 2:
            # 海洋渔业那份方案和果园机械化通知的异同: documents listed by part of their titles.
            naming = corpus.documents_listed(query) or naming
            named = tuple(d for d, _ in naming)
        if analysis.intent == "compare" and len(named) > 1:
            # The documents a question names by title or 文号 are the ones compared, on what it asks
            # besides their names (a title's words are no topic).
            doc_ids = named
            query = _removed(query, [words for _, words in naming])
            analysis = _without_titles(query, [], analysis, places.spans)
        quoted: tuple[str, ...] = ()
        searched = query
        if analysis.intent != "compare":
            asked = years_in(query)
            if asked_modality(query, english=analysis.english) == "outcome":
                # A year's results are reported the next year (2025年报告: 一、2024年工作回顾).
                asked = asked | {year + 1 for year in asked}
            doc_ids = self._of_asked_years(doc_ids, asked)
            # A document quoted by its title (《…》里…) is the one asked, within the places named if it
            # is among theirs (a place may only say where the copy was collected).
            quoted = corpus.documents_quoted(query)
            titles = [f"《{name}》" for name in corpus.quoted_names(query)] if quoted else []
            if not quoted:
                # A title written whole without 《》, or a 文号, names its document as a quoted one does.
                written = corpus.titles_written(query) or corpus.documents_numbered(query)
                quoted, titles = tuple(d for d, _ in written), list(dict.fromkeys(run for _, run in written))
            if quoted:
                doc_ids = tuple(d for d in quoted if d in doc_ids) or quoted
                untitled = _without_titles(query, titles, analysis, places.spans)
                if untitled is not analysis:
                    analysis, searched = untitled, _removed(query, titles)
        problem = ""
        missing: list[str] = []
        if places.unknown:
            problem = f"问题提到的地点（{'、'.join(places.unknown)}）在语料中没有出现"
        else:
            # Specific terms no clause holds: evidence against an answer, weighed by the answerer with
            # the retrieved sentences (a paraphrase may say it in other words). English concepts are
            # checked by their glossary terms (hydrogen → 氢能).
            missing = (corpus.vocabulary.missing_concepts(concepts(query)) if analysis.english
                       else written_or_short(corpus.vocabulary.missing_terms(analysis.content), query,
                                             corpus.vocabulary.contains))
        if analysis.intent == "unit_tasks":
            # "X意见里，某局负责哪些任务": a document title the question names narrows the unit's task list,
            # within the places it names (上海食品科技行动方案: the one Shanghai plan of that title).
            # 渔业转型意见里，某局牵头哪些任务: a title abbreviated by its words and kind is the surer reading.
            titled = corpus.document_abbreviated(query)[:1] or corpus.documents_titled(analysis.content)
            inside = tuple(d for d in titled if d in doc_ids) if doc_ids else titled
            doc_ids = inside or doc_ids
        filters = Filters(doc_ids=doc_ids) if doc_ids else None
        hits = self.search(_without_places(searched, places.spans) if doc_ids and places.scopes else searched,
                           k=self.config.k, filters=filters)
        return Retrieval(question, query, analysis, places, doc_ids, tuple(hits), problem, tuple(missing), quoted)

    def _lists_places(self, query: str, analysis: QuestionAnalysis, places: PlaceMatch) -> bool:
        """The question lists places side by side (芜湖、深圳; Hefei and Wuhu), each with documents of its
        own (``Gazetteer.side_by_side``). An English question's places are found by their Chinese names,
        so its list is not seen in its wording: a place named within another is one place there."""
        if not analysis.english and listed_places(query, places.spans) < 2:
            return False
        return self.corpus.gazetteer.side_by_side(places, nested_too=not analysis.english)

    def _of_asked_years(self, doc_ids: tuple[str, ...], asked: frozenset[int]) -> tuple[str, ...]:
        """Of a place's documents, those about a year the question names (its title's years, else its
        date's): "上海2024年…" is the 2024 report, not the 2025 one. All of them when none is."""
        if len(doc_ids) < 2 or not asked:
            return doc_ids
        documents = self.corpus.documents

        # A title's years say what a document is about (某市2030年规划); a date only when it is
        # issued, so dates decide only where no title names an asked year.
        titled = tuple(d for d in doc_ids if d in documents and years_in(to_search_form(documents[d].title)) & asked)
        dated = tuple(d for d in doc_ids if d in documents and years_in(documents[d].date[:4]) & asked)
        return titled or dated or doc_ids

    def _unit_tasks_intent(self, question: str, query: str, analysis: QuestionAnalysis,
                           places: PlaceMatch) -> QuestionAnalysis:
        """A question for a unit's tasks, in any word order: it names a unit the ledger knows and
        asks which tasks or work (``intent.asks_for_tasks``), not who or how many."""
        if analysis.intent in ("compare", "unit_tasks") or not asks_for_tasks(query):
            return analysis
        from policyqa.qa.ledger.answer import find_units, text_unit, unknown_unit

        probe = Retrieval(question, query, analysis, places, (), ())
        if (find_units(self.ledger, probe) is None and not unknown_unit(self.ledger, probe)
                and not text_unit(self.ledger, probe)):
            return analysis
        return replace(analysis, intent="unit_tasks")

    def ask(self, question: str, *, llm: bool = False, history: Sequence[Turn] | None = None) -> Answer:
        """Answer a question with cited clauses (extractive; ``llm=True`` asks the LLM as well).

        Args:
            question: Chinese (Simplified or Traditional) or English.
            llm: Use the configured OpenAI-compatible endpoint; on any failure the extractive
                answer is returned with the error in ``flags``.
            history: earlier turns of a conversation (``qa.question.followup.Turn``); an elliptical
                question (那配合单位呢 / 那宿迁呢) is resolved against the last one.
        """
        if history:
            from policyqa.qa.question.followup import ask_in_context

            return ask_in_context(self, question, list(history), llm=llm)
        return self.chain(llm=llm).invoke(question)

    def chain(self, *, llm: bool = False) -> Any:
        """The LangChain Runnable behind ``ask``: retrieve | answer (| LLM)."""
        from policyqa.qa.chain import build_chain

        return build_chain(self, llm=llm)

    def answer_retrieval(self, r: Retrieval) -> Answer:
        """The extractive answer for a retrieval; compare questions are answered per document,
        a unit's tasks from the ledger (all of them, not the retrieved k)."""
        if r.analysis.intent == "unit_tasks":
            from policyqa.qa.ledger.answer import unit_tasks_answer

            from policyqa.qa.ledger.answer import unknown_unit

            answer = unit_tasks_answer(self.ledger, r)
            if answer is not None:
                return answer
            missing = unknown_unit(self.ledger, r)
            if missing:
                return Answer(r.question, f"{ABSTAIN_PREFIX}：文件中没有“{missing}”的任务记录。", "unit_tasks",
                              abstained=True)
            # No unit the ledger knows: answer as the question would be without the task wording.
            fallback = detect_intent(r.query, place_count=len(set(r.places.spans)), unit_tasks=False,
                                     listed=listed_places(r.query, r.places.spans))
            r = replace(r, analysis=replace(r.analysis, intent=fallback))
        if r.analysis.intent != "compare" and not r.problem:
            fields = asked_fields(r.query)
            doc = self._document_asked(r) if fields else None
            # 这份方案的文号 / 谁印发的: the document's own particulars, not a clause about them.
            particulars = metadata_answer(r.question, fields, doc, self.corpus.doc_clauses(doc.doc_id),
                                          english=r.analysis.english) if doc is not None else None
            if particulars is not None:
                return particulars
        if r.analysis.intent == "compare" and not r.problem:
            comparison = self.compare(r.query, doc_ids=r.doc_ids or None)
            return comparison_answer(r.question, comparison)
        if r.analysis.intent in ("responsibility", "fact", "general") and not r.problem:
            from policyqa.qa.ledger.answer import unknown_unit

            # 某审计局承担哪一环节: a unit the question makes its subject, written nowhere in the corpus, does
            # nothing there; another unit's clause is no answer about it.
            missing = re.split(r"[中的里在]", unknown_unit(self.ledger, r))[-1]  # 某项目中区审计局 → 区审计局
            # The office's own words (统计局 of 江西省统计局): the corpus may write it with another level.
            core = missing[-_OFFICE_CORE:]
            if 3 <= len(missing) <= 12 and _OFFICE.search(missing) \
                    and not self.corpus.vocabulary.contains(to_search_form(core)):
                return Answer(r.question, f"{ABSTAIN_PREFIX}：文件中没有出现“{missing}”。", r.analysis.intent,
                              abstained=True)
        answer = self.extractive.answer(r)
        # Beyond the documents about a place, a clause elsewhere naming it may answer; a document the
        # question quotes by its title is the one asked, and its silence is the answer.
        if answer.abstained and not r.problem and r.doc_ids and (r.places.scopes or r.places.mentioned) \
                and not r.quoted:
            # Where nothing beyond answers either, the reason given is the one about the place asked.
            wider = self.extractive.answer(self._beyond_scope(r))
            return answer if wider.abstained else wider
        return answer

    def _document_asked(self, r: Retrieval) -> Document | None:
        """The one document a question asks about: the one it names, the only one of the places it names,
        the only one of the corpus, or the document of the clause retrieved first."""
        if self.corpus.quoted_names(r.query) and not r.quoted:
            return None  # 《…》 names a document the corpus does not hold: its particulars are not ours
        named = r.quoted or r.doc_ids or self.corpus.document_abbreviated(r.query)[:1]
        if len(named) != 1 and len(self.corpus.documents) == 1:
            named = tuple(self.corpus.documents)
        if len(named) != 1 and r.hits:
            named = (r.hits[0].clause.doc_id,)
        return self.corpus.documents.get(named[0]) if len(named) == 1 else None

    def _beyond_scope(self, r: Retrieval) -> Retrieval:
        """The same question over every document, keeping only clauses that name the place.

        "埇桥—铜山省际毗邻地区新型功能区" is a task of the *city* plan that names 埇桥: when the
        documents about a place hold no answer, a clause elsewhere naming it may.
        """
        hits = self.search(r.query, k=self.config.k, by_place=False)
        places = PlaceMatch(mentioned=r.places.scopes + r.places.mentioned, spans=r.places.spans)
        return replace(r, doc_ids=(), hits=tuple(hits), places=places)

    def compare(self, topic: str, *, doc_ids: tuple[str, ...] | list[str] | None = None,
                regions: tuple[str, ...] | list[str] | None = None) -> Comparison:
        """Per document (or region): its best clauses on ``topic``, or a note that it has none."""
        return compare_documents(self, topic, doc_ids=tuple(doc_ids or ()), regions=tuple(regions or ()))

    def unit_tasks(self, unit: str, *, doc_ids: tuple[str, ...] | list[str] | None = None,
                   region: str | None = None, role: str = "any") -> list[Clause]:
        """Every clause whose leads or cooperating units include ``unit`` (the 责任分工表 view).

        Raises:
            UnknownUnitError / UnknownRegionError / UnknownDocumentError: with near names.
        """
        ledger = self.ledger
        units = ledger.resolve(unit, region=region or "")
        return [t.clause for t in ledger.tasks(units, doc_ids=tuple(doc_ids or ()), role=role)]

    def duty_table(self, unit: str | None = None, *, doc_ids: tuple[str, ...] | list[str] | None = None,
                   region: str | None = None, role: str = "any") -> DutyTable:
        """The 责任分工表 of a unit, of a region's units, or (no unit) of whole documents.

        Args:
            unit: A unit name (市发改委, 埇桥区财政局 …); None: every clause with units.
            doc_ids: Only these documents.
            region: The unit's region (宿州, 宿迁市 …); without ``unit``, every unit of it.
            role: lead, cooperating or any.
        """
        ledger = self.ledger
        units = ledger.resolve(unit, region=region or "") if unit else ()
        tasks = ledger.tasks(units, doc_ids=tuple(doc_ids or ()), region=region or "", role=role)
        scope = ledger.region_name(region) if region else "、".join(
            self.corpus.title(d) for d in doc_ids or ())
        return DutyTable(table_title(units, role, scope=scope), units, role, tuple(tasks))

    def with_config(self, **changes: Any) -> QAEngine:
        """A copy with other thresholds (calibration), sharing the index and caches."""
        engine = QAEngine(self.index, self.settings, config=replace(self.config, **changes))
        engine._dense, engine._view, engine._view_version = self._dense, self._view, self._view_version
        engine._ledger = self._ledger
        return engine
