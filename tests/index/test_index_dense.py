"""index.dense: sentence windows, their storage across rebuilds, and centred per-clause scores.

Uses the HashEmbedder (NOT semantic): plumbing, not relevance (relevance: ``python -m policyqa.eval.fusion_tuning``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from policyqa.index.clause_index import ClauseIndex
from policyqa.index.dense import MEAN_FILE, WINDOW_MAX, sentence_windows
from index_helpers import TEXTS_A, CountingHashEmbedder, make_doc

LONG = ("全面推行林长制，积极实施长江防护林、淮河防护林等工程建设，加强森林资源保护。"
        "开展国土绿化行动，建设绿色生态廊道；推进湿地保护修复，到2023年全市湿地保护率达到55%以上。"
        "国考断面水质达标率达到100%，城市黑臭水体基本消除。由市林业局牵头，市农业农村局、市水利局负责。")


def test_windows_split_long_clauses_only() -> None:
    assert sentence_windows("推进蕲县港、宿州港建设，完善港口集疏运体系") == []
    wins = sentence_windows(LONG)
    assert len(wins) >= 2
    assert all(len(w) <= WINDOW_MAX for w in wins)
    assert "".join(wins) == LONG  # windows cover the clause, in order, without overlap
    assert any("国考断面水质达标率达到100%" in w for w in wins)


def test_windows_stored_per_clause_and_copied_on_rebuild(tmp_path: Path) -> None:
    embedder = CountingHashEmbedder()
    index = ClauseIndex.open(tmp_path / "idx", embedder, create=True)
    report = index.add([make_doc("a", [LONG, *TEXTS_A])], progress=False)
    n_windows = len(sentence_windows(to_search(LONG)))
    assert report.windows_embedded == n_windows
    live = index.store.live
    assert (live.dir / MEAN_FILE).exists()
    live.dense._load()
    assert live.dense.owners.tolist() == [live.store.position_of(index.clauses("a")[1].clause_id)] * n_windows

    embedder.embedded.clear()
    report = index.add([make_doc("b", ["发展数字经济，建设大数据产业园"])], progress=False)
    assert report.windows_embedded == 0 and embedder.embedded == [to_search("发展数字经济，建设大数据产业园")]
    index.store.live.dense._load()
    assert index.store.live.dense.owners.size == n_windows


def test_dense_top_is_per_clause_and_unique(tmp_path: Path) -> None:
    index = ClauseIndex.open(tmp_path / "idx", CountingHashEmbedder(), create=True)
    index.add([make_doc("a", [LONG, *TEXTS_A])], progress=False)
    qvec = index.embedder.embed_query_array("国考断面水质达标率")
    scores, positions, every = index.store.live.dense.top(qvec, 50)
    assert len(set(positions.tolist())) == len(positions) == index.manifest.clause_count
    assert np.all(np.diff(scores) <= 1e-7) and np.allclose(every[positions], scores)
    hits = index.search("国考断面水质达标率", k=10)
    assert len({h.clause.clause_id for h in hits}) == len(hits)


def to_search(text: str) -> str:
    from policyqa.ingest.normalize import to_search_form

    return to_search_form(text)
