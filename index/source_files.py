"""Where each document's file was read from: ``<index>/sources.json`` (doc id → absolute path).

``Document.source_path`` holds only the file name, so an index can move between machines and never
leaks a user's folders into answers. A correction of a document's metadata (the 文库 tab, `policyqa docs
--set`) must still find the file, because it writes the file's sidecar ``<file>.meta.toml`` and
re-reads it: ``Library.ingest`` records the path here, ``Library.remove`` forgets it. A record is a
hint, checked by re-reading the file; a file that has moved since is reported, never guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from policyqa.index.persist import atomic_write_bytes

SOURCES_NAME = "sources.json"


def _path(root: Path) -> Path:
    return Path(root) / SOURCES_NAME


def recorded_sources(root: Path) -> dict[str, Path]:
    """Every recorded ``doc id → file``; empty when nothing is recorded or the record is unreadable
    (it is only a hint: a correction then reports that it cannot find the file)."""
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): Path(v) for k, v in data.items() if isinstance(v, str)}


def record_sources(root: Path, files: Mapping[str, Path]) -> None:
    """Add or replace the records for ``files`` (doc id → file), atomically."""
    if not files:
        return
    data = {k: str(v) for k, v in recorded_sources(root).items()}
    data.update({k: str(Path(v).resolve()) for k, v in files.items()})
    Path(root).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(_path(root), json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def forget_source(root: Path, doc_id: str) -> None:
    """Drop one document's record (after it is removed from the index)."""
    data = recorded_sources(root)
    if data.pop(doc_id, None) is not None:
        atomic_write_bytes(_path(root), json.dumps({k: str(v) for k, v in data.items()}, ensure_ascii=False,
                                                   indent=1, sort_keys=True).encode("utf-8"))
