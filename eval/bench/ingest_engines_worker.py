"""Worker process: ingest one folder into a fresh index with one embedder, timed.

Spec keys: ``folder``, ``embedder``, ``index_dir`` (must not exist: a fresh index has an empty
embedding cache, so every clause is embedded).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from policyqa.eval.bench.measure import peak_rss_mb, worker_main


def run(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.embedders import make_embedder
    from policyqa.index.library import Library

    root = Path(spec["index_dir"])
    if root.exists():
        raise ValueError(f"{root} exists: the ingest bench needs a fresh index (an empty embedding cache)")
    embedder = make_embedder(spec["embedder"])
    start = time.perf_counter()
    embedder.embed_query_array("warm up")  # loads (or builds) the model: reported apart
    model_load_s = time.perf_counter() - start
    library = Library(root, embedder)
    start, cpu = time.perf_counter(), time.process_time()
    outcome = library.ingest([Path(spec["folder"])], progress=False)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    library.close()
    report = outcome.added
    return {"engine_detail": getattr(embedder, "engine", embedder.name), "docs": len(report.added),
            "files_skipped": len(outcome.skipped), "clauses": report.clause_count,
            "clauses_embedded": report.clauses_embedded, "windows_embedded": report.windows_embedded,
            "ingest_s": round(seconds, 1), "main_process_cpu_s": round(cpu_seconds, 1),
            "clauses_per_s": round(report.clause_count / max(seconds, 1e-9), 2),
            "model_load_s": round(model_load_s, 2), "rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    worker_main(run)
