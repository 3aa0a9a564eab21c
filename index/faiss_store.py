"""FAISS vectors: exact inner product on unit vectors by default, HNSW for large corpora.

``vectors.npy`` (the same unit vectors, float32) is kept beside the FAISS file: it lets a new version
reuse unchanged clauses' vectors without the embedding cache, and it is the exact oracle for
``recall_at_k`` of the approximate index.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FAISS_FILE = "vectors.faiss"
VECTORS_FILE = "vectors.npy"
FAISS_KINDS = ("auto", "flat", "hnsw")
HNSW_THRESHOLD = 50_000   # below this an exact scan is fast enough (≈ 2 ms per 10k unit vectors)
# Measured on 30k HashEmbedder scale-corpus vectors with the 50 bench questions (recall@10 counting a
# result whose score ties the exact 10th as found): efConstruction 80 / efSearch 128 gave 0.68;
# 200 / 512 gives 0.99 at 0.7 ms per query (clause-like queries: 1.00). Building costs ~3x longer.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 512


def choose_kind(kind: str, n: int, threshold: int = HNSW_THRESHOLD) -> str:
    """Resolve ``auto`` to ``flat`` or ``hnsw`` by corpus size."""
    if kind not in FAISS_KINDS:
        raise ValueError(f"faiss kind must be one of {FAISS_KINDS}, got {kind!r}")
    if kind == "auto":
        return "hnsw" if n > threshold else "flat"
    return kind


def build_faiss(vectors: np.ndarray, kind: str):  # noqa: ANN201 - faiss has no type hints
    """A FAISS index over unit vectors; ``kind`` is ``flat`` or ``hnsw`` (already resolved)."""
    import faiss

    dim = vectors.shape[1]
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


class FaissStore:
    """Build with ``build``; open lazily with ``FaissStore(vdir, kind)`` (memory-mapped on first search)."""

    def __init__(self, vdir: Path, kind: str) -> None:
        self.vdir, self.kind = vdir, kind
        self._index = None
        self._vectors: np.ndarray | None = None

    @staticmethod
    def build(vdir: Path, vectors: np.ndarray, kind: str) -> None:
        import faiss

        np.save(vdir / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(build_faiss(vectors, kind), str(vdir / FAISS_FILE))

    def _load(self):  # noqa: ANN202
        if self._index is None:
            import faiss

            # IO_FLAG_MMAP_IFC really memory-maps the vectors (faiss ≥ 1.8; checked on 1.15.1): opening a
            # 100k-clause index reads no vector data, and the pages are shared and evictable.
            # Plain IO_FLAG_MMAP copies HNSW/flat storage into RAM.
            flag = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)
            self._index = faiss.read_index(str(self.vdir / FAISS_FILE), flag)
            if self.kind == "hnsw":
                self._index.hnsw.efSearch = HNSW_EF_SEARCH
        return self._index

    @property
    def vectors(self) -> np.ndarray:
        """All unit vectors in position order, memory-mapped."""
        if self._vectors is None:
            self._vectors = np.load(self.vdir / VECTORS_FILE, mmap_mode="r")
        return self._vectors

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, positions) by inner product, best first; ``allowed`` restricts positions."""
        import faiss

        index = self._load()
        k = min(k, index.ntotal if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=selector))
        scores, ids = index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep].astype(np.int64)


def recall_at_k(vectors: np.ndarray, queries: np.ndarray, k: int = 10, kind: str = "hnsw") -> float:
    """Recall@k of a ``kind`` FAISS index against exact search (numpy) over the same vectors.

    Args:
        vectors: (n, dim) unit vectors of the corpus.
        queries: (m, dim) unit query vectors (e.g. a sample of the corpus, or embedded test queries).

    Returns:
        The mean fraction of the exact top-k found in the approximate top-k.
    """
    index = build_faiss(vectors, kind)
    if kind == "hnsw":
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
    k = min(k, len(vectors))
    _, approx = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    exact = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]
    hits = [len(set(a.tolist()) & set(e.tolist())) for a, e in zip(approx, exact)]
    return float(np.mean(hits) / k) if len(hits) else 1.0
