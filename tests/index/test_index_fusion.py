"""Score fusion against a hand-worked example; fused results are unique and sorted."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from policyqa.index.hybrid import Filters, FusionParams, fuse, matched_terms, rescale_dense


def test_rescale_dense_hand_worked() -> None:
    top = np.array([0.90, 0.85, 0.80, 0.70], dtype=np.float32)
    out = rescale_dense(np.array([0.90, 0.80, 0.75, 0.60], dtype=np.float32), top, floor_rank=3)
    # top 0.90 → 1, third best 0.80 → 0; 0.75 and 0.60 clip to 0
    np.testing.assert_allclose(out, [1.0, 0.0, 0.0, 0.0], atol=1e-6)
    mid = rescale_dense(np.array([0.85], dtype=np.float32), top, floor_rank=3)
    np.testing.assert_allclose(mid, [0.5], atol=1e-5)


def test_fuse_hand_worked_example() -> None:
    # bm25_weight 0.4: score = 0.6 * dense + 0.4 * bm25; the heading's score is multiplied by 0.5.
    params = FusionParams(bm25_weight=0.4, heading_factor=0.5)
    fused = fuse([10, 20, 30, 40], np.array([1.0, 0.5, 0.0, 0.9]), np.array([0.0, 1.0, 0.5, 1.0]),
                 in_dense=[True, True, False, True], in_bm25=[False, True, True, True],
                 is_heading=[False, False, False, True], params=params)
    # 10: 0.6        20: 0.3 + 0.4 = 0.7    30: 0.2    40: (0.54 + 0.4) * 0.5 = 0.47
    assert [(f.pos, round(f.score, 6), f.source) for f in fused] == [
        (20, 0.7, "both"), (10, 0.6, "dense"), (40, 0.47, "both"), (30, 0.2, "bm25")]


def test_fuse_without_lexical_overlap_keeps_dense_order() -> None:
    # English query: BM25 normalised scores are all ~0, so the dense order must survive intact
    # (plain RRF would interleave BM25's arbitrary order).
    dense = np.array([0.2, 1.0, 0.6])
    fused = fuse([1, 2, 3], dense, np.zeros(3), in_dense=[True] * 3, in_bm25=[False] * 3,
                 is_heading=[False] * 3, params=FusionParams())
    assert [f.pos for f in fused] == [2, 3, 1]


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.booleans()), min_size=1, max_size=30))
def test_fused_results_unique_and_sorted(rows: list[tuple[float, float, bool]]) -> None:
    n = len(rows)
    fused = fuse(list(range(n)), np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
                 in_dense=[True] * n, in_bm25=[r[1] > 0 for r in rows], is_heading=[r[2] for r in rows],
                 params=FusionParams())
    assert len({f.pos for f in fused}) == n
    keys = [(-f.score, f.pos) for f in fused]
    assert keys == sorted(keys)


def test_matched_terms_in_query_order_once() -> None:
    assert matched_terms(["冷链", "物流", "冷链", "港口"], ["物流", "冷链", "建设"]) == ("冷链", "物流")


def test_filters_sql() -> None:
    assert Filters().is_empty() and Filters().to_sql() == ("1", [])
    where, args = Filters(doc_ids=("a", "b"), regions=("宿州",), has_responsibility=True).to_sql()
    assert where == "doc_id IN (?,?) AND (region LIKE ? OR doc_title LIKE ?) AND has_resp = 1"
    assert args == ["a", "b", "%宿州%", "%宿州%"]
