"""``policyqa bench --store URI``: the local store beside another store on the same corpus, in the same run.

Both stores index the same documents with the same embedder; the embeddings are computed once first,
into a shared embedding cache, so the ingest rate measures what the store does (tokenising, writing,
indexing), not the model. For each store: ingest rate, search p50/p95 over the seed questions,
recall@10 of the local store's top 10, and the RSS of this process plus its children (milvus-lite
runs its engine as a child process).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from policyqa.eval.bench.measure import latency_summary
from policyqa.eval.bench.queries import bench_queries
from policyqa.index.clause_index import ClauseIndex
from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache
from policyqa.index.embedders import Embedder
from policyqa.model import ParsedDocument

log = logging.getLogger("policyqa.eval.bench")

K = 10


def tree_rss_mb() -> float:
    """Resident memory of this process and its children, in MB."""
    import psutil

    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _warm_cache(parsed: Sequence[ParsedDocument], embedder: Embedder, cache_path: Path) -> None:
    from policyqa.index.builder import DEFAULT_PASSAGE_FORMAT, passage_text
    from policyqa.index.dense import sentence_windows

    texts = [passage_text(c, DEFAULT_PASSAGE_FORMAT) for p in parsed for c in p.clauses]
    texts += [w for p in parsed for c in p.clauses for w in sentence_windows(c.search_text)]
    cache = EmbeddingCache(cache_path)
    try:
        embed_with_cache(embedder, texts, cache)
    finally:
        cache.close()


def measure_store(store: str, root: Path, parsed: Sequence[ParsedDocument], embedder: Embedder,
                  queries: Sequence[str], cache_path: Path, rounds: int) -> tuple[dict[str, Any], list[list[str]]]:
    """Ingest ``parsed`` into a fresh index on ``store`` and time searches; returns figures and top-k ids."""
    index = ClauseIndex.open(root, embedder, create=True, store=store, cache_path=cache_path)
    try:
        started = time.perf_counter()
        report = index.add(parsed, progress=False)
        ingest_s = time.perf_counter() - started
        tops = [[h.clause.clause_id for h in index.search(q, k=K)] for q in queries]  # also warms up
        ms: list[float] = []
        for _ in range(rounds):
            for q in queries:
                index._query_vectors.clear()  # the model's time counts, as for a new question
                t = time.perf_counter()
                index.search(q, k=K)
                ms.append((time.perf_counter() - t) * 1000.0)
        figures = {"store": store, "clauses": report.clause_count, "ingest_s": round(ingest_s, 2),
                   "ingest_clauses_per_s": round(report.clause_count / max(ingest_s, 1e-9), 1),
                   **latency_summary(ms, "search"), "rss_mb": round(tree_rss_mb(), 1)}
        return figures, tops
    finally:
        index.close()


def recall_at_k(reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]]) -> float:
    """Mean share of the reference's top-k found in the other's top-k (queries with no reference hit skipped)."""
    shares = [len(set(r) & set(o)) / len(r) for r, o in zip(reference, other) if r]
    return round(sum(shares) / len(shares), 4) if shares else 1.0


def compare_stores(other: str, parsed: Sequence[ParsedDocument], embedder: Embedder, *, n_queries: int = 50,
                   rounds: int = 2, work_dir: Path | None = None) -> dict[str, Any]:
    """Local and ``other`` side by side (see the module docstring)."""
    work = Path(tempfile.mkdtemp(prefix="policyqa-store-bench-", dir=work_dir))
    try:
        cache_path = work / "embed-cache.sqlite"
        _warm_cache(parsed, embedder, cache_path)
        queries = bench_queries(n_queries)
        rows, tops = [], []
        for name, store in (("local", "local"), ("other", _in(work, other))):
            log.info("store bench: %s", store)
            figures, top = measure_store(store, work / name, parsed, embedder, queries, cache_path, rounds)
            rows.append(figures)
            tops.append(top)
        rows[0]["recall_at_10_vs_local"] = 1.0
        rows[1]["recall_at_10_vs_local"] = recall_at_k(tops[0], tops[1])
        return {"embedder": embedder.name, "queries": len(queries), "rounds": rounds, "stores": rows,
                "note": "embeddings precomputed into a shared cache: ingest measures the store, not the model"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _in(work: Path, store: str) -> str:
    """A milvus-lite store given as ``milvus-lite`` alone gets a fresh file in the work directory."""
    return f"milvus-lite:{work / 'bench.db'}" if store == "milvus-lite" else store


def render(result: dict[str, Any]) -> str:
    """The side-by-side table as text (Markdown)."""
    cols = ["store", "clauses", "ingest_clauses_per_s", "search_p50_ms", "search_p95_ms", "recall_at_10_vs_local",
            "rss_mb"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in result["stores"]:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in cols) + " |")
    return "\n".join(lines + ["", f"embedder {result['embedder']}, {result['queries']} queries × {result['rounds']} "
                              f"rounds; {result['note']}"])
