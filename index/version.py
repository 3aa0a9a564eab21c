"""One open, read-only index version: its manifest, SQLite store and lazily loaded BM25/FAISS/tokenizer.

While it is open it holds a reader's lock on the version (``persist.hold_version``), so a writer's
garbage collection leaves its files alone; the lock goes when it is closed or garbage-collected.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from policyqa.index.bm25_store import Bm25Store
from policyqa.index.clause_store import ClauseStore
from policyqa.index.dense import DenseScorer
from policyqa.index.faiss_store import FaissStore
from policyqa.index.lexicon import Lexicon
from policyqa.index.persist import MANIFEST, Manifest, hold_version
from policyqa.index.tokenize import ClauseTokenizer


class IndexVersion:
    """Opening reads the manifest and connects to SQLite; nothing else loads until a search needs it."""

    def __init__(self, vdir: Path) -> None:
        self.dir = vdir
        self._hold = hold_version(vdir)  # first: from here on the files cannot be collected
        try:
            self.manifest = Manifest.from_path(vdir / MANIFEST)
            self.store = ClauseStore.open(vdir)
        except BaseException:
            self._hold.close()
            raise

    @cached_property
    def tokenizer(self) -> ClauseTokenizer:
        return ClauseTokenizer(self.store.user_words())

    @cached_property
    def bm25(self) -> Bm25Store:
        return Bm25Store(self.dir)

    @cached_property
    def faiss(self) -> FaissStore:
        return FaissStore(self.dir, self.manifest.faiss_kind)

    @cached_property
    def dense(self) -> DenseScorer:
        return DenseScorer(self.dir, self.faiss)

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon.load(self.dir, self.store.any_text_contains, self.store.iter_search_texts)

    def close(self) -> None:
        """Close the store and release the reader's lock (idempotent)."""
        store = self.__dict__.pop("store", None)
        if store is not None:
            store.close()
        self._hold.close()

    def __del__(self) -> None:
        # A reader that followed CURRENT drops its old version without closing it (another thread
        # may still be reading it); the last reference going away closes it here.
        if "_hold" in self.__dict__:
            self.close()
