"""BM25 (bm25s, Lucene variant) over the jieba tokens of each clause's search form.

Besides bm25s's own files we keep, per vocabulary term, the best score any clause gets for it
(``term_max.npy``). Dividing a clause's score by the sum of those maxima over the query's terms gives
a score in [0, 1] that means "how much of the query this clause matches, as well as any clause does";
unlike dividing by the top hit's score, it stays low when the query has little lexical overlap
with the corpus (English, paraphrase), which is what the fusion needs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from policyqa.index.bm25_matrix import score_matrix

log = logging.getLogger(__name__)

BM25_DIR = "bm25"
TERM_MAX = "term_max.npy"
K1, B = 1.2, 0.75


@dataclass(frozen=True)
class Bm25Scores:
    """Normalised BM25 scores of every clause for one query."""

    scores: np.ndarray        # (n,) float32, in [0, 1]
    matched: tuple[str, ...]  # query tokens that occur in the corpus


class Bm25Store:
    """Build with ``build``; open lazily with ``Bm25Store(vdir)`` (memory-mapped on first search)."""

    def __init__(self, vdir: Path) -> None:
        self.dir = vdir / BM25_DIR
        self._model = None
        self._term_max: np.ndarray | None = None

    @staticmethod
    def build(vdir: Path, corpus_tokens: Iterable[Sequence[str]]) -> None:
        """Index token lists (one per clause, in position order, read once) and save them under ``vdir``.

        The matrix is built in chunks (``index.bm25_matrix``); bm25s saves it in its own format.
        """
        out = vdir / BM25_DIR
        out.mkdir()
        matrix = score_matrix(corpus_tokens, vdir / "bm25-scratch", k1=K1, b=B)
        matrix.to_bm25s(K1, B).save(str(out))
        indptr, data = matrix.indptr, matrix.data
        term_max = np.zeros(len(indptr) - 1, dtype=np.float32)
        nonempty = indptr[1:] > indptr[:-1]
        term_max[nonempty] = np.maximum.reduceat(data, indptr[:-1][nonempty]) if data.size else 0
        np.save(out / TERM_MAX, term_max)

    def _load(self):  # noqa: ANN202 - bm25s has no type hints
        if self._model is None:
            import bm25s

            self._model = bm25s.BM25.load(str(self.dir), mmap=True)
            self._term_max = np.load(self.dir / TERM_MAX, mmap_mode="r")
        return self._model

    def vocabulary_size(self) -> int:
        return len(self._load().vocab_dict)

    def scores(self, query_tokens: Sequence[str], *, oov_weight: float = 1.0) -> Bm25Scores:
        """Scores of every clause, divided by the best a clause could score on these query terms.

        Args:
            query_tokens: tokens from the same ``ClauseTokenizer`` the index was built with.
            oov_weight: how many "average matched terms" of score a query term absent from the corpus
                counts for in the denominator; 1.0 treats it like a term nobody matched.
        """
        model = self._load()
        assert self._term_max is not None
        n = int(model.scores["num_docs"])
        unique = list(dict.fromkeys(query_tokens))
        ids = [model.vocab_dict[t] for t in unique if t in model.vocab_dict and t != ""]
        if not ids:
            return Bm25Scores(np.zeros(n, dtype=np.float32), ())
        raw = np.asarray(model.get_scores(ids), dtype=np.float32)
        maxima = np.asarray(self._term_max[ids], dtype=np.float32)
        n_oov = len(unique) - len(ids)
        bound = float(maxima.sum() + oov_weight * n_oov * maxima.mean())
        matched = tuple(t for t in unique if t in model.vocab_dict)
        return Bm25Scores(raw / max(bound, 1e-9), matched)


def bm25_params(vdir: Path) -> dict[str, object]:
    """bm25s's saved parameters (its version, k1, b), for diagnostics."""
    return json.loads((vdir / BM25_DIR / "params.index.json").read_text(encoding="utf-8"))
