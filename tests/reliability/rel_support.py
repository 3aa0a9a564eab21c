"""Helpers of the reliability tests: the real `policyqa` CLI and server in subprocesses, snapshots of
what a reader sees, aimed kills, big generated corpora. (A module of its own, because every conftest
is imported as "conftest".)

Most tests here use an index of the bundled corpus built with the HashEmbedder (deterministic, NOT
semantic): they are about data surviving faults, locks and load, not about relevance, and it keeps
a build cheap enough to repeat. The serve load test uses the real seed index and embedder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
QUERIES = ("冷链物流", "干部挂职交流", "产业合作园区", "教育医疗合作")


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: our worktree first on the path, no POLICYQA_* of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost")
    env.update(extra)
    return env


def policyqa_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "policyqa.ui.cli", *args]


def run_policyqa(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
                 **popen: object) -> subprocess.CompletedProcess[str]:
    """Run the real CLI to completion; returns the process with text stdout and stderr."""
    return subprocess.run(policyqa_cmd(*args), cwd=ROOT, env=env or subprocess_env(), capture_output=True,
                          text=True, timeout=timeout, **popen)  # type: ignore[call-overload]


def start_policyqa(*args: str, env: dict[str, str] | None = None, **popen: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(policyqa_cmd(*args), cwd=ROOT, env=env or subprocess_env(),  # type: ignore[call-overload]
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def write_big_corpus(dest: Path, *, docs: int, clauses: int, tag: str = "") -> Path:
    """``docs`` numbered plans of ``clauses`` clauses each, distinct text, as .txt files in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for d in range(docs):
        lines = [f"测试{tag}市第{d}号产业协作工作方案", "一、重点任务"]
        for c in range(1, clauses + 1):
            lines.append(f"{c}.推进第{d}号园区第{c}项{tag}合作任务，建设数字经济与冷链物流项目。"
                         f"（{tag}市第{c % 17}局牵头，市第{c % 13}委配合）")
        (dest / f"plan{tag}_{d:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


@dataclass(frozen=True)
class Snapshot:
    """What a reader sees: the version CURRENT names, the documents, and the top hits of a few queries."""

    current: str
    documents: tuple[str, ...]
    hits: tuple[tuple[tuple[str, float], ...], ...]


def snapshot(root: Path) -> Snapshot:
    """Open the index as a fresh reader would and record what it answers (fails if it cannot)."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.index.persist import CURRENT

    index = ClauseIndex.open(root, HashEmbedder())
    try:
        hits = tuple(tuple((h.clause.clause_id, round(h.score, 6)) for h in index.search(q, k=5)) for q in QUERIES)
        assert all(hits), "every query finds clauses in a readable index"
        docs = tuple(sorted(i.document.doc_id for i in index.documents()))
        assert sum(i.clause_count for i in index.documents()) == index.manifest.clause_count == len(index.clauses())
        return Snapshot((root / CURRENT).read_text().strip(), docs, hits)
    finally:
        index.close()


def version_dirs(root: Path) -> set[str]:
    return {p.name for p in root.glob("v-*") if p.is_dir()}


def half_built(root: Path, before: set[str]) -> list[str]:
    """Version directories created since ``before`` that have no manifest yet (a build in progress)."""
    return sorted(n for n in version_dirs(root) - before if not (root / n / "manifest.json").exists())


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], *, timeout: float = 240) -> bool:
    """``kill -9`` the process as soon as ``ready()`` holds; False if it exited (or timed out) first."""
    deadline = time.monotonic() + timeout
    fired = False
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            fired = True
            break
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return fired and proc.returncode == -signal.SIGKILL


# As in tests/ui/conftest.py: Debian's chromium, never a downloaded build, told not to phone home.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_serve(index_dir: Path, log: Path, *flags: str, env: dict[str, str] | None = None,
                  timeout: float = 300) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`policyqa serve --index DIR --port <free> [flags…]` in a subprocess; yields (URL, process)."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(policyqa_cmd("serve", "--index", str(index_dir), "--port", str(port), *flags),
                                cwd=ROOT, env=env or subprocess_env(), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log, timeout)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"policyqa serve exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # 401: up, behind a login
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"policyqa serve did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def browser_page(url: str) -> Iterator[object]:
    """A headless chromium page on ``url``, loaded; skips where chromium or playwright is missing."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("#search-query textarea")
            yield page
        finally:
            browser.close()
