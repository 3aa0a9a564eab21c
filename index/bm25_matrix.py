"""The BM25 score matrix (Lucene variant, as bm25s computes it) built in chunks, in bounded memory.

``bm25s.BM25.index`` holds every clause's tokens as Python lists of token ids: at a million clauses
that is over a hundred million Python ints, several GB. ``score_matrix`` reads the clauses' token
lists once, in chunks: each chunk's (clause, term, term frequency) triples are counted with numpy and
spilled to a scratch folder; then document frequencies give the idf, and a chunked counting sort
writes the column-major (CSC) arrays bm25s queries. The result is handed to a ``bm25s.BM25`` object,
so bm25s still saves, loads and scores it (``index.bm25_store``); ``tests/index`` checks that its
scores equal those of ``bm25s.BM25.index`` on the same tokens.

Scores: ``idf(t) · tf / (tf + k1·(1 − b + b·|d|/avgdl))`` with ``idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))``
(idf in float32, the product in float64, stored in float32, as bm25s does).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK_DOCS = 50_000


@dataclass(frozen=True)
class ScoreMatrix:
    """bm25s's ``scores`` arrays and vocabulary (``""`` last, outside the matrix, as bm25s adds it)."""

    data: np.ndarray      # (nnz,) float32 scores, column-major
    indices: np.ndarray   # (nnz,) int32 document of each score
    indptr: np.ndarray    # (n_terms + 1,) int64 column starts
    num_docs: int
    vocab: dict[str, int]

    def to_bm25s(self, k1: float, b: float):  # noqa: ANN201 - bm25s has no type hints
        import bm25s

        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        model.scores = {"data": self.data, "indices": self.indices, "indptr": self.indptr,
                        "num_docs": self.num_docs}
        model.vocab_dict = self.vocab
        model.unique_token_ids_set = set(self.vocab.values())
        model.nonoccurrence_array = None  # the Lucene variant has none
        return model


def score_matrix(corpus_tokens: Iterable[Sequence[str]], scratch: Path, *, k1: float, b: float,
                 chunk_docs: int = CHUNK_DOCS) -> ScoreMatrix:
    """Score every (document, term) pair of ``corpus_tokens`` (one token list per document, read once).

    ``scratch`` is an empty folder for the chunk triples; it is removed before returning.
    """
    scratch.mkdir()
    try:
        vocab: dict[str, int] = {}
        df = np.zeros(0, np.int64)
        lengths: list[np.ndarray] = []
        chunks = 0
        batch: list[Sequence[str]] = []
        for tokens in corpus_tokens:
            batch.append(tokens)
            if len(batch) == chunk_docs:
                df = _spill(batch, sum(map(len, lengths)), vocab, df, lengths, scratch / f"{chunks}.npz")
                chunks, batch = chunks + 1, []
        if batch:
            df = _spill(batch, sum(map(len, lengths)), vocab, df, lengths, scratch / f"{chunks}.npz")
            chunks += 1
        doc_len = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
        n = int(doc_len.size)
        avg_len = float(doc_len.mean()) if n else 0.0
        idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        indptr = np.zeros(len(vocab) + 1, np.int64)
        np.cumsum(df, out=indptr[1:])
        data = np.empty(int(indptr[-1]), np.float32)
        indices = np.empty(int(indptr[-1]), np.int32)
        heads = indptr[:-1].copy()
        norm = k1 * (1.0 - b + b * doc_len / avg_len) if n and avg_len else np.zeros(n)
        for i in range(chunks):
            with np.load(scratch / f"{i}.npz") as part:
                _scatter(part["terms"], part["docs"], part["tf"], idf, norm, heads, data, indices)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    vocab[""] = len(vocab)  # bm25s's empty token: in the vocabulary, never in a query we send
    return ScoreMatrix(data, indices, indptr, n, vocab)


def _spill(batch: list[Sequence[str]], first_doc: int, vocab: dict[str, int], df: np.ndarray,
           lengths: list[np.ndarray], path: Path) -> np.ndarray:
    """Count one chunk's (document, term) pairs into ``path``; returns the grown document frequencies."""
    ids: list[int] = []
    for tokens in batch:
        ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
    length = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
    lengths.append(length)
    docs = np.repeat(np.arange(first_doc, first_doc + len(batch), dtype=np.int64), length)
    keys, tf = np.unique((docs << 32) | np.asarray(ids, dtype=np.int64), return_counts=True)
    terms = (keys & 0xFFFFFFFF).astype(np.int32)
    np.savez(path, terms=terms, docs=(keys >> 32).astype(np.int32), tf=tf.astype(np.float32))
    grown = np.zeros(len(vocab), np.int64)
    grown[:df.size] = df
    return grown + np.bincount(terms, minlength=len(vocab))


def _scatter(terms: np.ndarray, docs: np.ndarray, tf: np.ndarray, idf: np.ndarray, norm: np.ndarray,
             heads: np.ndarray, data: np.ndarray, indices: np.ndarray) -> None:
    """Write one chunk's scores into their columns (a counting sort: chunks come in document order,
    so every column's documents stay ascending)."""
    tf64 = tf.astype(np.float64)
    scores = (idf[terms].astype(np.float64) * (tf64 / (tf64 + norm[docs]))).astype(np.float32)
    order = np.argsort(terms, kind="stable")
    sorted_terms = terms[order]
    columns, starts, counts = np.unique(sorted_terms, return_index=True, return_counts=True)
    dest = heads[sorted_terms] + np.arange(sorted_terms.size) - np.repeat(starts, counts)
    data[dest] = scores[order]
    indices[dest] = docs[order]
    heads[columns] += counts

