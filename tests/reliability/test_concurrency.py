"""Writers queue on the index's lock (and say for whom they wait, or give up clearly); a reader's
version is never collected under it; two ingests at once both land, neither corrupts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rel_support import run_policyqa, snapshot, start_policyqa, subprocess_env, version_dirs, write_big_corpus

pytestmark = pytest.mark.slow


def _ingest(paths: Path, root: Path, **env: str):  # noqa: ANN202 - Popen
    return start_policyqa("ingest", str(paths), "--index", str(root), "--embedder", "hash",
                          env=subprocess_env(**env))


def _wait_for(predicate, timeout: float = 120) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_two_ingests_at_once_queue_on_the_lock(hash_index: Path, tmp_path: Path) -> None:
    """Both writers start while a third holds the lock: both say whom they wait for, then both land."""
    import os

    from policyqa.index.persist import write_lock

    first = write_big_corpus(tmp_path / "first", docs=4, clauses=60, tag="甲")
    second = write_big_corpus(tmp_path / "second", docs=4, clauses=60, tag="乙")
    before = snapshot(hash_index)
    with write_lock(hash_index):
        procs = [_ingest(first, hash_index), _ingest(second, hash_index)]
        waiting = f"is being written by pid {os.getpid()}"
        stderr: list[list[str]] = [[], []]

        def read(i: int) -> None:
            for line in procs[i].stderr:  # type: ignore[union-attr]
                stderr[i].append(line.decode(errors="replace"))

        readers = [threading.Thread(target=read, args=(i,)) for i in range(2)]
        for t in readers:
            t.start()
        assert _wait_for(lambda: all(any(waiting in line for line in err) for err in stderr)), stderr
        time.sleep(1)  # still waiting a while later (no timeout by default), and nothing written
        assert all(p.poll() is None for p in procs)
        assert snapshot(hash_index) == before
    for i, proc in enumerate(procs):
        assert proc.wait(timeout=120) == 0, "".join(stderr[i])[-1500:]
        readers[i].join()
    after = snapshot(hash_index)
    new = {p.stem for p in first.glob("*.txt")} | {p.stem for p in second.glob("*.txt")}
    assert set(after.documents) == set(before.documents) | new
    assert len(version_dirs(hash_index)) == 2


def test_lock_timeout_fails_clearly_and_changes_nothing(hash_index: Path, tmp_path: Path) -> None:
    import os

    from policyqa.index.persist import write_lock

    doc = write_big_corpus(tmp_path / "doc", docs=1, clauses=5, tag="丙")
    before = snapshot(hash_index)
    with write_lock(hash_index):
        result = run_policyqa("ingest", str(doc), "--index", str(hash_index), "--embedder", "hash",
                              env=subprocess_env(POLICYQA_LOCK_TIMEOUT="0.5"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith("policyqa: error:")]
    assert len(error) == 1 and f"is being written by pid {os.getpid()}" in error[0]
    assert "gave up after 0.5 s" in error[0] and str(hash_index) in error[0]
    assert snapshot(hash_index) == before


def test_a_readers_version_is_never_collected_under_it(hash_index: Path, tmp_path: Path) -> None:
    """A server that has not searched since three writes went by still has every file of its version."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.ingest.pipeline import ingest_paths

    reader = ClauseIndex.open(hash_index, HashEmbedder())
    held = hash_index / reader.version
    files = sorted(p.relative_to(held) for p in held.rglob("*"))
    writer = ClauseIndex.open(hash_index, HashEmbedder())
    for n in range(3):
        writer.add(ingest_paths([write_big_corpus(tmp_path / f"w{n}", docs=1, clauses=5, tag=f"写{n}")]).parsed,
                   progress=False)
    assert sorted(p.relative_to(held) for p in held.rglob("*")) == files  # untouched, though not kept
    assert reader.context(reader.clauses()[3].clause_id)  # the old version still answers…
    assert reader.search("冷链物流")  # …and a search follows CURRENT to the newest one
    assert len(reader.documents()) == len(snapshot(hash_index).documents)
    writer.add(ingest_paths([write_big_corpus(tmp_path / "w9", docs=1, clauses=5, tag="写9")]).parsed,
               progress=False)
    assert not held.exists()  # released, so the next write collects it
    reader.close()
    writer.close()
