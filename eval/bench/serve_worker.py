"""Worker process: cold start, then warm search / batch / ask latency on a built index, and serving RSS.

``python -m eval.bench.serve_worker SPEC.json OUT.json``; spec keys: ``index_dir``, ``embedder``,
``queries``, ``rounds``, ``spawned_at`` (the parent's ``time.time()`` just before it started us, so
the cold start includes the interpreter and every import, as a user's first ``policyqa ask`` does).
"""

from __future__ import annotations

import time

_T0 = time.time()  # before any heavy import

from pathlib import Path  # noqa: E402
from typing import Any, Callable, Sequence  # noqa: E402

from policyqa.eval.bench.measure import latency_summary, peak_rss_mb, worker_main  # noqa: E402


def forget_query_vectors(index: Any) -> None:
    """Empty ClauseIndex's query-vector LRU, so a repeated query pays for its embedding again.

    The issue asks for latency *with* query embedding; without this, rounds after the first would
    time a dict lookup. It is a private attribute: if it is renamed, the figures say so (``query_cache``).
    """
    cache = getattr(index, "_query_vectors", None)
    if cache is not None:
        cache.clear()


def _engine(index: Any) -> tuple[Any, str]:
    """QAEngine over the index, or None with the reason (the qa layer may not have landed yet)."""
    try:
        from policyqa.qa.engine import QAEngine
    except ImportError as exc:
        return None, f"qa.engine unavailable: {exc}"
    from policyqa.settings import Settings

    return QAEngine(index, Settings()), ""


def _timed(fn: Callable[[str], Any], queries: Sequence[str], rounds: int, index: Any) -> list[float]:
    ms = []
    for _ in range(rounds):
        for q in queries:
            forget_query_vectors(index)
            start = time.perf_counter()
            fn(q)
            ms.append((time.perf_counter() - start) * 1000.0)
    return ms


def serve(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import make_embedder

    queries: list[str] = spec["queries"]
    t_open = time.time()
    index = ClauseIndex.open(Path(spec["index_dir"]), make_embedder(spec["embedder"]))
    engine, why = _engine(index)
    t_search = time.time()
    index.search(queries[0], k=10)  # stores, tokenizer and model load here
    t_ask = time.time()
    if engine is not None:
        engine.ask(queries[0])      # what is left: the qa layer's own first-use cost
    done = time.time()
    out: dict[str, Any] = {
        "cold_start_s": round(done - float(spec.get("spawned_at", _T0)), 3),
        "cold_start_in_process_s": round(done - _T0, 3),
        "cold_imports_s": round(t_open - _T0, 3), "cold_open_s": round(t_search - t_open, 3),
        "cold_first_search_s": round(t_ask - t_search, 3), "cold_first_ask_s": round(done - t_ask, 3),
        "cold_start_op": "ask" if engine is not None else "search",
        "query_cache": "cleared before each query" if hasattr(index, "_query_vectors") else "none found",
        "queries": len(queries),
    }
    rounds = int(spec.get("rounds", 2))
    out.update(latency_summary(_timed(lambda q: index.search(q, k=10), queries, rounds, index), "search"))
    forget_query_vectors(index)
    start = time.perf_counter()
    index.search_many(queries, k=10)
    out["batch_qps"] = round(len(queries) / (time.perf_counter() - start), 2)
    if engine is not None:
        ask = latency_summary(_timed(engine.ask, queries, 1, index), "ask")
        out.update({k: v for k, v in ask.items() if not k.endswith("p99_ms")})
    else:
        out.update({"ask_p50_ms": None, "ask_p95_ms": None, "ask_skipped": why})
    out["rss_mb"] = peak_rss_mb()
    index.close()
    return out


if __name__ == "__main__":
    worker_main(serve)
