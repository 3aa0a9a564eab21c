"""Measuring helpers: percentiles, sizes on disk, peak RSS, and subprocess workers under a memory watchdog.

Every corpus size is measured in its own processes (build, serve, baseline), so one size's memory and
warm caches never pollute the next one's figures, and a runaway size can be killed without losing the run.
"""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

log = logging.getLogger(__name__)

_POLL_S = 0.25


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation, as numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def stride_sample(items: Sequence[str], n: int) -> list[str]:
    """``n`` items at an even stride (the whole list when shorter): the same sample every run."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def latency_summary(ms: Sequence[float], prefix: str) -> dict[str, float]:
    """``{prefix}_p50_ms``, ``_p95_ms``, ``_p99_ms`` rounded to 0.01 ms."""
    return {f"{prefix}_p{q}_ms": round(percentile(ms, q), 2) for q in (50, 95, 99)}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def dir_size_mb(path: Path, *, exclude: Sequence[str] = ()) -> float:
    """Bytes of every file under ``path`` (not following links), in MB; ``exclude`` names skipped files."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            if name not in exclude:
                total += os.lstat(os.path.join(root, name)).st_size
    return round(total / 1e6, 1)


def load_average() -> float:
    """1-minute load average: the figures mean little when other jobs share the 2 cores."""
    return round(os.getloadavg()[0], 2)


@dataclass(frozen=True)
class Limits:
    """What a worker process may use before it is killed and its run marked ``skipped``."""

    max_rss_gb: float = 10.0
    timeout_s: float = 1800.0


class WorkerFailed(RuntimeError):
    """A worker was killed (memory, time) or exited non-zero; ``reason`` goes into the output."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def run_worker(module: str, spec: dict[str, Any], limits: Limits, *,
               env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m module SPEC OUT`` and return the JSON it wrote to OUT.

    The parent polls the child's RSS (children included) and kills it past ``limits`` — the machine
    is shared, and a 1M-clause build can otherwise eat everyone's memory.

    Raises:
        WorkerFailed: the worker was killed or failed; the message says why (stderr tail included).
    """
    import psutil

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-io-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        err_path = Path(tmp) / "stderr.txt"
        with open(err_path, "wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", module, str(spec_path), str(out_path)],
                                    stdout=subprocess.DEVNULL, stderr=err,
                                    env={**os.environ, **(env or {})})
            reason = _watch(proc, psutil.Process(proc.pid), limits)
        if reason is None and proc.returncode < 0:
            reason = f"worker killed by signal {-proc.returncode} (from outside the bench)"
        elif reason is None and proc.returncode != 0:
            tail = err_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            reason = f"worker exited {proc.returncode}: " + " | ".join(tail)
        if reason is not None:
            raise WorkerFailed(reason)
        return json.loads(out_path.read_text(encoding="utf-8"))


def _watch(proc: subprocess.Popen, ps: Any, limits: Limits) -> str | None:
    import psutil

    start, limit = time.monotonic(), limits.max_rss_gb * 1e9
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
        except psutil.Error:
            rss = 0  # exited between poll() and memory_info()
        reason = None
        if rss > limit:
            reason = f"killed: RSS {rss / 1e9:.1f} GB exceeded the {limits.max_rss_gb:g} GB limit"
        elif time.monotonic() - start > limits.timeout_s:
            reason = f"killed: still running after {limits.timeout_s / 60:.0f} min (time limit)"
        if reason:
            for child in ps.children(recursive=True):
                child.kill()
            proc.kill()
            proc.wait()
            return reason
        time.sleep(_POLL_S)
    return None


def worker_main(fn: Any) -> None:
    """Entry point of a worker module: ``fn(spec) -> dict`` with ``argv = [SPEC, OUT]``."""
    logging.basicConfig(level=logging.WARNING)
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    result = fn(spec)
    Path(sys.argv[2]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
