"""One open, read-only index version: its manifest, SQLite store and lazily loaded BM25/FAISS/tokenizer."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from index.bm25_store import Bm25Store
from index.clause_store import ClauseStore
from index.dense import DenseScorer
from index.faiss_store import FaissStore
from index.lexicon import Lexicon
from index.persist import MANIFEST, Manifest
from index.tokenize import ClauseTokenizer


class IndexVersion:
    """Opening reads the manifest and connects to SQLite; nothing else loads until a search needs it."""

    def __init__(self, vdir: Path) -> None:
        self.dir = vdir
        self.manifest = Manifest.from_path(vdir / MANIFEST)
        self.store = ClauseStore.open(vdir)

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
        self.store.close()
