"""Store URIs: which backend, which Milvus connection and options (no server needed)."""

from __future__ import annotations

import pytest

from policyqa.index.errors import IndexStoreError
from policyqa.index.milvus_schema import like_pattern, parse_target, quote
from policyqa.index.store import store_kind, store_variant


def test_store_kinds() -> None:
    assert store_kind("") == store_kind("local") == "local"
    assert store_kind("milvus-lite:./x.db") == "milvus-lite"
    assert store_kind("milvus://db.internal:19530") == store_kind("milvus+tls://h") == "milvus"
    with pytest.raises(IndexStoreError, match="unknown store 'faiss'"):
        store_kind("faiss")


def test_milvus_targets(tmp_path) -> None:  # noqa: ANN001
    lite = parse_target(f"milvus-lite:{tmp_path}/x.db?collection=city_a")
    assert lite.lite and lite.client_uri == str(tmp_path / "x.db") and lite.alias == "city_a"
    assert lite.index_type == "FLAT" and not lite.partition_key and lite.bm25_field == "sparse"
    server = parse_target("milvus+tls://db.internal?db_name=policy&index=IVF_FLAT&bm25=jieba&server_name=db")
    assert server.client_uri == "https://db.internal:19530" and server.alias == "policyqa"
    assert server.options == {"db_name": "policy", "server_name": "db"} and server.partition_key
    assert server.index_type == "IVF_FLAT" and server.bm25_field == "sparse_text"
    for bad, why in (("milvus-lite:x.sqlite", "ending in .db"), ("milvus://", "no host"),
                     ("milvus://h?collection=1x", "collection name"), ("milvus://h?bm25=ngram", "bm25=")):
        with pytest.raises(IndexStoreError, match=why):
            parse_target(bad)


def test_variants_and_literals() -> None:
    assert store_variant("local", "eval_seed") == "local"
    assert store_variant("milvus://h:1?collection=a", "eval_seed") == "milvus://h:1?collection=a_eval_seed"
    assert quote('市"局"') == '"市\\"局\\""'
    assert like_pattern("宿州_%") == '"%宿州%"'
