"""`policyqa serve` under load: 8 clients × 200 questions through the Gradio queue (the `chat` API),
with a `policyqa ingest` into the served index half-way. No request fails; every reader sees the old
state or the new one, never a broken one, and the server follows the new one from then on.

Latency is reported (printed, and written to ``artifacts/reliability/serve_load.json``), never
asserted. Uses the real seed index and the real default embedder, as a user's server would.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import statistics
import threading
import time
from pathlib import Path

import pytest

from rel_support import ROOT, run_policyqa, running_serve

pytestmark = pytest.mark.slow

CLIENTS, QUESTIONS_EACH = 8, 200
NEW_DOC = ("测试市氢能重卡示范工作方案\n一、推广氢能重卡\n1.建设加氢站十座，覆盖主要物流园区。（市能源局牵头，市交通运输局配合）\n"
           "2.开通氢能重卡干线物流线路五条。（市交通运输局牵头）\n")
PROBE = "加氢站"


@pytest.fixture(scope="module")
def served(seed_index, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """(url, process, index dir) of `policyqa serve` on a private copy of the seed index."""
    root = tmp_path_factory.mktemp("load") / "index"
    shutil.copytree(seed_index.path, root, ignore=shutil.ignore_patterns(".write.lock"))
    with running_serve(root, root.parent / "serve.log") as (url, proc):
        yield url, proc, root


def test_server_listens_on_loopback_only(served) -> None:  # noqa: ANN001
    psutil = pytest.importorskip("psutil")
    _, proc, _ = served
    listening = [c.laddr for c in psutil.Process(proc.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(ipaddress.ip_address(a.ip).is_loopback for a in listening), listening


def _questions() -> list[str]:
    lines = (ROOT / "eval" / "testsets" / "seed.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def test_eight_clients_while_an_ingest_lands(served, tmp_path: Path) -> None:  # noqa: ANN001
    from gradio_client import Client

    url, _, root = served
    questions = _questions()
    latencies: list[float] = []
    timeline: list[tuple[float, float]] = []  # (start, latency) of every answered request
    failures: list[str] = []
    probe_seen: list[bool] = []  # did the probe search find the new document, in order
    done = threading.Event()
    lock = threading.Lock()

    def client(n: int) -> None:
        api = Client(url, verbose=False)
        for i in range(QUESTIONS_EACH):
            question = questions[(n * 37 + i) % len(questions)]
            started = time.perf_counter()
            try:
                answer = api.predict(message=question, api_name="/chat")
                assert isinstance(answer, dict) and ("citations" in answer) and answer["question"] == question
            except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
                with lock:
                    failures.append(f"client {n} q{i}: {type(exc).__name__}: {exc}"[:300])
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                timeline.append((started, latencies[-1]))

    def probe() -> None:
        api = Client(url, verbose=False)
        while not done.is_set():
            try:
                hits = api.predict(query=PROBE, k=3, api_name="/search")
                probe_seen.append(any("氢能重卡" in h["doc_title"] for h in hits))
            except Exception as exc:  # noqa: BLE001
                failures.append(f"probe: {type(exc).__name__}: {exc}"[:300])
            time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    watcher = threading.Thread(target=probe)
    started = time.perf_counter()
    for t in (*threads, watcher):
        t.start()
    while len(latencies) < CLIENTS * QUESTIONS_EACH // 4 and any(t.is_alive() for t in threads):
        time.sleep(0.2)
    doc = tmp_path / "氢能重卡示范方案.txt"
    doc.write_text(NEW_DOC, encoding="utf-8")
    ingest_started = time.perf_counter()
    ingest = run_policyqa("ingest", str(doc), "--index", str(root))
    ingest_done = time.perf_counter()
    answered_before_ingest_done = len(latencies)
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done.set()
    watcher.join()

    report = _report(latencies, wall, failures, answered_before_ingest_done)
    report["phases"] = {  # where the tail comes from: the first (cold) requests, or the ingest
        "first_100": _percentiles([lat for _, lat in sorted(timeline)[:100]]),
        "during_ingest": _percentiles([lat for t, lat in timeline if ingest_started <= t <= ingest_done]),
        "after_ingest": _percentiles([lat for t, lat in timeline if t > ingest_done]),
        "ingest_s": round(ingest_done - ingest_started, 1)}
    print("\nserve load:", json.dumps(report, ensure_ascii=False))
    out = ROOT / "artifacts" / "reliability"
    out.mkdir(parents=True, exist_ok=True)
    (out / "serve_load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert not failures, failures[:5]
    assert len(latencies) == CLIENTS * QUESTIONS_EACH
    assert answered_before_ingest_done < len(latencies)  # the ingest landed while clients were asking
    # Old state, then the new one for good: never a flip back, never a broken read in between.
    assert probe_seen and probe_seen[-1], probe_seen
    first_new = probe_seen.index(True)
    assert all(probe_seen[first_new:]), probe_seen


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    if not ms:
        return {"n": 0}

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 1)

    return {"n": len(ms), "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "max": pct(1.0),
            "mean": round(statistics.fmean(ms), 1)}


def _report(latencies: list[float], wall: float, failures: list[str], during: int) -> dict[str, object]:
    return {"clients": CLIENTS, "questions_each": QUESTIONS_EACH, "answered": len(latencies),
            "failed": len(failures), "wall_s": round(wall, 1),
            "throughput_per_s": round(len(latencies) / wall, 2) if wall else 0.0,
            "latency_ms": _percentiles(latencies), "answered_when_ingest_finished": during}
