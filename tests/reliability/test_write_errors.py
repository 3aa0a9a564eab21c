"""A write that fails (disk full, file size limit, a failed rename) gives one clear line naming the
index and the problem, leaves the previous version serving exactly what it served, leaves no partial
files behind, and the next write, once there is room, completes.

The faults are the environment's, not ours: a small tmpfs (root only; skipped elsewhere), the
process's file size limit (RLIMIT_FSIZE, anywhere), and an OSError raised by ``os.replace``.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from rel_support import half_built, run_policyqa, snapshot, version_dirs

pytestmark = pytest.mark.slow


def _tmp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


def _assert_clear_failure(result: subprocess.CompletedProcess[str], root: Path, version: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("policyqa: error:")]
    assert len(lines) == 1, result.stderr[-2000:]
    assert str(root) in lines[0] and "could not write the new index version" in lines[0]
    assert f"still serves version {version}" in lines[0]


@pytest.fixture()
def small_fs(tmp_path: Path):  # noqa: ANN201
    """A 6 MB tmpfs: room for the corpus index (3.3 MB), not for a new version of the big corpus."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the RLIMIT_FSIZE test covers a full disk elsewhere")
    mnt = tmp_path / "small"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True,
                             text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_on_a_small_filesystem(hash_index_template: Path, big_corpus: Path, small_fs: Path) -> None:
    root = small_fs / "index"
    shutil.copytree(hash_index_template, root)
    before, dirs = snapshot(root), version_dirs(root)

    result = run_policyqa("ingest", str(big_corpus), "--index", str(root), "--embedder", "hash")
    _assert_clear_failure(result, root, before.current)
    assert "No space left on device" in result.stderr or "disk is full" in result.stderr, result.stderr[-800:]
    assert snapshot(root) == before
    assert not half_built(root, dirs) and not _tmp_files(root)  # the failed version was removed

    subprocess.run(["mount", "-o", "remount,size=128m", str(small_fs)], check=True)
    done = run_policyqa("ingest", str(big_corpus), "--index", str(root), "--embedder", "hash")
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(snapshot(root).documents) == len(before.documents) + 16


def test_file_size_limit_hit_while_writing(hash_index: Path, big_corpus: Path) -> None:
    """RLIMIT_FSIZE makes every write past the limit fail with EFBIG, as a full disk does."""
    before, dirs = snapshot(hash_index), version_dirs(hash_index)
    limit = max(p.stat().st_size for p in hash_index.rglob("*") if p.is_file()) + 64 * 1024

    def limit_file_size() -> None:  # runs in the child, before exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error return, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run_policyqa("ingest", str(big_corpus), "--index", str(hash_index), "--embedder", "hash",
                          preexec_fn=limit_file_size)
    _assert_clear_failure(result, hash_index, before.current)
    assert snapshot(hash_index) == before
    assert not half_built(hash_index, dirs) and not _tmp_files(hash_index)

    done = run_policyqa("ingest", str(big_corpus), "--index", str(hash_index), "--embedder", "hash")
    assert done.returncode == 0, done.stderr[-2000:]


def test_failed_commit_keeps_the_previous_version(hash_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The very last step, repointing CURRENT, fails: nothing changes, nothing is left behind."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.index.persist import CURRENT
    from policyqa.index.errors import IndexWriteError
    from policyqa.ingest.loaders import RawDocument
    from policyqa.ingest.pipeline import parse_raw

    doc = parse_raw(RawDocument(Path("hydrogen.txt"), "测试市氢能方案\n一、建设加氢站十座。（市能源局牵头）\n"))
    before, dirs = snapshot(hash_index), version_dirs(hash_index)
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == CURRENT:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        real_replace(src, dst)

    index = ClauseIndex.open(hash_index, HashEmbedder())
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(IndexWriteError, match=r"No space left on device.*still serves version v-"):
        index.add([doc], progress=False)
    monkeypatch.setattr(os, "replace", real_replace)

    assert index.version == before.current and "hydrogen" not in {i.document.doc_id for i in index.documents()}
    assert snapshot(hash_index) == before
    assert version_dirs(hash_index) == dirs and not _tmp_files(hash_index)
    assert index.add([doc], progress=False).added == ["hydrogen"]
    index.close()


def test_upload_on_a_full_disk_is_reported_in_the_page(hash_index: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The 文库 tab says why, keeps the index, and does not store the upload."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.qa.engine import QAEngine
    from policyqa.settings import Settings
    from policyqa.ui.app import AppState
    from policyqa.ui.tabs.library import upload_files
    from policyqa.index.uploads import stored_uploads

    settings = Settings(index=str(hash_index), embedder="hash")
    index = ClauseIndex.open(hash_index, HashEmbedder())
    state = AppState(engine=QAEngine(index, settings), settings=settings)
    before = snapshot(hash_index)
    upload = tmp_path / "incoming" / "氢能方案.txt"
    upload.parent.mkdir()
    upload.write_text("测试市氢能方案\n一、建设加氢站十座。（市能源局牵头）\n", encoding="utf-8")
    real_save = os.replace

    def full(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == "CURRENT":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        real_save(src, dst)

    monkeypatch.setattr(os, "replace", full)
    html = upload_files(state, [str(upload)], lambda *a, **k: None)
    monkeypatch.setattr(os, "replace", real_save)
    assert 'class="error"' in html and "No space left on device" in html and "still serves version" in html
    assert snapshot(hash_index) == before and stored_uploads(hash_index) == []
    index.close()
