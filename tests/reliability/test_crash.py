"""``kill -9`` during ingest, removal and the web app's re-index: the previous index stays readable
and unchanged, and the next write completes (and collects the half-built version).

Each kill is aimed: the test watches the index directory and kills the real `policyqa` process the
moment a new version directory without a manifest appears, i.e. while the build is under way. One
test also kills at spread-out moments of a whole run, where the only promise is: CURRENT names a
complete version holding either the old or the new documents.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from rel_support import (
    browser_page,
    half_built,
    kill_when,
    run_policyqa,
    running_serve,
    snapshot,
    start_policyqa,
    version_dirs,
    write_big_corpus,
)

pytestmark = pytest.mark.slow


def _ingest_args(paths: Path, root: Path) -> tuple[str, ...]:
    return ("ingest", str(paths), "--index", str(root), "--embedder", "hash")


def test_kill_9_during_cli_ingest(hash_index: Path, big_corpus: Path) -> None:
    before, dirs = snapshot(hash_index), version_dirs(hash_index)
    proc = start_policyqa(*_ingest_args(big_corpus, hash_index))
    assert kill_when(proc, lambda: bool(half_built(hash_index, dirs))), proc.stderr.read().decode()[-2000:]

    assert half_built(hash_index, dirs), "the kill landed inside the build"
    assert snapshot(hash_index) == before  # same version, documents and hits

    done = run_policyqa(*_ingest_args(big_corpus, hash_index))
    assert done.returncode == 0, done.stderr[-2000:]
    after = snapshot(hash_index)
    assert set(after.documents) == set(before.documents) | {p.stem for p in big_corpus.glob("*.txt")}
    assert not half_built(hash_index, dirs) and len(version_dirs(hash_index)) == 2  # garbage collected


def test_kill_9_at_any_moment_leaves_old_or_new(hash_index: Path, big_corpus: Path, tmp_path: Path) -> None:
    """Kills spread over a whole ingest (incl. the commit): never a third, broken state."""
    reference = tmp_path / "reference"
    shutil.copytree(hash_index, reference)
    started = time.monotonic()
    assert run_policyqa(*_ingest_args(big_corpus, reference)).returncode == 0
    duration = time.monotonic() - started
    old, new = snapshot(hash_index).documents, snapshot(reference).documents

    outcomes = []
    for fraction in (0.5, 0.95, 1.1):
        copy = tmp_path / f"kill-{fraction}"
        shutil.copytree(hash_index, copy)
        proc = start_policyqa(*_ingest_args(big_corpus, copy))
        deadline = time.monotonic() + duration * fraction
        kill_when(proc, lambda: time.monotonic() >= deadline)
        seen = snapshot(copy)  # opens, lists and searches: raises on a broken index
        assert seen.documents in (old, new), fraction
        outcomes.append(seen.documents == new)
        done = run_policyqa(*_ingest_args(big_corpus, copy))
        assert done.returncode == 0 and snapshot(copy).documents == new, done.stderr[-2000:]
    print(f"kill -9 at 50/95/110% of a {duration:.1f} s ingest: new version committed = {outcomes}")


def test_kill_9_during_removal(hash_index: Path, tmp_path: Path) -> None:
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.ingest.pipeline import ingest_paths

    extra = write_big_corpus(tmp_path / "extra", docs=16, clauses=150, tag="删")
    writer = ClauseIndex.open(hash_index, HashEmbedder())
    writer.add(ingest_paths([extra]).parsed, progress=False)
    writer.close()
    before, dirs = snapshot(hash_index), version_dirs(hash_index)
    victim = "plan删_000"
    assert victim in before.documents

    proc = start_policyqa("remove", victim, "--index", str(hash_index), "--embedder", "hash")
    assert kill_when(proc, lambda: bool(half_built(hash_index, dirs))), proc.stderr.read().decode()[-2000:]
    assert snapshot(hash_index) == before

    done = run_policyqa("remove", victim, "--index", str(hash_index), "--embedder", "hash")
    assert done.returncode == 0, done.stderr
    assert snapshot(hash_index).documents == tuple(d for d in before.documents if d != victim)
    assert not half_built(hash_index, dirs)


@pytest.mark.browser
def test_kill_9_during_reindex_from_the_web_app(hash_index: Path, tmp_path: Path) -> None:
    """The 文库 tab's 重建索引 button, clicked in a real browser; the server is killed mid-build."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.index.uploads import uploads_dir

    # Stored uploads the index does not hold yet: the re-index has real work to do.
    stored = write_big_corpus(uploads_dir(hash_index), docs=12, clauses=150, tag="重")
    before, dirs = snapshot(hash_index), version_dirs(hash_index)
    with running_serve(hash_index, tmp_path / "serve.log", "--embedder", "hash") as (url, proc):
        with browser_page(url) as page:
            page.get_by_role("tab", name="文库", exact=True).click()
            page.click("#library-reindex")
            assert kill_when(proc, lambda: bool(half_built(hash_index, dirs)), timeout=120), \
                (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
    assert snapshot(hash_index) == before

    # The next write completes (the same files, through the CLI) and collects the half-built version.
    index = ClauseIndex.open(hash_index, HashEmbedder())
    done = run_policyqa("ingest", str(stored), "--index", str(hash_index), "--embedder", "hash")
    assert done.returncode == 0, done.stderr[-2000:]
    index.search("冷链物流")  # the reader follows CURRENT
    assert len(index.documents()) == len(before.documents) + 12
    assert not half_built(hash_index, dirs)
    index.close()
