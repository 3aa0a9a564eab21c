"""Dense scoring of clauses: corpus-centred cosines and sentence windows.

Two measured weaknesses of the 4-bit e5-small on this corpus (``python -m index.tuning``):

* **Hubness.** Every e5 vector shares a large common component, so short headings and preambles
  sit close to *any* query (for English questions they fill the dense top 5). Subtracting the corpus
  mean vector from clause and query vectors before the cosine (``mean.npy``, computed at build) removes
  that common part; the ranking then reflects what a clause says rather than how generic it is.
* **Dilution.** A 100–500 character clause with several tasks embeds as their average, so a question
  about one task matches it weakly. Each clause longer than one window is also embedded as sentence
  windows (``sentence_windows``: split at 。；;！？!?, long sentences at commas, merged to 40–120
  characters); a clause's dense score is ``max(clause, blend·best window + (1-blend)·clause)``.
  Windows live in ``windows.npy`` with ``window_owners.npy`` (window → clause position), so candidate
  lists stay per clause.

Versions built before this module (no ``mean.npy``) are scored with plain cosines and no windows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

WINDOW_VECTORS, WINDOW_OWNERS, MEAN_FILE = "windows.npy", "window_owners.npy", "mean.npy"
WINDOW_MIN, WINDOW_MAX = 40, 120
WINDOW_BLEND = 0.5       # measured on seed.jsonl: 0.5 beats max (1.0) and 0.7 on MRR@10, same hit@5
HNSW_RESCORE_DEPTH = 4   # HNSW searches raw cosines; it fetches this many × n to rescore

_SENTENCE = re.compile(r"(?<=[。；;！？!?])")
_SUB_SENTENCE = re.compile(r"(?<=[，,、：:])")


def _pieces(text: str, max_len: int) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= max_len:
            out.append(sentence)
            continue
        buf = ""
        for part in _SUB_SENTENCE.split(sentence):
            if buf and len(buf) + len(part) > max_len:
                out.append(buf)
                buf = ""
            buf += part
        if buf:
            out.append(buf)
    return out


def sentence_windows(text: str, min_len: int = WINDOW_MIN, max_len: int = WINDOW_MAX) -> list[str]:
    """A clause's sentence windows; empty when the clause is a single window itself.

    >>> sentence_windows("短句。")
    []
    """
    pieces = _pieces(text, max_len)
    if len(pieces) <= 1:
        return []
    out: list[str] = []
    buf = ""
    for piece in pieces:
        if buf and (len(buf) >= min_len or len(buf) + len(piece) > max_len):
            out.append(buf)
            buf = ""
        buf += piece
    if buf:
        if out and len(buf) < min_len and len(out[-1]) + len(buf) <= max_len:
            out[-1] += buf
        else:
            out.append(buf)
    return [] if len(out) <= 1 else out


def save_dense(vdir: Path, vectors: np.ndarray, windows: np.ndarray, owners: np.ndarray) -> None:
    """Write the corpus mean and the window vectors beside ``vectors.npy``."""
    dim = vectors.shape[1]
    mean = vectors.mean(axis=0) if len(vectors) else np.zeros(dim)
    np.save(vdir / MEAN_FILE, mean.astype(np.float32))
    np.save(vdir / WINDOW_VECTORS, np.ascontiguousarray(windows, dtype=np.float32).reshape(-1, dim))
    np.save(vdir / WINDOW_OWNERS, np.asarray(owners, dtype=np.int64))


def _centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32) - mean
    norms = np.linalg.norm(out, axis=-1, keepdims=True)
    return out / np.maximum(norms, 1e-6)


class DenseScorer:
    """Per-clause dense scores of one version (loaded lazily, centred once)."""

    def __init__(self, vdir: Path, faiss) -> None:  # noqa: ANN001 - FaissStore
        self.vdir, self.faiss = vdir, faiss
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        vectors = np.asarray(self.faiss.vectors, dtype=np.float32)
        self.calibrated = (self.vdir / MEAN_FILE).exists()
        self.mean = np.load(self.vdir / MEAN_FILE) if self.calibrated else np.zeros(vectors.shape[1], np.float32)
        self.clauses = _centred(vectors, self.mean) if self.calibrated else vectors
        if self.calibrated:
            self.owners = np.load(self.vdir / WINDOW_OWNERS)
            self.windows = _centred(np.load(self.vdir / WINDOW_VECTORS), self.mean)
        else:
            self.owners = np.zeros(0, dtype=np.int64)
            self.windows = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        self._loaded = True

    def window_vectors(self, positions: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Raw (uncentred) window vectors of clause ``positions`` and their owners (for rebuilds)."""
        if not (self.vdir / WINDOW_OWNERS).exists():
            return np.zeros((0, self.faiss.vectors.shape[1]), np.float32), np.zeros(0, np.int64)
        owners = np.load(self.vdir / WINDOW_OWNERS)
        keep = np.flatnonzero(np.isin(owners, positions))
        raw = np.load(self.vdir / WINDOW_VECTORS, mmap_mode="r")
        return np.asarray(raw[keep], dtype=np.float32), owners[keep]

    def scores(self, qvec: np.ndarray) -> np.ndarray:
        """The dense score of every clause for the unit query vector ``qvec``."""
        self._load()
        q = _centred(qvec, self.mean) if self.calibrated else qvec
        scores = self.clauses @ q
        if self.owners.size:
            best = np.full_like(scores, -np.inf)
            np.maximum.at(best, self.owners, self.windows @ q)
            blended = WINDOW_BLEND * best + (1.0 - WINDOW_BLEND) * scores
            scores = np.where(np.isfinite(best), np.maximum(scores, blended), scores)
        return scores.astype(np.float32)

    def top(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(top-n scores, their positions, every clause's score), best first; ``allowed`` restricts.

        Flat versions scan exactly; HNSW versions rescore the ANN's raw-cosine top ``4n`` only.
        """
        scores = self.scores(qvec)
        if self.faiss.kind == "hnsw":
            _, pool = self.faiss.search(qvec, n * HNSW_RESCORE_DEPTH, allowed)
        else:
            pool = np.arange(scores.size) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if pool.size == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64), scores
        order = pool[np.argsort(-scores[pool], kind="stable")[:n]]
        return scores[order], order.astype(np.int64), scores
