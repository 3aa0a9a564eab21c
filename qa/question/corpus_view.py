"""What the answering layer knows about the whole index, beyond one search: places, words, structure.

Abstention must look at *every* clause ("does the corpus mention 亳州 at all?"), not only at the
retrieved ones, and a heading's responsibility lives in its child clauses. ``CorpusView`` holds
those corpus-wide facts, built once per index version.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache
from policyqa.index.lexicon import Lexicon, count_lexicon
from policyqa.model import Clause, Document
from policyqa.ingest.normalize import to_search_form
from policyqa.qa.question.places import Gazetteer
from policyqa.qa.question.support import Vocabulary


# A comparison's list of documents: its items are joined by these, and each names one by 4+ characters of its title.
_LIST_JOINERS = re.compile(r"以及|还有|和|与|及|跟|、|，|,")
_HAN_CHARS = re.compile(r"[\u4e00-\u9fff]")
_LISTED_TITLE = 4


class CorpusView:
    """Corpus-wide facts of one index version, read from the index on demand.

    Opening costs the document list only: bigram statistics and substring lookups come from the
    version's lexicon (``index.lexicon``, counted at build), a document's clauses are read when an
    answer needs them, and the full clause list only for the whole-corpus views (a unit's tasks).

    Attributes:
        documents: doc_id → Document, in index order.
        gazetteer: places of the documents and the corpus (``qa.places``).
        vocabulary: bigram statistics and substring lookup (``qa.support``).
    """

    def __init__(self, documents: dict[str, Document], gazetteer: Gazetteer, vocabulary: Vocabulary,
                 clauses_of: Callable[[str | None], list[Clause]]) -> None:
        self.documents, self.gazetteer, self.vocabulary = documents, gazetteer, vocabulary
        self._clauses_of = clauses_of
        self._all: list[Clause] | None = None
        self._by_doc: dict[str, list[Clause]] = {}
        self._children: dict[str, dict[tuple[str, ...], list[Clause]]] = {}
        self._lock = threading.Lock()
        self._runs_memo: tuple[str, list[tuple[str, str, bool]]] | None = None
        self._titles: dict[str, tuple[str, str]] | None = None

    @classmethod
    def from_index(cls, index: Any) -> CorpusView:
        """From a ``ClauseIndex``: its documents and lexicon now, clauses when asked for."""
        documents = {info.document.doc_id: info.document for info in index.documents()}
        lexicon = index.lexicon
        if lexicon is None:  # nothing built yet: an empty lexicon
            lexicon = Lexicon(count_lexicon(()), lambda _term: False)
        return cls(documents, Gazetteer(documents.values(), lexicon), Vocabulary(lexicon), index.clauses)

    @property
    def clauses(self) -> list[Clause]:
        """Every clause, in document and reading order (read once, on first use)."""
        with self._lock:
            if self._all is None:
                self._all = self._clauses_of(None)
            return self._all

    def doc_clauses(self, doc_id: str) -> list[Clause]:
        """One document's clauses in reading order (cached per document)."""
        with self._lock:
            found = self._by_doc.get(doc_id)
        if found is None:
            found = self._clauses_of(doc_id) if doc_id in self.documents else []
            with self._lock:
                if len(self._by_doc) > 256:
                    self._by_doc.clear()
                    self._children.clear()
                self._by_doc[doc_id] = found
        return found

    def descendants(self, clause: Clause) -> list[Clause]:
        """Clauses numbered under ``clause`` (二/（一） → 二/（一）/1, 二/（一）/2 …), in order."""
        if not clause.numbering:
            return []
        children = self._children.get(clause.doc_id)
        if children is None:
            grouped: dict[tuple[str, ...], list[Clause]] = defaultdict(list)
            for c in self.doc_clauses(clause.doc_id):
                for depth in range(1, len(c.numbering)):
                    grouped[c.numbering[:depth]].append(c)
            children = self._children[clause.doc_id] = dict(grouped)
        return children.get(clause.numbering, [])

    def _title_forms(self) -> dict[str, tuple[str, str]]:
        """(the title's search form, its own name) of every document, read once: every question that may
        name documents is matched against all of them."""
        if self._titles is None:
            forms = {d: to_search_form(doc.title) for d, doc in self.documents.items()}
            self._titles = {d: (form, _title_name(form)) for d, form in forms.items()}
        return self._titles

    def documents_titled(self, query: str, *, min_chars: int = 4) -> tuple[str, ...]:
        """Documents the question names by their title: the longest run of at least ``min_chars``
        characters that the question shares with a title's own name (the 《…》 inside 关于印发《…》的通知),
        among documents whose titles share it (a run every title has, like 政府工作报告, names none)."""
        from difflib import SequenceMatcher

        text = to_search_form(query)
        best: dict[str, str] = {}
        for doc_id, (_, name) in self._title_forms().items():
            match = SequenceMatcher(None, text, name, autojunk=False).find_longest_match(0, len(text), 0, len(name))
            if match.size >= min_chars:
                best[doc_id] = text[match.a: match.a + match.size]
        if not best:
            return ()
        longest = max(len(run) for run in best.values())
        chosen = tuple(d for d, run in best.items() if len(run) == longest)
        return chosen if len(chosen) < len(self.documents) else ()

    def documents_numbered(self, query: str) -> list[tuple[str, str]]:
        """(document, the words naming it) for each document whose 文号 the question writes, in any brackets
        (国发[2018]39号 for 国发〔2018〕39号), in the question's order."""
        from policyqa.ingest.metadata.docnumber import docnumber_key, docnumbers_written

        written = docnumbers_written(query)
        if not written:
            return []
        keys = {d: docnumber_key(doc.docnumber) for d, doc in self.documents.items() if doc.docnumber}
        out: dict[str, str] = {}
        for (org, year, no), words in written:
            for doc_id, key in keys.items():
                if key and key[1:] == (year, no) and org.endswith(key[0]):
                    out.setdefault(doc_id, words[len(org) - len(key[0]):])
        return list(out.items())

    def documents_named(self, query: str) -> list[tuple[str, str]]:
        """(document, the words naming it) for every document a question names: by 《title》, by its title
        written whole, or by its 文号 — the documents a comparison of named documents compares."""
        quoted = [(d, f"《{name}》") for name in self.quoted_names(query) for d in self.documents_quoted(f"《{name}》")]
        named: dict[str, str] = {}
        for d, words in quoted + self.titles_written(query, every=True) + self.documents_numbered(query):
            named.setdefault(d, words)
        return list(named.items())

    def documents_listed(self, query: str, *, abbreviated_only: bool = False) -> list[tuple[str, str]]:
        """(document, the words naming it) for the documents a comparison lists by part of their titles
        (海洋渔业那份方案和果园机械化通知): each item of the question's list (split on 和 / 与 / 及 / 、) naming
        one document, by its abbreviation (``document_abbreviated``) or, unless ``abbreviated_only``, by
        ``documents_titled``; ``[]`` unless two or more are named."""
        out: dict[str, str] = {}
        for part in _LIST_JOINERS.split(to_search_form(query)):
            named, words = self.document_abbreviated(part), part
            if named:
                words = named[1]
            elif not abbreviated_only and len(_HAN_CHARS.findall(part)) >= _LISTED_TITLE:
                titled = self.documents_titled(part, min_chars=_LISTED_TITLE)
                named = (titled[0], part) if len(titled) == 1 else ()
            if named:
                out.setdefault(named[0], words)
        return list(out.items()) if len(out) > 1 else []

    def document_abbreviated(self, words: str) -> tuple[str, str] | tuple[()]:
        """The one document that ``words`` name as staff abbreviate a title: some of the title's own words
        and its kind (渔业转型意见 for 国务院关于加快远洋渔业转型发展的意见, 牧区防灾通知, 山地果园通知);
        returns (document, the words naming it), or ``()`` when the words hold no document kind or fit no
        title best.

        A run of the title counts when it is at least 2 characters long and fewer than half the titles
        have it (国务院办公厅 names none of them); the runs must cover a third of the words before the kind.
        """
        from policyqa.ingest.metadata.doctype import ends_with_type

        text = _ABBREVIATION_TAIL.sub("", words)
        # The name may open a longer phrase (渔业意见在…方面): it ends at the first kind that fits a title.
        for end in [len(text)] + list(range(2, len(text))):
            kind = ends_with_type(text[:end])
            if kind and (end == len(text) or not ends_with_type(text[:end + 1])):
                named = self._abbreviated(text[:end], kind)
                if named:
                    return named, text[:end]
        return ()

    def _abbreviated(self, text: str, kind: str) -> str:
        ending = next((e for e in _kind_endings(kind) if text.endswith(e)), "")
        topic = text[: len(text) - len(ending)]
        if not ending or len(_HAN_CHARS.findall(topic)) < 2:
            return ""
        titles = self._title_forms()
        names = [name for _, name in titles.values()]
        held: dict[str, int] = {}  # how many titles hold a run, counted once per run
        scores: dict[str, int] = {}
        for doc_id, (title, name) in titles.items():
            if ending[-2:] not in title:
                continue
            runs = _shared_runs(topic, name)
            for run in runs:
                if run not in held:
                    held[run] = sum(run in other for other in names)
            runs = [run for run in runs if 2 * held[run] < len(names)]
            score = sum(len(run) for run in runs)
            if score >= max(2, len(_HAN_CHARS.findall(topic)) / 3):
                scores[doc_id] = score
        if not scores:
            return ""
        best = max(scores.values())
        chosen = [d for d, score in scores.items() if score == best]
        return chosen[0] if len(chosen) == 1 else ""

    def documents_quoted(self, query: str) -> tuple[str, ...]:
        """Documents whose title a question quotes in 《…》: the quoted name is the title's own name (the
        《…》 of 关于印发《…》的通知) or all but a few characters of it, e.g. a year or 的 left out."""
        out: list[str] = []
        for quoted in self.quoted_names(query):
            for doc_id, (_, name) in self._title_forms().items():
                if doc_id not in out and _same_name(quoted, name):
                    out.append(doc_id)
        return tuple(out)

    def titles_written(self, query: str, *, every: bool = False) -> list[tuple[str, str]]:
        """(document, the words naming it) for each document whose title a question writes without 《》
        (某市科技专家库管理办法什么时候施行): the title's own name of 8 characters or more, whole, or at
        least 80% of it as one run that no other title shares (市2024年政府工作报告 is in every city's
        report's title and names none of them); the longest such run wins. ``every``: each title written
        whole, however long (a question naming two documents to compare them)."""
        found = self._title_runs(to_search_form(query))
        if every:
            # A title inside another one written (X办法 in X办法实施细则) is not named besides it.
            runs = [run for _, run, whole in found if whole]
            return [(d, run) for d, run, whole in found
                    if whole and not any(run != other and run in other for other in runs)] \
                if len(found) < len(self.documents) else []
        longest = max((len(run) for _, run, _ in found), default=0)
        chosen = [(d, run, whole) for d, run, whole in found if len(run) == longest]
        if len(chosen) > 1 and not all(whole for _, _, whole in chosen):
            return []
        return [(d, run) for d, run, _ in chosen] if len(chosen) < len(self.documents) else []

    def _title_runs(self, text: str) -> list[tuple[str, str, bool]]:
        """(document, run of its title the text writes, whether whole) for ``titles_written``; the last text's
        runs are kept, as one question asks for them once per way it may name documents."""
        memo = self._runs_memo
        if memo is not None and memo[0] == text:
            return memo[1]
        from difflib import SequenceMatcher

        found: list[tuple[str, str, bool]] = []
        for doc_id, (_, name) in self._title_forms().items():
            if len(name) < _WRITTEN_TITLE:
                continue
            if name in text:
                found.append((doc_id, name, True))
                continue
            # 国务院办公厅关于…的通知 is written without its issuer as often as with it.
            about = name.find("关于")
            if about > 0 and len(name) - about >= _WRITTEN_TITLE and name[about:] in text:
                found.append((doc_id, name[about:], True))
                continue
            middle = len(name) // 2
            if name[middle - 2: middle + 2] not in text:
                continue  # a run of 80% of the name holds its middle: most titles cost one substring test
            m = SequenceMatcher(None, text, name, autojunk=False).find_longest_match(0, len(text), 0, len(name))
            if m.size >= 0.8 * len(name):
                found.append((doc_id, text[m.a: m.a + m.size], False))
        self._runs_memo = (text, found)
        return found

    @staticmethod
    def quoted_names(query: str) -> list[str]:
        """The 《…》 names a question quotes (search form), at least four characters each.

        >>> CorpusView.quoted_names("《关于促进食品产业发展的若干措施》和《意见》里的奖励是多少？")
        ['关于促进食品产业发展的若干措施']
        """
        return re.findall(r"《([^《》]{4,80})》", to_search_form(query))

    def title(self, doc_id: str) -> str:
        doc = self.documents.get(doc_id)
        return doc.title if doc else doc_id

    def region(self, doc_id: str) -> str:
        doc = self.documents.get(doc_id)
        return doc.region if doc else ""


_WRITTEN_TITLE = 8  # characters of the shortest title a question may name without 《》
# What follows a document's name in a question: 渔业意见里 / 那份方案中 / 这个通知的.
_ABBREVIATION_TAIL = re.compile(r"(?:里面|里|中|上|内|的)$")


def _kind_endings(kind: str) -> list[str]:
    """The endings a title of this kind may show, longest first (指导意见, then 意见)."""
    from policyqa.ingest.metadata.doctype import ends_with_type

    return sorted({kind, *(kind[i:] for i in range(len(kind)) if ends_with_type(kind[i:]))}, key=len, reverse=True)


def _shared_runs(text: str, name: str, *, shortest: int = 2) -> list[str]:
    """The runs of ``text`` that ``name`` also holds, longest first, not overlapping in ``text``."""
    from difflib import SequenceMatcher

    runs: list[str] = []
    pending = [(0, len(text))]
    while pending:
        lo, hi = pending.pop()
        match = SequenceMatcher(None, text, name, autojunk=False).find_longest_match(lo, hi, 0, len(name))
        if match.size >= shortest:
            runs.append(text[match.a: match.a + match.size])
            pending += [(lo, match.a), (match.a + match.size, hi)]
    return runs


def _same_name(quoted: str, name: str) -> bool:
    """Whether a quoted title names the document called ``name``: one holds the other, or they share a
    run of at least 80% of the longer (a user quotes from memory)."""
    from difflib import SequenceMatcher

    if not name:
        return False
    if quoted in name or name in quoted:
        return min(len(quoted), len(name)) >= 0.8 * max(len(quoted), len(name))
    match = SequenceMatcher(None, quoted, name, autojunk=False).find_longest_match(0, len(quoted), 0, len(name))
    return match.size >= 0.8 * max(len(quoted), len(name))


def _title_name(title: str) -> str:
    """The name inside 《…》 of a 关于印发《…》的通知 title, else the title itself."""
    start, end = title.find("《"), title.rfind("》")
    return title[start + 1: end] if 0 <= start < end else title


class SentenceScorer:
    """Cosine similarity of a query to clause or sentence texts, with the index's own embedder.

    Fused search scores are rescaled within each query, so they cannot say "nothing here is
    related"; raw cosines can, once calibrated. Texts are embedded in their search form through the
    index's persistent embedding cache, so a clause costs nothing (ingest embedded it already) and a
    sentence is embedded once, ever.
    """

    def __init__(self, embedder: Any, *, cache_path: Path | None = None,
                 query_vector: Callable[[str], np.ndarray] | None = None) -> None:
        self._embedder = embedder
        self._cache_path = cache_path
        # The index keeps the vectors of recent queries: share them rather than embed twice.
        self._query_vector = query_vector or embedder.embed_query_array

    def _passage_vectors(self, texts: Sequence[str]) -> np.ndarray:
        keys = [to_search_form(t) for t in texts]
        if self._cache_path is None:
            return embed_with_cache(self._embedder, keys, None)[0]
        # One connection per call: answers run in the UI's worker threads, and sqlite3
        # connections must not cross threads.
        cache = EmbeddingCache(self._cache_path)
        try:
            return embed_with_cache(self._embedder, keys, cache)[0]
        finally:
            cache.close()

    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosines of ``query`` (as a query) to each text (as a passage)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return (self._passage_vectors(texts) @ self._query_vector(query)).astype(np.float32)
