"""The index contract on every store backend: the same calls give the same answers on local files and on
a real Milvus engine (milvus-lite 2.5.1, the Milvus C++ server code in-process).

HashEmbedder throughout: these test the plumbing, not the ranking quality.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index_helpers import TEXTS_A, TEXTS_B, CountingHashEmbedder, make_doc
from policyqa.index.clause_index import ClauseIndex, DocumentNotFoundError
from policyqa.index.embedders import HashEmbedder
from policyqa.index.errors import IndexMismatchError, IndexNotFoundError, IndexStoreError
from policyqa.index.hybrid import Filters
from policyqa.index.store import store_kind

QUERY = "冷链物流项目建设由哪个部门牵头"
HERE = Path(__file__).parent


@pytest.fixture(params=["local", "milvus-lite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return "local"
    pytest.importorskip("pymilvus", reason="the milvus extra (./install.sh --dev installs it)")
    return f"milvus-lite:{tmp_path / 'milvus' / 'index.db'}"


def _open(tmp_path: Path, store: str, embedder=None, *, create: bool = True) -> ClauseIndex:  # noqa: ANN001
    return ClauseIndex.open(tmp_path / "idx", embedder or HashEmbedder(), create=create, store=store)


def _docs() -> list:
    return [make_doc("a", TEXTS_A, leads={0: ("市发展改革委",), 1: ("市交通运输局",)}),
            make_doc("b", TEXTS_B, city="杭州市", doc_type="实施意见")]


def _versions(index: ClauseIndex) -> int:
    """How many versions the store holds (the live one, the previous one, half-built ones)."""
    if store_kind(index.store.uri) == "local":
        return len(list(index.root.glob("v-*")))
    prefix = f"{index.store.target.alias}_v"
    return len([c for c in index.store.client.list_collections() if c.startswith(prefix)
                and not c.endswith(("_win", "_meta"))])


def test_add_search_and_read(tmp_path: Path, store: str) -> None:
    index = _open(tmp_path, store)
    try:
        report = index.add(_docs(), progress=False)
        assert sorted(report.added) == ["a", "b"] and report.clause_count == 9
        hits = index.search(QUERY, k=3)
        assert hits[0].clause.clause_id == "a:一/1" and hits[0].clause.leads == ("市发展改革委",)
        assert hits[0].source == "both" and "冷链" in hits[0].matched_terms
        assert [h.rank for h in hits] == [1, 2, 3] and len({h.clause.clause_id for h in hits}) == 3
        assert [(d.document.doc_id, d.clause_count) for d in index.documents()] == [("a", 5), ("b", 4)]
        assert [c.clause_id for c in index.clauses("b")] == ["b:一", "b:一/1", "b:一/2", "b:一/3"]
        assert len(index.clauses()) == 9
        assert index.clause("a:一/2").text == TEXTS_A[1]
        assert [c.clause_id for c in index.context("a:一/2", 1, 1)] == ["a:一/1", "a:一/2", "a:一/3"]
        assert index.lexicon.contains("冷链物流") and not index.lexicon.contains("量子计算")
    finally:
        index.close()


def test_filters(tmp_path: Path, store: str) -> None:
    index = _open(tmp_path, store)
    try:
        index.add(_docs(), progress=False)
        in_hangzhou = index.search("建设", k=10, filters=Filters(regions=("杭州",)))
        assert in_hangzhou and {h.clause.doc_id for h in in_hangzhou} == {"b"}
        only_a = index.search("合作", k=10, filters=Filters(doc_ids=("a",)))
        assert only_a and {h.clause.doc_id for h in only_a} == {"a"}
        duties = index.search("建设", k=10, filters=Filters(has_responsibility=True))
        assert duties and all(h.clause.has_responsibility for h in duties)
        assert index.search("建设", k=10, filters=Filters(doc_types=("不存在的类型",))) == []
    finally:
        index.close()


def test_remove_and_reingest(tmp_path: Path, store: str) -> None:
    embedder = CountingHashEmbedder()
    index = _open(tmp_path, store, embedder)
    try:
        index.add(_docs(), progress=False)
        report = index.remove("b")
        assert report.removed == ["b"] and report.clause_count == 5
        assert [d.document.doc_id for d in index.documents()] == ["a"]
        assert all(h.clause.doc_id == "a" for h in index.search("结对帮扶 产业合作", k=10))
        with pytest.raises(DocumentNotFoundError, match="'b'"):
            index.remove("b")

        embedder.embedded.clear()
        changed = make_doc("a", TEXTS_A[:3] + ["新增冷藏车辆购置补贴"], sha="v2")
        report = index.add([changed, _docs()[1]], progress=False)
        assert report.updated == ["a"] and report.added == ["b"] and report.clause_count == 9
        assert "新增冷藏车辆购置补贴" in embedder.embedded  # new text embedded …
        assert index.search("冷藏车辆购置补贴", k=1)[0].clause.text == "新增冷藏车辆购置补贴"
        assert index.add([changed], progress=False).unchanged == ["a"]  # … and an unchanged doc skipped
        assert _versions(index) == 2  # the live version and the previous one; older ones collected
    finally:
        index.close()


def test_another_reader_follows_the_new_version(tmp_path: Path, store: str) -> None:
    writer = _open(tmp_path, store)
    writer.add(_docs()[:1], progress=False)
    reader = _open(tmp_path, store, create=False)
    try:
        before = reader.version
        assert {h.clause.doc_id for h in reader.search("数字经济", k=10)} == {"a"}
        writer.add(_docs()[1:], progress=False)
        assert "b" in {h.clause.doc_id for h in reader.search("数字经济 大数据产业园", k=10)}
        assert reader.version != before
    finally:
        reader.close()
        writer.close()


_CHILD = """
import sys
sys.path.insert(0, {helpers!r})
from index_helpers import StallingEmbedder, make_doc, TEXTS_B
from policyqa.index.clause_index import ClauseIndex
index = ClauseIndex.open({root!r}, StallingEmbedder({marker!r}), create=True, store={store!r})
index.add([make_doc("c", TEXTS_B, city="杭州市")], progress=False)
"""


def test_kill_9_during_a_build_leaves_the_live_version(tmp_path: Path, store: str) -> None:
    index = _open(tmp_path, store)
    index.add(_docs()[:1], progress=False)
    version, hits = index.version, [h.clause.clause_id for h in index.search(QUERY, k=3)]
    versions = _versions(index)
    index.close()  # milvus-lite serves a .db file to one process at a time

    marker = tmp_path / "embedding"
    code = _CHILD.format(helpers=str(HERE), root=str(tmp_path / "idx"), marker=str(marker), store=store)
    child = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), child.stderr.read().decode()[-2000:] if child.poll() is not None else "no build"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    index = _open(tmp_path, store, create=False)
    try:
        assert index.version == version and [h.clause.clause_id for h in index.search(QUERY, k=3)] == hits
        assert [d.document.doc_id for d in index.documents()] == ["a"]
        assert _versions(index) == versions + 1  # the half-built one, until the next build
        index.add(_docs()[1:], progress=False)
        assert [d.document.doc_id for d in index.documents()] == ["a", "b"]
        assert _versions(index) == 2
    finally:
        index.close()


def test_bad_input(tmp_path: Path, store: str) -> None:
    with pytest.raises(IndexNotFoundError, match="policyqa ingest"):
        _open(tmp_path, store, create=False)
    index = _open(tmp_path, store)
    index.add(_docs()[:1], progress=False)
    index.close()
    with pytest.raises(IndexMismatchError, match="hash-384.*hash-64|hash-64.*hash-384"):
        _open(tmp_path, store, HashEmbedder(dim=64), create=False)
    with pytest.raises(IndexStoreError, match="unknown store 'milvs://x'"):
        _open(tmp_path, "milvs://x")


def test_milvus_store_errors_name_the_uri(tmp_path: Path) -> None:
    pytest.importorskip("pymilvus")
    with pytest.raises(IndexStoreError, match=r"milvus-lite:.*\.sqlite: milvus-lite needs a file ending in \.db"):
        _open(tmp_path, f"milvus-lite:{tmp_path / 'x.sqlite'}")
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    with pytest.raises(IndexStoreError, match=r"milvus://127\.0\.0\.1:1: connect failed: cannot reach Milvus") as err:
        _open(tmp_path, "milvus://127.0.0.1:1")
    assert "\n" not in str(err.value)


def test_closing_one_milvus_lite_index_keeps_the_other_serving(tmp_path: Path) -> None:
    pytest.importorskip("pymilvus")
    uri = f"milvus-lite:{tmp_path / 'shared.db'}"
    first = _open(tmp_path, uri)
    first.add(_docs(), progress=False)
    second = ClauseIndex.open(tmp_path / "idx2", HashEmbedder(), create=True, store=f"{uri}?collection=other")
    second.close()
    try:
        assert first.search(QUERY, k=1)[0].clause.clause_id == "a:一/1"
    finally:
        first.close()
