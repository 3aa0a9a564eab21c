"""Index life cycle on hand-made documents: add/update/skip/remove, versions, mismatch, filters.

Uses the HashEmbedder (NOT semantic) — these tests are about plumbing, not relevance.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.index.clause_index import ClauseIndex, DocumentNotFoundError
from policyqa.index.embedders import HashEmbedder
from policyqa.index.hybrid import Filters
from policyqa.index.persist import MANIFEST, atomic_write_bytes
from index_helpers import TEXTS_A, TEXTS_B, CountingHashEmbedder, make_doc
from policyqa.index.errors import IndexMismatchError, IndexNotFoundError
from policyqa.ingest.normalize import to_search_form


def _docs():  # noqa: ANN202
    return [make_doc("a", TEXTS_A, leads={0: ("市发展改革委",)}),
            make_doc("b", TEXTS_B, city="杭州市", doc_type="新闻报道", leads={0: ("区商务局",)})]


@pytest.fixture()
def built(tmp_path: Path) -> tuple[ClauseIndex, CountingHashEmbedder]:
    embedder = CountingHashEmbedder()
    index = ClauseIndex.open(tmp_path / "idx", embedder, create=True)
    index.add(_docs(), progress=False)
    return index, embedder


def test_add_reports_and_counts(built) -> None:  # noqa: ANN001
    index, embedder = built
    assert [i.document.doc_id for i in index.documents()] == ["a", "b"]
    assert [i.clause_count for i in index.documents()] == [len(TEXTS_A) + 1, len(TEXTS_B) + 1]
    assert len(index.clauses()) == len(TEXTS_A) + len(TEXTS_B) + 2
    assert index.manifest.embedder == "hash-384" and index.manifest.dim == 384
    assert set(index.manifest.documents) == {"a", "b"}


def test_unchanged_skipped_changed_reembeds_only_changed_clauses(built) -> None:  # noqa: ANN001
    index, embedder = built
    version = index.version
    embedder.embedded.clear()
    report = index.add(_docs(), progress=False)
    assert report.unchanged == ["a", "b"] and not report.changed and index.version == version
    assert embedder.embedded == []
    edited = TEXTS_A[:2] + ["开展干部双向挂职交流，每年选派10名干部"] + TEXTS_A[3:]
    report = index.add([make_doc("a", edited, sha="v2")], progress=False)
    assert report.updated == ["a"] and report.clauses_embedded == 1
    assert embedder.embedded == [to_search_form("开展干部双向挂职交流，每年选派10名干部")]
    assert index.version != version
    assert index.search("每年选派10名干部", k=1)[0].clause.text == edited[2]


def test_remove_and_unknown_document(built) -> None:  # noqa: ANN001
    index, _ = built
    report = index.remove("b")
    assert report.removed == ["b"] and [i.document.doc_id for i in index.documents()] == ["a"]
    assert all(h.clause.doc_id == "a" for h in index.search("结对帮扶", k=10))
    with pytest.raises(DocumentNotFoundError, match="'b'.*holds: a"):
        index.remove("b")
    index.remove("a")
    assert index.documents() == [] and index.search("冷链") == []


def test_old_versions_collected_keeping_previous(built) -> None:  # noqa: ANN001
    index, _ = built
    for sha in ("v2", "v3", "v4"):
        index.add([make_doc("a", TEXTS_A + [sha], sha=sha)], progress=False)
    versions = sorted(p.name for p in index.root.glob("v-*"))
    assert len(versions) == 2 and index.version in versions


def test_readers_open_what_current_names(built, tmp_path: Path) -> None:  # noqa: ANN001
    index, _ = built
    other = ClauseIndex.open(index.root, HashEmbedder())
    index.remove("b")
    assert len(other.documents()) == 2  # a reader keeps its version until it refreshes
    other.refresh()
    assert [i.document.doc_id for i in other.documents()] == ["a"]


def test_open_with_another_embedder_is_a_clear_error(built) -> None:  # noqa: ANN001
    index, _ = built
    with pytest.raises(IndexMismatchError, match=r"'hash-384'.*'hash-64'"):
        ClauseIndex.open(index.root, HashEmbedder(64))


def test_open_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError, match="policyqa ingest"):
        ClauseIndex.open(tmp_path / "nothing", HashEmbedder())


def test_manifest_schema_mismatch(built) -> None:  # noqa: ANN001
    index, _ = built
    manifest_path = index.root / index.version / MANIFEST
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    atomic_write_bytes(manifest_path, json.dumps({**data, "schema_version": 99}).encode())
    with pytest.raises(IndexMismatchError, match="schema 99"):
        ClauseIndex.open(index.root, HashEmbedder())


def test_filters(built) -> None:  # noqa: ANN001
    index, _ = built
    assert {h.clause.doc_id for h in index.search("建设", k=20, filters=Filters(doc_ids=("b",)))} == {"b"}
    assert {h.clause.doc_id for h in index.search("建设", k=20, filters=Filters(regions=("杭州",)))} == {"b"}
    assert {h.clause.doc_type for h in index.search("建设", k=20, filters=Filters(doc_types=("工作方案",)))} \
        == {"工作方案"}
    hits = index.search("建设", k=20, filters=Filters(has_responsibility=True))
    assert sorted(h.clause.leads for h in hits) == [("区商务局",), ("市发展改革委",)]
    assert index.search("建设", filters=Filters(doc_ids=("nope",))) == []


def test_hits_unique_sorted_ranked_with_matched_terms(built) -> None:  # noqa: ANN001
    index, _ = built
    hits = index.search("冷链物流项目建设由市发展改革委牵头", k=8)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert len({h.clause.clause_id for h in hits}) == len(hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].clause.text == TEXTS_A[0]
    assert {"冷链", "物流", "市发展改革委"} <= set(hits[0].matched_terms)


def test_clause_lookup_and_context(built) -> None:  # noqa: ANN001
    index, _ = built
    assert index.clause("a:一/2").text == TEXTS_A[1]
    assert index.clause("a:nope") is None
    assert [c.text for c in index.context("a:一/2", before=1, after=1)] == TEXTS_A[:3]
    assert [c.text for c in index.context("a:一", before=2, after=1)] == ["一、总体要求", TEXTS_A[0]]


# kill -9 during ingest, removal and re-index: tests/reliability/test_crash.py


def test_an_index_parsed_by_an_older_parser_reparses_unchanged_files(built) -> None:  # noqa: ANN001
    # A version written before the parser changed (its manifest records another parser for a document)
    # holds that file's old clauses: adding the same text again re-parses it; a document not added again
    # stays marked as parsed before.
    from policyqa.ingest import PARSER_VERSION

    index, embedder = built
    assert index.manifest.parsed == {"a": PARSER_VERSION, "b": PARSER_VERSION} and not index.manifest.stale()
    path = index.root / index.version / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parsed"] = {}
    atomic_write_bytes(path, json.dumps(data).encode("utf-8"))
    older = ClauseIndex.open(index.root, embedder)
    assert older.manifest.stale() == ["a", "b"]
    report = older.add([_docs()[0]], progress=False)
    assert report.updated == ["a"] and older.manifest.stale() == ["b"]
    report = older.add(_docs(), progress=False)
    assert report.updated == ["b"] and report.unchanged == ["a"] and not older.manifest.stale()
