"""Search results, filters, and the fusion of lexical (BM25) and dense (embedding) scores.

Plain reciprocal-rank fusion gives BM25's top hit the same weight whatever its score, so a query with
no lexical overlap (English, paraphrase) has its good dense hits pushed down by BM25 junk. We fuse
scores instead: a convex combination of

* the dense score, rescaled within this query's dense candidates (cosines of e5 cluster in a narrow
  band, so only their spread within one query means anything), and
* the BM25 score divided by the best any clause scores on the query's terms (``bm25_store``), which is
  absolute: low when few query terms occur in the corpus, so BM25 fades out by itself for English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from policyqa.model import Clause


@dataclass(frozen=True)
class Hit:
    """One search result. ``source`` is ``dense``, ``bm25`` or ``both`` (which candidate lists held it)."""

    clause: Clause
    score: float
    rank: int                                   # 1-based
    source: str
    matched_terms: tuple[str, ...] = ()         # query tokens found in the clause (search form)

    def to_dict(self) -> dict[str, Any]:
        """The search JSON record (``policyqa search --json``, the retriever's metadata)."""
        c = self.clause
        return {"rank": self.rank, "score": round(float(self.score), 6), "clause_id": c.clause_id,
                "doc_id": c.doc_id, "doc_title": c.doc_title, "region": c.region, "path": list(c.path),
                "text": c.text, "leads": list(c.leads), "cooperating": list(c.cooperating),
                "responsible": list(c.responsible)}


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Empty fields don't filter; several values in one field mean "any of".

    ``regions`` match as substrings of the clause's region or its document's title (search form,
    so 宿州 matches 安徽省宿州市 and 滬蘇浙 matches a Traditional title).
    """

    doc_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    has_responsibility: bool = False

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.regions or self.doc_types or self.has_responsibility)

    def to_sql(self, normalize: Any = str) -> tuple[str, list[Any]]:
        """A WHERE condition over ``clause_store`` columns, and its arguments."""
        parts: list[str] = []
        args: list[Any] = []
        for column, values in (("doc_id", self.doc_ids), ("doc_type", self.doc_types)):
            if values:
                parts.append(f"{column} IN ({','.join('?' * len(values))})")
                args.extend(values)
        if self.regions:
            parts.append("(" + " OR ".join(["region LIKE ? OR doc_title LIKE ?"] * len(self.regions)) + ")")
            for region in self.regions:
                args.extend([f"%{normalize(region)}%"] * 2)
        if self.has_responsibility:
            parts.append("has_resp = 1")
        return " AND ".join(parts) or "1", args


@dataclass(frozen=True)
class FusionParams:
    """Fusion weights; defaults tuned on eval/testsets/seed.jsonl (``python -m policyqa.eval.fusion_tuning --grid``).

    The BM25 weight is high because its score is normalised by what the query's terms could score
    at best: for a query with few corpus terms (English) it is near 0 and the dense order decides.

    Attributes:
        bm25_weight: weight of the normalised BM25 score; the dense score gets ``1 - bm25_weight``.
        dense_floor_rank: the dense score is rescaled so the top candidate gets 1 and the candidate
            at this rank gets 0 (its cosine stands for "unrelated" in this query).
        heading_factor: multiplier for heading clauses, so a leaf clause beats its section title
            when both match equally.
        oov_weight: how much a query term absent from the corpus lowers the BM25 normalisation.
        candidates: how many candidates each retriever contributes (at least ``k``).
    """

    bm25_weight: float = 0.8
    dense_floor_rank: int = 30
    heading_factor: float = 0.6  # below 1: a leaf clause must beat its section title (headings are hubs)
    oov_weight: float = 1.0
    candidates: int = 50


@dataclass(frozen=True)
class Fused:
    """One fused candidate (a position in the index arrays)."""

    pos: int
    score: float
    source: str


def rescale_dense(cosines: np.ndarray, top_cosines: np.ndarray, floor_rank: int) -> np.ndarray:
    """Map cosines to [0, 1]: the best dense candidate → 1, the ``floor_rank``-th best → 0."""
    if top_cosines.size == 0:
        return np.zeros_like(cosines)
    ordered = np.sort(top_cosines)[::-1]
    top = float(ordered[0])
    floor = float(ordered[min(floor_rank, ordered.size) - 1])
    if top - floor < 1e-6:
        return np.where(cosines >= top - 1e-6, 1.0, 0.0).astype(np.float32)
    return np.clip((cosines - floor) / (top - floor), 0.0, 1.0).astype(np.float32)


def fuse(positions: Sequence[int], dense: np.ndarray, bm25: np.ndarray, *, in_dense: Sequence[bool],
         in_bm25: Sequence[bool], is_heading: Sequence[bool], params: FusionParams) -> list[Fused]:
    """Combine per-candidate scores; returns unique candidates, best first (ties by position).

    Args:
        positions: candidate positions (unique).
        dense: their rescaled dense scores in [0, 1] (``rescale_dense``).
        bm25: their normalised BM25 scores in [0, 1].
        in_dense, in_bm25: whether each came from that retriever's candidate list (for ``source``).
        is_heading: heading clauses get ``params.heading_factor``.
    """
    w = params.bm25_weight
    fused: list[Fused] = []
    for i, pos in enumerate(positions):
        score = (1.0 - w) * float(dense[i]) + w * float(bm25[i])
        if is_heading[i]:
            score *= params.heading_factor
        source = "both" if in_dense[i] and in_bm25[i] else ("dense" if in_dense[i] else "bm25")
        fused.append(Fused(int(pos), score, source))
    fused.sort(key=lambda f: (-f.score, f.pos))
    return fused


@dataclass(frozen=True)
class Candidates:
    """One query's candidates from both retrievers, with every score fusion needs.

    Kept separate from ranking so fusion parameters can be tuned without re-running the model.
    """

    positions: np.ndarray          # (m,) candidate positions, unique, ascending
    tokens: tuple[str, ...]        # the query's tokens
    cosines: np.ndarray            # (m,) exact cosine of each candidate
    dense_top_scores: np.ndarray   # cosines of the dense top-n (defines the rescaling)
    bm25: np.ndarray               # (m,) normalised BM25 scores
    in_dense: np.ndarray           # (m,) bool
    in_bm25: np.ndarray            # (m,) bool
    is_heading: np.ndarray         # (m,) bool
    clause_tokens: dict[int, list[str]] = field(default_factory=dict)

    def fuse(self, params: FusionParams) -> list[Fused]:
        dense = rescale_dense(self.cosines, self.dense_top_scores, params.dense_floor_rank)
        return fuse(self.positions.tolist(), dense, self.bm25, in_dense=self.in_dense, in_bm25=self.in_bm25,
                    is_heading=self.is_heading, params=params)


def matched_terms(query_tokens: Sequence[str], clause_tokens: Sequence[str]) -> tuple[str, ...]:
    """Query tokens that occur among a clause's tokens, in query order, once each."""
    present = set(clause_tokens)
    return tuple(t for t in dict.fromkeys(query_tokens) if t in present)
