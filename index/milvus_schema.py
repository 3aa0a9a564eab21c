"""Milvus connection, collection names and schemas of the Milvus store (``index.milvus_store``).

One index version is three collections named after the alias the index is served under
(``policyqa`` unless the URI says ``?collection=NAME``)::

    <alias>_v<stamp>        clauses: ids, filter fields, unit arrays, the search text (jieba analyzer,
                            punctuation stop filter) → BM25 sparse field, the dense vector, the cited
                            clause as JSON; the alias <alias> points here once the version is complete
    <alias>_v<stamp>_win    sentence windows of long clauses (vector, owner position)
    <alias>_v<stamp>_meta   documents, the manifest (written last), the lexicon and the corpus mean

What an answer cites (display text, path, units, document fields) is stored in the clause row
itself (``data``, the clause's JSON): one system to point at, one consistent version per search,
and no second store that could disagree with the collection after a crash.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from policyqa.index.errors import IndexStoreError
from policyqa.index.store import DEFAULT_COLLECTION

log = logging.getLogger(__name__)

VARCHAR_MAX = 65_535     # Milvus's VARCHAR limit, in bytes
INSERT_BATCH = 1_000     # rows per insert: well under the 256 MB gRPC message limit at any dimension
QUERY_BATCH = 1_000
MAX_UNITS = 64           # lead / cooperating units per clause kept in the filterable arrays
META_DIM = 2             # Milvus needs a vector field in every collection; the meta one is a dummy
BM25_K1, BM25_B = 1.2, 0.75  # the local store's bm25s parameters
# jieba keeps punctuation as tokens; BM25 must not count them.
PUNCTUATION = list("，。、；：？！“”‘’（）《》〈〉【】〔〕…—－·,.;:?!\"'()[]{}<>/\\|-_+=*&^%$#@~`")
CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class MilvusTarget:
    """A parsed store URI: how to connect, and the alias the index is served under."""

    uri: str                  # as the user gave it (for messages)
    client_uri: str           # what MilvusClient takes: a .db path or http(s)://host:port
    alias: str
    lite: bool
    options: dict[str, str]   # other query parameters, passed to MilvusClient (db_name, server_pem_path, …)
    index_type: str           # dense index: FLAT, IVF_FLAT, HNSW
    bm25: str = "tokens"      # which BM25 field search uses: "tokens" (policyqa's tokenizer) or "jieba"

    @property
    def bm25_field(self) -> str:
        return "sparse_text" if self.bm25 == "jieba" else "sparse"

    @property
    def partition_key(self) -> bool:
        # milvus-lite 2.5.1 rejects every filter expression on a collection with a partition key
        # ("Invalid expr … invalid parameter"), so the key is used on servers only.
        return not self.lite


def parse_target(uri: str) -> MilvusTarget:
    """``milvus-lite:PATH.db``, ``milvus://HOST:PORT``, ``milvus+tls://HOST:PORT`` (or http(s)://), each with
    optional ``?collection=NAME&index=HNSW&db_name=…``.

    Raises:
        IndexStoreError: a URI without a path or host.
    """
    base, _, query = uri.partition("?")
    options = dict(parse_qsl(query))
    alias = options.pop("collection", DEFAULT_COLLECTION)
    if not alias.replace("_", "").isalnum() or not alias[0].isalpha():
        raise IndexStoreError(f"{uri}: collection name {alias!r} must be letters, digits and _ (a letter first)")
    if base.startswith("milvus-lite:"):
        path = base[len("milvus-lite:"):]
        if not path.endswith(".db"):
            raise IndexStoreError(f"{uri}: milvus-lite needs a file ending in .db, e.g. milvus-lite:./index.db")
        index_type, bm25 = options.pop("index", "FLAT"), _bm25_option(uri, options)
        return MilvusTarget(uri, str(Path(path).expanduser().resolve()), alias, True, options, index_type, bm25)
    parts = urlsplit(base)
    if not parts.hostname:
        raise IndexStoreError(f"{uri}: no host; use milvus://HOST:19530")
    scheme = "https" if parts.scheme in ("milvus+tls", "https") else "http"
    client_uri = f"{scheme}://{parts.hostname}:{parts.port or 19530}"
    index_type, bm25 = options.pop("index", "HNSW"), _bm25_option(uri, options)
    return MilvusTarget(uri, client_uri, alias, False, options, index_type, bm25)


def _bm25_option(uri: str, options: dict[str, str]) -> str:
    bm25 = options.pop("bm25", "tokens")
    if bm25 not in ("tokens", "jieba"):
        raise IndexStoreError(f"{uri}: bm25={bm25!r}; use bm25=tokens (the default) or bm25=jieba")
    return bm25


def connect(target: MilvusTarget, token: str = "") -> Any:
    """A ``MilvusClient`` for ``target``.

    Raises:
        IndexStoreError: pymilvus is missing, the server cannot be reached, or it refused the credentials.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # milvus-lite imports pkg_resources
            from pymilvus import MilvusClient
    except ImportError as exc:
        raise IndexStoreError(
            f"{target.uri}: the Milvus store needs pymilvus; install the extra: pip install 'policyqa[milvus]'") from exc
    # pymilvus logs every failed call at ERROR; callers turn those failures into one-line errors.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    if target.lite:
        Path(target.client_uri).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = dict(target.options)
    if token:
        kwargs["token"] = token
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return MilvusClient(uri=target.client_uri, timeout=CONNECT_TIMEOUT_S, **kwargs)
    except Exception as exc:  # pymilvus raises MilvusException and plain gRPC errors alike
        raise store_error(target, exc, "connect") from exc


def store_error(target: MilvusTarget, exc: BaseException, doing: str) -> IndexStoreError:
    """One line naming the URI, what failed and what to do."""
    text = str(exc).replace("\n", " ")
    low = text.lower()
    if any(w in low for w in ("auth", "credential", "password", "permission denied", "unauthenticated")):
        advice = "the server refused the credentials; set POLICYQA_STORE_TOKEN=user:password (or an API key)"
    elif target.lite and ("lock" in low or "opened" in low):
        advice = f"another process has {target.client_uri} open (milvus-lite allows one); stop it or use a server"
    elif any(w in low for w in ("connect", "unavailable", "timeout", "deadline", "refused", "fail to")):
        where = target.client_uri
        advice = f"cannot reach Milvus at {where}; start the server (see README, Milvus) or fix --store / POLICYQA_STORE"
    else:
        advice = "check the server's log; the index still serves its last complete version"
    return IndexStoreError(f"{target.uri}: {doing} failed: {advice} ({text[:200]})")


def version_names(name: str) -> tuple[str, str, str]:
    """The clause, window and meta collections of version ``name``."""
    return name, f"{name}_win", f"{name}_meta"


def analyzer_params() -> dict[str, Any]:
    return {"tokenizer": "jieba", "filter": [{"type": "stop", "stop_words": PUNCTUATION}]}


def clause_schema(client: Any, dim: int, target: MilvusTarget) -> tuple[Any, Any]:
    """Schema and index parameters of a version's clause collection."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pos", DataType.INT64, is_primary=True)
    schema.add_field("clause_id", DataType.VARCHAR, max_length=1024)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=1024, is_partition_key=target.partition_key)
    schema.add_field("ord", DataType.INT64)
    schema.add_field("kind", DataType.VARCHAR, max_length=64)
    schema.add_field("has_resp", DataType.BOOL)
    schema.add_field("region", DataType.VARCHAR, max_length=1024)
    schema.add_field("doc_type", DataType.VARCHAR, max_length=1024)
    schema.add_field("doc_title", DataType.VARCHAR, max_length=4096)
    for units in ("leads", "cooperating"):
        schema.add_field(units, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_UNITS,
                         max_length=512)
    schema.add_field("text", DataType.VARCHAR, max_length=VARCHAR_MAX, enable_analyzer=True,
                     analyzer_params=analyzer_params())
    schema.add_field("sparse_text", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("cnorm", DataType.FLOAT)
    # policyqa's own tokens (tab-joined), analysed on whitespace: BM25 over exactly the local store's terms.
    schema.add_field("tokens", DataType.VARCHAR, max_length=VARCHAR_MAX, enable_analyzer=True,
                     analyzer_params={"tokenizer": "whitespace"})
    schema.add_field("text_sha", DataType.VARCHAR, max_length=64)
    schema.add_field("data", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse_text"]))
    schema.add_function(Function(name="tokens_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["tokens"], output_field_names=["sparse"]))
    index = client.prepare_index_params()
    for field in ("sparse", "sparse_text"):
        index.add_index(field, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                        params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    index.add_index("vec", **dense_index(target))
    return schema, index


def window_schema(client: Any, dim: int, target: MilvusTarget) -> tuple[Any, Any]:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("wid", DataType.INT64, is_primary=True)
    schema.add_field("owner", DataType.INT64)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("cnorm", DataType.FLOAT)
    index = client.prepare_index_params()
    index.add_index("vec", **dense_index(target))
    return schema, index


def meta_schema(client: Any) -> tuple[Any, Any]:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, max_length=1024, is_primary=True)
    schema.add_field("kind", DataType.VARCHAR, max_length=32)
    schema.add_field("ord", DataType.INT64)
    schema.add_field("count", DataType.INT64)
    schema.add_field("data", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("words", DataType.VARCHAR, max_length=VARCHAR_MAX)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=META_DIM)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="L2")
    return schema, index


def dense_index(target: MilvusTarget) -> dict[str, Any]:
    kind = target.index_type.upper()
    if kind == "HNSW":
        return {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 16, "efConstruction": 200}}
    if kind == "IVF_FLAT":
        return {"index_type": "IVF_FLAT", "metric_type": "IP", "params": {"nlist": 1024}}
    return {"index_type": "FLAT", "metric_type": "IP"}


def search_params(target: MilvusTarget, limit: int) -> dict[str, Any]:
    """Dense search parameters: HNSW's ef at least 4× the limit (recall falls under selective filters)."""
    kind = target.index_type.upper()
    if kind == "HNSW":
        return {"metric_type": "IP", "params": {"ef": max(4 * limit, 128)}}
    if kind == "IVF_FLAT":
        return {"metric_type": "IP", "params": {"nprobe": 64}}
    return {"metric_type": "IP"}


def quote(value: str) -> str:
    """A string literal for a Milvus expression."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def like_pattern(value: str) -> str:
    """A ``like`` literal matching ``value`` anywhere (% and _ in it are dropped: they would be wildcards)."""
    return quote("%" + value.replace("%", "").replace("_", "") + "%")


class AliasPointer:
    """Which collection the index alias serves. On a server, a Milvus alias (``alter_alias``); milvus-lite
    2.5.1 implements no alias RPC (UNIMPLEMENTED), so there it is one row of a ``<alias>_pointer``
    collection, upserted last — the same single atomic switch."""

    def __init__(self, client: Any, target: MilvusTarget) -> None:
        self.client, self.target = client, target
        self.pointer = f"{target.alias}_pointer"

    def current(self) -> str | None:
        if not self.target.lite:
            if self.target.alias not in self.client.list_aliases().get("aliases", []):
                return None
            return self.client.describe_alias(self.target.alias)["collection_name"]
        if not self.client.has_collection(self.pointer):
            return None
        rows = self.client.query(self.pointer, filter='key == "live"', output_fields=["data"])
        return rows[0]["data"] if rows else None

    def point(self, name: str) -> None:
        if not self.target.lite:
            if self.current() is None:
                self.client.create_alias(collection_name=name, alias=self.target.alias)
            else:
                self.client.alter_alias(collection_name=name, alias=self.target.alias)
            return
        if not self.client.has_collection(self.pointer):
            from pymilvus import DataType

            schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("key", DataType.VARCHAR, max_length=64, is_primary=True)
            schema.add_field("data", DataType.VARCHAR, max_length=1024)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=META_DIM)
            index = self.client.prepare_index_params()
            index.add_index("v", index_type="FLAT", metric_type="L2")
            self.client.create_collection(self.pointer, schema=schema, index_params=index)
        self.client.upsert(self.pointer, [{"key": "live", "data": name, "v": [0.0, 0.0]}])
        self.client.flush(self.pointer)
