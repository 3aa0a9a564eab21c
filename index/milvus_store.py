"""The Milvus store backend: index versions as Milvus collections behind an alias (``index.milvus_schema``).

Searches follow the alias (one ``describe_alias`` per search), so a rebuild in another process is seen
from the next query on, and until its ``alter_alias`` every search answers from the old collection.

Fusion is the local store's (``hybrid.Candidates.fuse``), fed from Milvus:

* BM25: Milvus's own (``Function(BM25)`` over the jieba-analysed search text, k1/b as local). The local
  store divides by the best score any clause gets on each query term; here that bound is asked of
  Milvus too — one single-term BM25 search per query token, top 1 — so BM25 still fades out for a
  query with little lexical overlap. Dense-only candidates get their BM25 score by a search
  restricted to them.
* Dense: vectors are stored centred on the version's corpus mean and unit length, so Milvus's inner
  product is the local store's centred cosine; the pool is the clause and window ANN top ``4n``,
  rescored exactly with the clause/window blend of ``index.dense``.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import shutil
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from policyqa.index.dense import ANN_RESCORE_DEPTH, WINDOW_BLEND
from policyqa.index.embed_cache import EmbeddingCache
from policyqa.index.embedders import Embedder
from policyqa.index.errors import IndexMismatchError, IndexStoreError
from policyqa.index.hybrid import Candidates, Filters, FusionParams
from policyqa.index.lexicon import LEXICON_FILE, Lexicon
from policyqa.index.milvus_schema import (
    AliasPointer,
    QUERY_BATCH,
    MilvusTarget,
    connect,
    like_pattern,
    parse_target,
    quote,
    search_params,
    store_error,
    version_names,
)
from policyqa.index.persist import SCHEMA_VERSION, Manifest, write_lock
from policyqa.index.tokenize import ClauseTokenizer
from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause, Document, ParsedDocument

log = logging.getLogger(__name__)

MANIFEST_KEY, MEAN_KEY, LEXICON_KEY = "manifest", "blob:mean", "blob:lexicon"
_FIELDS = ["pos", "vec", "kind", "tokens"]


def query_rows(client: Any, collection: str, **kwargs: Any) -> list[dict[str, Any]]:
    """``client.query``, with an empty answer as an empty list.

    With pymilvus 2.5 on milvus-lite 2.5.1 a query matching no row of a collection with ARRAY fields
    fails in pymilvus's decoder ("Unsupported data type: 0": the empty array column has no element type).
    """
    try:
        return list(client.query(collection, **kwargs))
    except Exception as exc:
        if "Unsupported data type: 0" in str(exc):
            return []
        raise


def read_blob(client: Any, meta: str, key: str) -> bytes:
    """A blob stored in ``key:00000``, ``key:00001``, … rows of a meta collection (base64 text)."""
    rows = client.query(meta, filter=f'kind == "blob" and key like {quote(key + ":%")}', output_fields=["key", "data"])
    return base64.b64decode("".join(r["data"] for r in sorted(rows, key=lambda r: r["key"])))


@dataclass
class MilvusVersion:
    """One complete version: its collections and manifest; tokenizer, mean and lexicon load on first use."""

    client: Any
    name: str
    manifest: Manifest
    cache_dir: Path

    @property
    def clauses(self) -> str:
        return version_names(self.name)[0]

    @property
    def windows(self) -> str:
        return version_names(self.name)[1]

    @property
    def meta(self) -> str:
        return version_names(self.name)[2]

    def docs(self) -> list[dict[str, Any]]:
        return list(self._iterate(self.meta, 'kind == "doc"', ["data", "ord", "count", "words"], "ord"))

    def _iterate(self, collection: str, expr: str, fields: list[str], key: str) -> Iterator[dict[str, Any]]:
        """Rows matching ``expr`` in order of ``key``, whose values run 0, 1, 2, … without gaps.

        Pages by ranges of ``key`` rather than ``query_iterator``, which fails on these collections in
        milvus-lite 2.5.1 ("Unsupported data type: 0").
        """
        start = 0
        while True:
            page = query_rows(self.client, collection, filter=f"({expr}) and {key} >= {start} and {key} < {start + QUERY_BATCH}",
                                     output_fields=sorted({*fields, key}))
            yield from sorted(page, key=lambda r: r[key])
            if len(page) < QUERY_BATCH:  # keys run without gaps: a short page is the last
                return
            start += QUERY_BATCH

    @cached_property
    def tokenizer(self) -> ClauseTokenizer:
        return ClauseTokenizer(set().union(*(set(r["words"].split("\t")) - {""} for r in self.docs())))

    @cached_property
    def mean(self) -> np.ndarray:
        return np.frombuffer(read_blob(self.client, self.meta, MEAN_KEY), dtype=np.float32).copy()

    @cached_property
    def lexicon(self) -> Lexicon:
        path = self.cache_dir / self.name / LEXICON_FILE
        if not path.exists():  # materialised once per machine: Lexicon reads a file
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(read_blob(self.client, self.meta, LEXICON_KEY))
            tmp.replace(path)
        return Lexicon.load(path.parent, self.any_text_contains)

    def any_text_contains(self, term: str) -> bool:
        # ``like`` is case-sensitive; the lexicon asks this only for Han terms its counts cannot answer.
        rows = query_rows(self.client, self.clauses, filter=f"text like {like_pattern(term)}", output_fields=["pos"], limit=1)
        return bool(rows)

    def query_all(self, expr: str, fields: list[str], key: str = "pos") -> Iterator[dict[str, Any]]:
        return self._iterate(self.clauses, expr, fields, key)

    def rows_at(self, positions: Sequence[int], fields: list[str]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        positions = [int(p) for p in positions]
        for start in range(0, len(positions), QUERY_BATCH):
            chunk = positions[start:start + QUERY_BATCH]
            for row in query_rows(self.client, self.clauses, filter=f"pos in {chunk}", output_fields=fields):
                out[int(row["pos"])] = row
        return out

    def windows_of(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        positions = [int(p) for p in positions]
        out: list[dict[str, Any]] = []
        for start in range(0, len(positions), QUERY_BATCH // 4):
            chunk = positions[start:start + QUERY_BATCH // 4]
            out.extend(self.client.query(self.windows, filter=f"owner in {chunk}", output_fields=["owner", "vec", "cnorm"],
                                         limit=16_384))
        return out


class MilvusStore:
    """An index served under one Milvus alias. ``root`` holds the write lock and the lexicon cache."""

    def __init__(self, uri: str, root: Path, *, token: str = "") -> None:
        self.uri = uri
        self.root = Path(root)
        self.target: MilvusTarget = parse_target(uri)
        self.client = connect(self.target, token)
        if self.target.lite:
            with _LITE_LOCK:
                _LITE_OPEN[self.target.client_uri] = _LITE_OPEN.get(self.target.client_uri, 0) + 1
        self.live: MilvusVersion | None = None

    # --- life cycle ----------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.live.name if self.live else ""

    @property
    def manifest(self) -> Manifest | None:
        return self.live.manifest if self.live else None

    def aliased(self) -> str | None:
        """The collection the alias points at, or None before the first build."""
        try:
            return AliasPointer(self.client, self.target).current()
        except Exception as exc:
            raise store_error(self.target, exc, "reading the alias") from exc

    def refresh(self) -> None:
        name = self.aliased()
        if name is None or name == self.version:
            return
        self.live = MilvusVersion(self.client, name, self._read_manifest(name), self.root / "milvus-cache")

    def follow(self) -> None:
        self.refresh()

    def _read_manifest(self, name: str) -> Manifest:
        meta = version_names(name)[2]
        try:
            raw = read_blob(self.client, meta, MANIFEST_KEY)
        except Exception as exc:
            raise IndexMismatchError(
                f"{self.uri}: alias {self.target.alias!r} points at {name!r}, which is not a policyqa index "
                f"version ({str(exc)[:120]}); rebuild with `policyqa ingest PATH --store {self.uri}`") from exc
        if not raw:
            raise IndexMismatchError(f"{self.uri}: collection {name!r} has no manifest; rebuild with `policyqa ingest`")
        data = json.loads(raw)
        if data.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatchError(f"{self.uri}: {name!r} has index schema {data.get('schema_version')!r}, this "
                                     f"policyqa reads {SCHEMA_VERSION}; rebuild it with `policyqa ingest`")
        self._check_schema(name, int(data["dim"]))
        return Manifest(**{k: v for k, v in data.items() if k in Manifest.__dataclass_fields__})

    def _check_schema(self, name: str, dim: int) -> None:
        fields = {f["name"]: f for f in self.client.describe_collection(name)["fields"]}
        missing = {"pos", "text", "sparse", "vec", "data", "tokens"} - set(fields)
        got = int(fields.get("vec", {}).get("params", {}).get("dim", dim))
        if missing or got != dim:
            raise IndexMismatchError(
                f"{self.uri}: collection {name!r} does not match its manifest (missing {sorted(missing)}, vector dim "
                f"{got} vs {dim}); rebuild with `policyqa ingest PATH --store {self.uri}`")

    def write_lock(self, timeout: float | None) -> contextlib.AbstractContextManager[None]:
        # Serialises the writers that share this machine's index directory; writers on several machines
        # must be serialised by whoever runs them (documented in the README).
        return write_lock(self.root, timeout=timeout)

    def close(self) -> None:
        if self.client is None:
            return
        client, self.client, self.live = self.client, None, None
        # pymilvus shares one connection among the clients of a URI: only the last one closes it.
        if not self.target.lite or _release_lite(self.target.client_uri):
            with contextlib.suppress(Exception):
                client.close()
        if self.target.lite and self.target.client_uri not in _LITE_OPEN:
            with contextlib.suppress(Exception):
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(self.target.client_uri)

    def build(self, upserts: Sequence[ParsedDocument], removals: set[str], embedder: Embedder,
              cache: EmbeddingCache | None, *, options: Any, report: Any, progress: bool,
              on_progress: Any = None, reembed: bool = False) -> None:
        from policyqa.index.milvus_build import build_collection

        if reembed:
            # The collection keeps no raw vectors to re-derive from: a new engine means a new ingest.
            raise IndexStoreError(f"{self.uri}: this collection holds another embedding engine's vectors; "
                                  "ingest the documents again into a new collection (?collection=NAME), or "
                                  "set POLICYQA_EMBEDDER to the engine that built it")
        build_collection(self, upserts, removals, embedder, cache, options=options, report=report, progress=progress)
        self.refresh()

    def drop_stale(self, keep: set[str]) -> None:
        """Drop this alias's version collections not in ``keep`` (old versions, crashed builds)."""
        prefix = f"{self.target.alias}_v"
        for name in self.client.list_collections():
            base = name.removesuffix("_win").removesuffix("_meta")
            if name.startswith(prefix) and base not in keep:
                log.debug("dropping old Milvus collection %s", name)
                with contextlib.suppress(Exception):
                    self.client.drop_collection(name)
                shutil.rmtree(self.root / "milvus-cache" / base, ignore_errors=True)

    # --- reading -------------------------------------------------------------------------------
    def documents(self) -> list[tuple[Document, int]]:
        live = self.live
        return [(Document.from_dict(json.loads(r["data"])), int(r["count"])) for r in live.docs()] if live else []

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        live = self.live
        if live is None:
            return []
        if doc_id is None:
            rows = live.query_all("pos >= 0", ["data"])
        else:
            rows = live.query_all(f"doc_id == {quote(doc_id)}", ["data"], key="ord")
        return [Clause.from_dict(json.loads(r["data"])) for r in rows]

    def clause(self, clause_id: str) -> Clause | None:
        live = self.live
        if live is None:
            return None
        rows = query_rows(live.client, live.clauses, filter=f"clause_id == {quote(clause_id)}", output_fields=["pos", "data"])
        return Clause.from_dict(json.loads(min(rows, key=lambda r: r["pos"])["data"])) if rows else None

    def context(self, clause_id: str, before: int, after: int) -> list[Clause]:
        live = self.live
        if live is None:
            return []
        rows = query_rows(live.client, live.clauses, filter=f"clause_id == {quote(clause_id)}", output_fields=["pos", "doc_id", "ord"])
        if not rows:
            return []
        row = min(rows, key=lambda r: r["pos"])
        expr = f"doc_id == {quote(row['doc_id'])} and ord >= {row['ord'] - before} and ord <= {row['ord'] + after}"
        near = query_rows(live.client, live.clauses, filter=expr, output_fields=["ord", "data"])
        return [Clause.from_dict(json.loads(r["data"])) for r in sorted(near, key=lambda r: r["ord"])]

    @property
    def lexicon(self) -> Lexicon | None:
        return self.live.lexicon if self.live else None

    def allowed(self, filters: Filters) -> str:
        """``hybrid.Filters`` as a Milvus expression (the same conditions as ``Filters.to_sql``)."""
        parts: list[str] = []
        for field, values in (("doc_id", filters.doc_ids), ("doc_type", filters.doc_types)):
            if values:
                parts.append(f"{field} in [{', '.join(quote(v) for v in values)}]")
        if filters.regions:
            ors = [f"region like {like_pattern(to_search_form(r))} or doc_title like {like_pattern(to_search_form(r))}"
                   for r in filters.regions]
            parts.append("(" + " or ".join(ors) + ")")
        if filters.has_responsibility:
            parts.append("has_resp == true")
        return " and ".join(parts) or "pos >= 0"

    def clauses_at(self, positions: Sequence[int]) -> dict[int, Clause]:
        live = self.live
        if live is None:
            return {}
        return {p: Clause.from_dict(json.loads(r["data"])) for p, r in live.rows_at(positions, ["pos", "data"]).items()}

    def candidates(self, text: str, qvec: np.ndarray, fusion: FusionParams, n: int,
                   allowed: Any = None) -> Candidates | None:
        live = self.live
        if live is None or live.manifest.clause_count == 0:
            return None
        try:
            return _Search(live, self.target, allowed).candidates(text, qvec, fusion, n)
        except IndexStoreError:
            raise
        except Exception as exc:
            if "collection not found" in str(exc).lower() or "can't find collection" in str(exc).lower():
                self.live = None  # dropped by a writer two versions on: follow the alias and try once more
                self.refresh()
                if self.live is not None:
                    return _Search(self.live, self.target, allowed).candidates(text, qvec, fusion, n)
            raise store_error(self.target, exc, "search") from exc


class _Search:
    """One query's candidates from a Milvus version (see the module docstring for the scoring)."""

    def __init__(self, live: MilvusVersion, target: MilvusTarget, allowed: str | None) -> None:
        self.live, self.target, self.allowed = live, target, allowed
        self.client = live.client

    def candidates(self, text: str, qvec: np.ndarray, fusion: FusionParams, n: int) -> Candidates | None:
        tokens = self.live.tokenizer.tokenize(text)
        mean = self.live.mean
        q = _unit(np.asarray(qvec, np.float32) - mean)
        pool = self._dense_pool(q, n)
        if self.target.bm25 != "jieba":
            # The query's own tokens, each once (Milvus would count a repeated one again; local does not).
            text = "\t".join(dict.fromkeys(t for t in tokens if t.strip()))
        bm25_top = self._bm25_top(text, n) if text.strip() else {}
        rows = self.live.rows_at(sorted(set(pool) | set(bm25_top)), _FIELDS)
        scores = self._dense_scores(q, rows)
        ranked = sorted(pool, key=lambda p: (-scores[p], p))[:n]
        dense_top = np.array(ranked, dtype=np.int64)
        positions = np.array(sorted(set(ranked) | set(bm25_top)), dtype=np.int64)
        if positions.size == 0:
            return None
        bm25 = self._bm25_all(text, tokens, positions, bm25_top, fusion.oov_weight)
        return Candidates(
            positions=positions, tokens=tuple(tokens),
            cosines=np.array([scores[p] for p in positions.tolist()], dtype=np.float32),
            dense_top_scores=np.array([scores[p] for p in ranked], dtype=np.float32),
            bm25=bm25, in_dense=np.isin(positions, dense_top), in_bm25=np.isin(positions, list(bm25_top)),
            is_heading=np.array([rows[p]["kind"] == "heading" for p in positions.tolist()], dtype=bool),
            clause_tokens={p: rows[p]["tokens"].split("\t") for p in positions.tolist()})

    def _dense_pool(self, q: np.ndarray, n: int) -> list[int]:
        limit = n * ANN_RESCORE_DEPTH
        params = search_params(self.target, limit)
        hits = self.client.search(self.live.clauses, data=[q.tolist()], anns_field="vec", limit=limit,
                                  filter=self.allowed or "", search_params=params, output_fields=["pos"])[0]
        pool = {int(h["id"]) for h in hits}
        if self.allowed is None:  # windows carry no filter fields: with a filter they only rescore
            whits = self.client.search(self.live.windows, data=[q.tolist()], anns_field="vec", limit=limit,
                                       search_params=params, output_fields=["owner"])[0]
            pool.update(int(h["entity"]["owner"]) for h in whits)
        return sorted(pool)

    def _dense_scores(self, q: np.ndarray, rows: dict[int, dict[str, Any]]) -> dict[int, float]:
        """Exact blended scores (``DenseScorer``): max(clause, blend·best window + (1−blend)·clause)."""
        if not rows:
            return {}
        positions = list(rows)
        clause = np.asarray([rows[p]["vec"] for p in positions], np.float32) @ q
        best = dict.fromkeys(positions, -np.inf)
        windows = self.live.windows_of(positions)
        if windows:
            wscores = np.asarray([w["vec"] for w in windows], np.float32) @ q
            for w, s in zip(windows, wscores.tolist()):
                best[int(w["owner"])] = max(best[int(w["owner"])], s)
        out: dict[int, float] = {}
        for p, c in zip(positions, clause.tolist()):
            b = best[p]
            out[p] = max(c, WINDOW_BLEND * b + (1.0 - WINDOW_BLEND) * c) if np.isfinite(b) else c
        return out

    def _bm25_search(self, texts: list[str], limit: int, expr: str | None) -> list[list[dict[str, Any]]]:
        return self.client.search(self.live.clauses, data=texts, anns_field=self.target.bm25_field, limit=limit,
                                  filter=expr or "", search_params={"metric_type": "BM25"}, output_fields=["pos"])

    def _bm25_top(self, text: str, n: int) -> dict[int, float]:
        hits = self._bm25_search([text], n, self.allowed)[0]
        return {int(h["id"]): float(h["distance"]) for h in hits if h["distance"] > 0}

    def _bm25_all(self, text: str, tokens: Sequence[str], positions: np.ndarray, top: dict[int, float],
                  oov_weight: float) -> np.ndarray:
        """Raw BM25 of every candidate over the bound (each query term's best score in the corpus)."""
        raw = dict(top)
        rest = [p for p in positions.tolist() if p not in raw]
        if rest:
            hits = self._bm25_search([text], len(rest), f"pos in {rest}")[0]
            raw.update({int(h["id"]): float(h["distance"]) for h in hits})
        unique = list(dict.fromkeys(t for t in tokens if t.strip()))
        maxima = []
        if unique:
            for hits in self._bm25_search(unique, 1, None):
                maxima.append(float(hits[0]["distance"]) if hits else 0.0)
        matched = [m for m in maxima if m > 0]
        if not matched:
            return np.zeros(positions.size, np.float32)
        bound = sum(matched) + oov_weight * (len(maxima) - len(matched)) * float(np.mean(matched))
        return np.clip(np.array([raw.get(p, 0.0) for p in positions.tolist()], np.float32) / bound, 0.0, 1.0)


# Open milvus-lite stores per .db file in this process: they share one engine, stopped with the last.
_LITE_OPEN: dict[str, int] = {}
_LITE_LOCK = threading.Lock()


def _release_lite(path: str) -> bool:
    """Count one store on ``path`` closed; True when it was this process's last.

    milvus-lite serves a .db file to one process at a time and keeps serving it after its clients
    close; the last store stops it (``close``), so another process can open the file.
    """
    with _LITE_LOCK:
        _LITE_OPEN[path] = _LITE_OPEN.get(path, 1) - 1
        if _LITE_OPEN[path] > 0:
            return False
        del _LITE_OPEN[path]
        return True


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-6)).astype(np.float32)


def encode_blob(key: str, data: bytes, chunk: int = 48_000) -> list[dict[str, Any]]:
    """Meta rows holding ``data`` as base64 text in chunks under VARCHAR's limit."""
    text = base64.b64encode(data).decode("ascii")
    return [{"key": f"{key}:{i // chunk:05d}", "kind": "blob", "ord": i // chunk, "count": 0, "data": text[i:i + chunk],
             "words": "", "v": [0.0, 0.0]} for i in range(0, max(len(text), 1), chunk)]


def npz_bytes(arrays: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()
