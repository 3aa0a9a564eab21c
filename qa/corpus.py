"""What the answering layer knows about the whole index, beyond one search: places, words, structure.

Abstention must look at *every* clause ("does the corpus mention 亳州 at all?"), not only at the
retrieved ones, and a heading's responsibility lives in its child clauses. ``CorpusView`` holds
those corpus-wide facts, built once per index version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.embed_cache import EmbeddingCache, embed_with_cache
from ingest.model import Clause, Document
from ingest.normalize import to_search_form
from qa.places import Gazetteer
from qa.support import Vocabulary


@dataclass
class CorpusView:
    """Corpus-wide facts of one index version.

    Attributes:
        documents: doc_id → Document, in index order.
        clauses: every clause, in document and reading order.
        gazetteer: places of the documents and the corpus (``qa.places``).
        vocabulary: bigram statistics and the full search text (``qa.support``).
    """

    documents: dict[str, Document]
    clauses: list[Clause]
    gazetteer: Gazetteer
    vocabulary: Vocabulary
    _children: dict[tuple[str, tuple[str, ...]], list[Clause]] = field(default_factory=dict)

    @classmethod
    def from_index(cls, index: Any) -> CorpusView:
        """Build from a ``ClauseIndex`` (its documents and all of its clauses)."""
        documents = {info.document.doc_id: info.document for info in index.documents()}
        clauses = index.clauses()
        texts = [c.search_text for c in clauses]
        view = cls(documents, clauses, Gazetteer(documents.values(), "\n".join(texts)), Vocabulary(texts))
        children: dict[tuple[str, tuple[str, ...]], list[Clause]] = defaultdict(list)
        for clause in clauses:
            for depth in range(1, len(clause.numbering)):
                children[(clause.doc_id, clause.numbering[:depth])].append(clause)
        view._children = dict(children)
        return view

    def descendants(self, clause: Clause) -> list[Clause]:
        """Clauses numbered under ``clause`` (二/（一） → 二/（一）/1, 二/（一）/2 …), in order."""
        if not clause.numbering:
            return []
        return self._children.get((clause.doc_id, clause.numbering), [])

    def doc_clauses(self, doc_id: str) -> list[Clause]:
        return [c for c in self.clauses if c.doc_id == doc_id]

    def title(self, doc_id: str) -> str:
        doc = self.documents.get(doc_id)
        return doc.title if doc else doc_id

    def region(self, doc_id: str) -> str:
        doc = self.documents.get(doc_id)
        return doc.region if doc else ""


class DenseScorer:
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
