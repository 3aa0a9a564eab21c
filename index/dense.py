"""Dense scoring of clauses: corpus-centred cosines and sentence windows.

Two measured weaknesses of the 4-bit e5-small on this corpus (``python -m policyqa.eval.fusion_tuning``):

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

from policyqa.index.faiss_store import VECTORS_FILE
from policyqa.index.npy_files import RowFile

WINDOW_VECTORS, WINDOW_OWNERS, MEAN_FILE = "windows.npy", "window_owners.npy", "mean.npy"
WINDOW_MIN, WINDOW_MAX = 40, 120
WINDOW_BLEND = 0.5       # a long clause is partly its best window, partly its whole (tuned on the dev set)
ANN_RESCORE_DEPTH = 4    # the approximate index ranks raw cosines; it fetches this many × n to rescore

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


def save_mean(vdir: Path, vectors: np.ndarray) -> None:
    """Write the corpus mean of ``vectors`` (rows on disk are summed in chunks)."""
    dim = vectors.shape[1]
    total = np.zeros(dim, np.float64)
    for start in range(0, len(vectors), _CHUNK):
        total += np.asarray(vectors[start:start + _CHUNK], np.float64).sum(axis=0)
    mean = total / len(vectors) if len(vectors) else total
    np.save(vdir / MEAN_FILE, mean.astype(np.float32))


def _centred_norms(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """‖v − mean‖ of every row (at least 1e-6, as ``_centred`` divides)."""
    parts = [np.linalg.norm(np.asarray(vectors[i:i + _CHUNK], np.float32) - mean, axis=1)
             for i in range(0, len(vectors), _CHUNK)]
    return np.maximum(np.concatenate(parts) if parts else np.zeros(0, np.float32), 1e-6).astype(np.float32)


def _centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32) - mean
    norms = np.linalg.norm(out, axis=-1, keepdims=True)
    return out / np.maximum(norms, 1e-6)


_CHUNK = 16_384  # rows per step of an exact scan: centred copies stay a few MB, never the whole array


class ClauseScores:
    """Dense scores of one query, computed on demand for the positions asked (``scores[positions]``).

    Search only needs the scores of the fused candidates (a few hundred clauses), so nothing is
    computed for, or read from, the rest of the vectors on disk.
    """

    def __init__(self, scorer: DenseScorer, qvec: np.ndarray, known: dict[int, float]) -> None:
        self.scorer, self.qvec, self.known = scorer, qvec, known

    def __getitem__(self, positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        missing = np.array([p for p in positions.tolist() if p not in self.known], dtype=np.int64)
        if missing.size:
            self.known.update(zip(missing.tolist(), self.scorer.scores_at(self.qvec, missing).tolist()))
        return np.array([self.known[p] for p in positions.tolist()], dtype=np.float32)


class DenseScorer:
    """Per-clause dense scores of one version; vectors stay on disk (read by rows) and are centred on the fly."""

    def __init__(self, vdir: Path, faiss) -> None:  # noqa: ANN001 - FaissStore
        self.vdir, self.faiss = vdir, faiss
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self.clauses = self.faiss.vectors  # read by rows on demand: no resident copy of the corpus
        dim = self.clauses.shape[1]
        self.calibrated = (self.vdir / MEAN_FILE).exists()
        self.mean = np.load(self.vdir / MEAN_FILE) if self.calibrated else np.zeros(dim, np.float32)
        if self.calibrated:
            self.owners = np.load(self.vdir / WINDOW_OWNERS)
            self.windows = RowFile(self.vdir / WINDOW_VECTORS)
        else:
            self.owners = np.zeros(0, dtype=np.int64)
            self.windows = np.zeros((0, dim), dtype=np.float32)
        # Windows grouped per clause: clause p's windows are window_order[window_start[p]:window_start[p+1]]
        # (owners are not sorted after a rebuild: kept clauses' windows come before the new ones).
        self.window_order = np.argsort(self.owners, kind="stable")
        self.window_start = np.searchsorted(self.owners[self.window_order], np.arange(len(self.clauses) + 1))
        self._scan_norms: tuple[np.ndarray, np.ndarray] | None = None
        self._maps: tuple[np.ndarray, np.ndarray] | None = None
        self._loaded = True

    @property
    def has_windows(self) -> bool:
        """False for versions built before sentence windows (their clauses' windows must be computed)."""
        return (self.vdir / WINDOW_OWNERS).exists()

    def _window_rows(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The windows of clause ``positions``: for each, the index in ``positions`` of its clause and its
        row in ``windows.npy``."""
        counts = self.window_start[positions + 1] - self.window_start[positions]
        local = np.repeat(np.arange(positions.size), counts)
        within = np.arange(local.size) - np.repeat(np.cumsum(counts) - counts, counts)
        return local, self.window_order[np.repeat(self.window_start[positions], counts) + within]

    def windows_of(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw (uncentred) window vectors of clause ``positions`` and, for each, the index in ``positions``
        of its clause (for rebuilds, which copy kept clauses' windows)."""
        self._load()
        local, widx = self._window_rows(np.asarray(positions, dtype=np.int64))
        if widx.size == 0:
            return np.zeros((0, self.clauses.shape[1]), np.float32), local
        return np.asarray(self.windows[widx], dtype=np.float32), local  # RowFile reads them in file order

    def _cosines(self, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Cosines of ``rows`` (raw vectors) with the prepared query: centred first when calibrated."""
        if not self.calibrated:
            return np.asarray(rows, dtype=np.float32) @ q
        return _centred(rows, self.mean) @ q

    def _query(self, qvec: np.ndarray) -> np.ndarray:
        return _centred(qvec, self.mean) if self.calibrated else np.asarray(qvec, dtype=np.float32)

    def _blend(self, clause: np.ndarray, best_window: np.ndarray) -> np.ndarray:
        blended = WINDOW_BLEND * best_window + (1.0 - WINDOW_BLEND) * clause
        return np.where(np.isfinite(best_window), np.maximum(clause, blended), clause).astype(np.float32)

    def scores_at(self, qvec: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Dense scores of the clauses at ``positions`` only (their clause and window vectors)."""
        self._load()
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return np.zeros(0, np.float32)
        q = self._query(qvec)
        # Reading the rows in file order keeps the reads sequential.
        order = np.argsort(positions, kind="stable")
        clause = np.empty(positions.size, np.float32)
        clause[order] = self._cosines(self.clauses[positions[order]], q)
        best = np.full(positions.size, -np.inf, np.float32)
        counts = self.window_start[positions + 1] - self.window_start[positions]
        if self.owners.size and counts.sum():
            local, widx = self._window_rows(positions)
            worder = np.argsort(widx, kind="stable")
            wscores = np.empty(widx.size, np.float32)
            wscores[worder] = self._cosines(self.windows[widx[worder]], q)
            np.maximum.at(best, local, wscores)  # a few hundred windows: cheap, unlike over all of them
        return self._blend(clause, best)

    def scores(self, qvec: np.ndarray) -> np.ndarray:
        """The dense score of every clause (an exact scan in chunks; flat versions and tools)."""
        self._load()
        q = self._query(qvec)
        clauses, windows = self._mapped()
        n = len(clauses)
        clause = self._scan(clauses, q, 0)
        best = np.full(n, -np.inf, np.float32)
        if self.owners.size:
            wscores = self._scan(windows, q, 1)
            has = np.flatnonzero(self.window_start[1:] > self.window_start[:-1])
            # Windows sorted by owner: one max per clause over its contiguous run.
            best[has] = np.maximum.reduceat(wscores[self.window_order], self.window_start[has])
        return self._blend(clause, best)

    def _mapped(self) -> tuple[np.ndarray, np.ndarray]:
        """Clause and window vectors memory-mapped, for whole scans: they read every row in order,
        which a map serves best (row reads by ``pread`` are for the few rows a search rescores)."""
        if self._maps is None:
            clauses = np.load(self.vdir / VECTORS_FILE, mmap_mode="r") if len(self.clauses) else self.clauses
            windows = (np.load(self.vdir / WINDOW_VECTORS, mmap_mode="r") if self.calibrated and len(self.windows)
                       else self.windows)
            self._maps = (clauses, windows)
        return self._maps

    def _scan(self, rows: np.ndarray, q: np.ndarray, which: int) -> np.ndarray:
        """Cosines of every row with the prepared query, in one matrix-vector product per chunk.

        Centring is algebra rather than a copy: (v − m)·q / ‖v − m‖, with each row's ‖v − m‖ computed
        once per version (the first scan) and ``m·q`` once per query.
        """
        if len(rows) == 0:
            return np.zeros(0, np.float32)
        if not self.calibrated:
            return np.concatenate([np.asarray(rows[i:i + _CHUNK], np.float32) @ q
                                   for i in range(0, len(rows), _CHUNK)])
        if self._scan_norms is None:
            self._scan_norms = tuple(_centred_norms(rows, self.mean) for rows in self._mapped())
        shift = float(self.mean @ q)
        raw = np.concatenate([np.asarray(rows[i:i + _CHUNK], np.float32) @ q for i in range(0, len(rows), _CHUNK)])
        return ((raw - shift) / self._scan_norms[which]).astype(np.float32)

    def top(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray | ClauseScores]:
        """(top-n scores, their positions, every clause's score on demand), best first; ``allowed`` restricts.

        Flat versions scan exactly; IVF/HNSW versions rescore only the ANN's raw-cosine top ``4n`` (their
        clause and window vectors), so a query touches a few hundred rows instead of the whole corpus.
        """
        self._load()
        if self.faiss.approximate:
            _, pool = self.faiss.search(qvec, n * ANN_RESCORE_DEPTH, allowed)
            pool_scores = self.scores_at(qvec, pool)
        else:
            every = self.scores(qvec)
            pool = np.arange(every.size) if allowed is None else np.asarray(allowed, dtype=np.int64)
            if pool.size == 0:
                return np.zeros(0, np.float32), np.zeros(0, np.int64), every
            keep = np.argsort(-every[pool], kind="stable")[:n]
            return every[pool[keep]], pool[keep].astype(np.int64), every
        known = dict(zip(pool.tolist(), pool_scores.tolist()))
        if pool.size == 0:
            return np.zeros(0, np.float32), np.zeros(0, np.int64), ClauseScores(self, qvec, known)
        keep = np.argsort(-pool_scores, kind="stable")[:n]
        return pool_scores[keep], pool[keep].astype(np.int64), ClauseScores(self, qvec, known)
