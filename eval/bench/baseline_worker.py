"""Worker process: the naive LangChain FAISS pipeline (``eval.baseline.NaiveRag``) on the same corpus.

``python -m eval.bench.baseline_worker SPEC.json OUT.json`` builds it, measures it warm, saves it with
``save_local`` and times a cold start in a fresh process (``eval.bench.baseline_cold``). Same spec keys
as the build worker, plus ``save_dir``. "Clauses" for the baseline are its 750/150 chunks.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from policyqa.eval.bench.measure import (Limits, dir_size_mb, latency_summary, peak_rss_mb, run_worker, stride_sample,
                                worker_main)


def _documents(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """``(doc_id, raw text)``: what a naive pipeline reads — the loaded file text, no parsing."""
    if spec["corpus"] == "scale":
        from policyqa.eval.bench.corpora import load_pool, scale_documents

        docs = scale_documents(load_pool(Path(spec["pool"])), int(spec["clauses"]), seed=int(spec.get("seed", 0)))
        return [(p.document.doc_id, p.text) for p in docs]
    from policyqa.ingest.loaders import load

    files = []
    for f in map(Path, spec["files"]):
        files.extend(sorted(p for p in f.rglob("*.txt")) if f.is_dir() else [f])
    return [(p.stem, load(p).text) for p in files]


def baseline(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.eval.baseline import NaiveRag
    from policyqa.index.embedders import make_embedder

    queries: list[str] = spec["queries"]
    embedder = make_embedder(spec["embedder"])
    embedder.embed_query_array("warm up")
    start = time.perf_counter()
    documents = _documents(spec)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    rag = NaiveRag(documents, embedder)
    total_s = load_s + time.perf_counter() - start
    chunks = [d.page_content for d in rag.chunks]
    sample = stride_sample(chunks, int(spec.get("raw_sample", 1000)))
    start = time.perf_counter()
    embedder.embed_passages_array(sample)
    embed_rate = len(sample) / (time.perf_counter() - start)

    out: dict[str, Any] = {
        "docs": len(documents), "clauses": len(chunks), "embedder": embedder.name,
        "docs_per_s": round(len(documents) / total_s, 2),
        "ingest_clauses_per_s": round(len(chunks) / total_s, 1),
        "embed_clauses_per_s": round(embed_rate, 1), "raw_embed_sample": len(sample),
        "ingest_overhead_pct": round((embed_rate / (len(chunks) / total_s) - 1.0) * 100.0, 1),
        "avg_clause_chars": round(sum(map(len, chunks)) / max(len(chunks), 1), 1),
    }
    del documents, chunks
    ms = []
    for _ in range(int(spec.get("rounds", 2))):
        for q in queries:  # LangChain's FAISS has no query cache: every call embeds the query
            start = time.perf_counter()
            rag.search(q, k=10)
            ms.append((time.perf_counter() - start) * 1000.0)
    out.update(latency_summary(ms, "search"))
    asks = [rag.ask(q).latency_ms for q in queries]  # the top chunk is the answer: ask == search
    out.update({k: v for k, v in latency_summary(asks, "ask").items() if not k.endswith("p99_ms")})
    start = time.perf_counter()
    for q in queries:  # the naive pipeline has no batch API: batch throughput is the same loop
        rag.search(q, k=10)
    out["batch_qps"] = round(len(queries) / (time.perf_counter() - start), 2)
    save_dir = Path(spec["save_dir"])
    rag.store.save_local(str(save_dir))
    out["index_mb"] = dir_size_mb(save_dir)
    out["build_rss_mb"] = peak_rss_mb()
    del rag
    cold = run_worker("policyqa.eval.bench.baseline_cold",
                      {"save_dir": str(save_dir), "embedder": spec["embedder"], "query": queries[0],
                       "spawned_at": time.time()}, Limits(**spec.get("limits", {})))
    out.update(cold)
    return out


if __name__ == "__main__":
    worker_main(baseline)
