"""Build the next Milvus index version: new collections, filled, flushed, then the alias repointed last.

Unchanged documents are copied from the live version's collections with their vectors (stored centred,
with the norm that undoes it, so the raw vectors come back exactly enough to re-centre on the new
corpus mean); only new or changed clauses are embedded (through the embedding cache). A crash before
``alter_alias`` leaves the alias on the old collection; the next build drops the half-built one.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from policyqa.index.builder import (AddReport, BuildOptions, parsed_with, passage_text, user_words,
                                    with_document_fields)
from policyqa.index.clause_store import text_sha
from policyqa.index.dense import sentence_windows
from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache
from policyqa.index.embedders import Embedder
from policyqa.index.errors import IndexWriteError
from policyqa.index.lexicon import LEXICON_FILE, build_lexicon
from policyqa.index.milvus_schema import (
    AliasPointer,
    INSERT_BATCH,
    MAX_UNITS,
    VARCHAR_MAX,
    clause_schema,
    meta_schema,
    quote,
    store_error,
    version_names,
    window_schema,
)
from policyqa.index.persist import Manifest, package_version
from policyqa.index.tokenize import ClauseTokenizer, changed_words
from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause, ParsedDocument

if TYPE_CHECKING:
    from policyqa.index.milvus_store import MilvusStore, MilvusVersion

log = logging.getLogger(__name__)


@dataclass
class _Rows:
    """The new version's rows before centring: clause rows with raw vectors, windows with owners."""

    clauses: list[dict[str, Any]] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    windows: list[np.ndarray] = field(default_factory=list)
    owners: list[np.ndarray] = field(default_factory=list)
    docs: list[dict[str, Any]] = field(default_factory=list)


def build_collection(store: MilvusStore, upserts: Sequence[ParsedDocument], removals: set[str], embedder: Embedder,
                     cache: EmbeddingCache | None, *, options: BuildOptions, report: AddReport, progress: bool) -> None:
    """Write a complete version into fresh collections and point the alias at it (last)."""
    live, client, target = store.live, store.client, store.target
    previous = live.name if live else None
    name = f"{target.alias}_v{time.strftime('%Y%m%d%H%M%S', time.gmtime())}{time.time_ns() % 1_000_000:06d}"
    store.drop_stale({previous} if previous else set())  # half-built versions of crashed builds
    try:
        _create(client, name, embedder.dim, target)
        rows, tokenizer = _collect(live, upserts, removals, embedder, cache, options, report)
        mean = _write(client, name, rows)
        manifest = Manifest(schema_version=1, package_version=package_version(), embedder=embedder.name,
                            dim=embedder.dim, tokenizer=tokenizer.signature, faiss_kind=f"milvus:{target.index_type}",
                            clause_count=len(rows.clauses), documents={d["key"][4:]: d["sha"] for d in rows.docs},
                            passage_format=options.passage_format, created=name,
                            engine=getattr(embedder, "engine", embedder.name),
                            model_sha256=getattr(embedder, "model_sha256", ""),
                            parsed=parsed_with(live.manifest if live else None, (d["key"][4:] for d in rows.docs),
                                               upserts))
        _write_meta(client, name, rows, mean, manifest)
        AliasPointer(client, target).point(name)
    except BaseException as exc:
        for coll in version_names(name):
            try:
                client.drop_collection(coll)
            except Exception:  # noqa: BLE001 - a dead server: the next build drops it
                pass
        if isinstance(exc, (KeyboardInterrupt, SystemExit, IndexWriteError)):
            raise
        if isinstance(exc, Exception) and type(exc).__module__.startswith(("pymilvus", "grpc")):
            raise store_error(target, exc, f"writing version {name} (the alias still points at "
                                           f"{previous or 'no version'})") from exc
        raise
    report.clause_count = len(rows.clauses)
    store.drop_stale({name, previous} if previous else {name})
    log.info("milvus %s: alias %s → %s, %d clauses", target.uri, target.alias, name, len(rows.clauses))


def _collect(live: MilvusVersion | None, upserts: Sequence[ParsedDocument], removals: set[str], embedder: Embedder,
             cache: EmbeddingCache | None, options: BuildOptions, report: AddReport) -> tuple[_Rows, ClauseTokenizer]:
    replaced = removals | {p.document.doc_id for p in upserts}
    kept = [d for d in (live.docs() if live else []) if json.loads(d["data"])["doc_id"] not in replaced]
    new_words = {p.document.doc_id: user_words(p.document, p.clauses) for p in upserts}
    kept_words = [set(d["words"].split("\t")) - {""} for d in kept]
    tokenizer = ClauseTokenizer(set().union(*kept_words, *new_words.values()))
    retokenize = changed_words(live.tokenizer.user_words if live else (), tokenizer.user_words)
    rows = _Rows()
    for doc, words in zip(kept, kept_words):
        _copy_document(live, doc, words, rows, tokenizer, retokenize)
    for parsed in upserts:
        _new_document(parsed, new_words[parsed.document.doc_id], rows, tokenizer, embedder, cache, options, report)
    return rows, tokenizer


def _doc_row(doc_id: str, ord_: int, data: str, sha: str, words: set[str], count: int) -> dict[str, Any]:
    return {"key": f"doc:{doc_id}", "kind": "doc", "ord": ord_, "count": count, "data": data,
            "words": "\t".join(sorted(words)), "v": [0.0, 0.0], "sha": sha}


def _copy_document(live: MilvusVersion, doc: dict[str, Any], words: set[str], rows: _Rows,
                   tokenizer: ClauseTokenizer, retokenize: set[str]) -> None:
    doc_id = json.loads(doc["data"])["doc_id"]
    fields = ["pos", "clause_id", "doc_id", "ord", "kind", "has_resp", "region", "doc_type", "doc_title", "leads",
              "cooperating", "text", "vec", "cnorm", "tokens", "text_sha", "data"]
    old = list(live.query_all(f"doc_id == {quote(doc_id)}", fields, key="ord"))
    start = len(rows.clauses)
    mean = live.mean
    old_to_new = {int(r["pos"]): start + i for i, r in enumerate(old)}
    for row in old:
        row = {k: row[k] for k in fields}
        rows.vectors.append(np.asarray(row.pop("vec"), np.float32) * float(row.pop("cnorm")) + mean)
        if retokenize and any(w in row["text"] for w in retokenize):
            row["tokens"] = "\t".join(tokenizer.tokenize(row["text"]))
        row["pos"] = old_to_new[int(row["pos"])]
        rows.clauses.append(row)
    windows = live.windows_of(list(old_to_new))
    if windows:
        rows.windows.append(np.asarray([w["vec"] for w in windows], np.float32)
                            * np.asarray([[w["cnorm"]] for w in windows], np.float32) + mean)
        rows.owners.append(np.array([old_to_new[int(w["owner"])] for w in windows], np.int64))
    sha = live.manifest.documents.get(doc_id, "")
    rows.docs.append(_doc_row(doc_id, len(rows.docs), doc["data"], sha, words, len(old)))


def _new_document(parsed: ParsedDocument, words: set[str], rows: _Rows, tokenizer: ClauseTokenizer,
                  embedder: Embedder, cache: EmbeddingCache | None, options: BuildOptions, report: AddReport) -> None:
    document = parsed.document
    clauses = [with_document_fields(document, c) for c in parsed.clauses]
    title = to_search_form(document.title)
    tokens = tokenizer.token_strings([c.search_text for c in clauses])
    texts = [passage_text(c, options.passage_format) for c in clauses]
    vectors, embedded = embed_with_cache(embedder, texts, cache)
    report.clauses_embedded += embedded
    start = len(rows.clauses)
    for i, (clause, toks, text) in enumerate(zip(clauses, tokens, texts)):
        rows.clauses.append(_clause_row(start + i, i, clause, toks, text_sha(text), title))
    rows.vectors.extend(np.asarray(vectors, np.float32))
    todo = [(start + i, w) for i, c in enumerate(clauses) for w in sentence_windows(c.search_text)]
    if todo:
        wvecs, wembedded = embed_with_cache(embedder, [w for _, w in todo], cache)
        report.windows_embedded += wembedded
        rows.windows.append(np.asarray(wvecs, np.float32))
        rows.owners.append(np.array([p for p, _ in todo], np.int64))
    data = json.dumps(document.to_dict(), ensure_ascii=False)
    rows.docs.append(_doc_row(document.doc_id, len(rows.docs), data, document.sha256, words, len(clauses)))


def _clause_row(pos: int, ord_: int, clause: Clause, tokens: str, sha: str, title: str) -> dict[str, Any]:
    data = json.dumps(clause.to_dict(), ensure_ascii=False)
    for what, value in (("text", clause.search_text), ("clause record", data), ("tokens", tokens)):
        if len(value.encode("utf-8")) > VARCHAR_MAX:
            raise IndexWriteError(
                f"document {clause.doc_id}: clause {clause.clause_id} has a {what} of {len(value.encode())} bytes, "
                f"over Milvus's {VARCHAR_MAX}; split the document's long paragraph or use the local store")
    return {"pos": pos, "clause_id": clause.clause_id, "doc_id": clause.doc_id, "ord": ord_, "kind": clause.kind,
            "has_resp": bool(clause.has_responsibility), "region": clause.region, "doc_type": clause.doc_type,
            "doc_title": title, "leads": [u[:500] for u in clause.leads[:MAX_UNITS]],
            "cooperating": [u[:500] for u in clause.cooperating[:MAX_UNITS]], "text": clause.search_text,
            "tokens": tokens, "text_sha": sha, "data": data}


def _create(client: Any, name: str, dim: int, target: Any) -> None:
    clauses, windows, meta = version_names(name)
    for coll, (schema, index) in ((clauses, clause_schema(client, dim, target)),
                                  (windows, window_schema(client, dim, target)), (meta, meta_schema(client))):
        extra = {"num_partitions": 64} if target.partition_key and coll == clauses else {}
        client.create_collection(coll, schema=schema, index_params=index, **extra)


def _centred(vectors: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out = vectors - mean
    norms = np.maximum(np.linalg.norm(out, axis=1), 1e-6).astype(np.float32)
    return (out / norms[:, None]).astype(np.float32), norms


def _write(client: Any, name: str, rows: _Rows) -> np.ndarray:
    """Insert clause and window rows (centred on the corpus mean) in batches; returns the mean."""
    clauses, windows, _ = version_names(name)
    if rows.vectors:
        vectors = np.asarray(rows.vectors, np.float32)
        mean = vectors.astype(np.float64).mean(axis=0).astype(np.float32)
    else:
        mean = np.zeros(_dim(client.describe_collection(clauses)), np.float32)
        vectors = np.zeros((0, mean.size), np.float32)
    for start in range(0, len(rows.clauses), INSERT_BATCH):
        unit, norms = _centred(vectors[start:start + INSERT_BATCH], mean)
        batch = rows.clauses[start:start + INSERT_BATCH]
        client.insert(clauses, [{**r, "vec": u.tolist(), "cnorm": float(c)} for r, u, c in zip(batch, unit, norms)])
    if rows.windows:
        wvecs, owners = np.concatenate(rows.windows), np.concatenate(rows.owners)
        for start in range(0, len(wvecs), INSERT_BATCH):
            unit, norms = _centred(wvecs[start:start + INSERT_BATCH], mean)
            client.insert(windows, [{"wid": start + i, "owner": int(o), "vec": u.tolist(), "cnorm": float(c)}
                                    for i, (o, u, c) in enumerate(zip(owners[start:start + INSERT_BATCH], unit, norms))])
    client.flush(clauses)
    client.flush(windows)
    return mean


def _dim(description: dict[str, Any]) -> int:
    for f in description["fields"]:
        if f["name"] == "vec":
            return int(f["params"]["dim"])
    raise ValueError("no vector field")


def _write_meta(client: Any, name: str, rows: _Rows, mean: np.ndarray, manifest: Manifest) -> None:
    from policyqa.index.milvus_store import LEXICON_KEY, MANIFEST_KEY, MEAN_KEY, encode_blob

    meta = version_names(name)[2]
    docs = [{k: v for k, v in d.items() if k != "sha"} for d in rows.docs]
    with tempfile.TemporaryDirectory(prefix="policyqa-lexicon-") as tmp:
        build_lexicon(Path(tmp), (r["text"] for r in rows.clauses))
        lexicon = (Path(tmp) / LEXICON_FILE).read_bytes()
    blobs = encode_blob(MEAN_KEY, mean.astype(np.float32).tobytes()) + encode_blob(LEXICON_KEY, lexicon)
    for start in range(0, len(docs) + len(blobs), INSERT_BATCH):
        client.insert(meta, (docs + blobs)[start:start + INSERT_BATCH])
    client.flush(meta)
    # The manifest last: a version without one is never aliased, and is dropped by the next build.
    # One insert call, so a server dying mid-write leaves no partial manifest.
    client.insert(meta, encode_blob(MANIFEST_KEY, manifest.to_json()))
    client.flush(meta)
