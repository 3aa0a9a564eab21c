"""Worker process: the naive pipeline's cold start — load the saved LangChain FAISS store, answer one query.

``python -m eval.bench.baseline_cold SPEC.json OUT.json``; spec keys: ``save_dir``, ``embedder``,
``query``, ``spawned_at`` (see ``serve_worker``).
"""

from __future__ import annotations

import time

_T0 = time.time()  # before any heavy import

from typing import Any  # noqa: E402

from policyqa.eval.bench.measure import peak_rss_mb, worker_main  # noqa: E402


def cold(spec: dict[str, Any]) -> dict[str, Any]:
    from langchain_community.vectorstores import FAISS

    from policyqa.index.embedders import make_embedder

    # The pickle is our own, written by the baseline worker a moment ago.
    store = FAISS.load_local(spec["save_dir"], make_embedder(spec["embedder"]),
                             allow_dangerous_deserialization=True)
    store.similarity_search(spec["query"], k=10)
    done = time.time()
    return {"cold_start_s": round(done - float(spec.get("spawned_at", _T0)), 3),
            "cold_start_in_process_s": round(done - _T0, 3), "rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    worker_main(cold)
