"""Catalog metadata: ``catalog.toml`` next to the documents, and the bundled corpus that ships with us.

A catalog is one way of giving metadata (see :mod:`policyqa.ingest.metadata.given`): each
``[[documents]]`` entry names its ``file`` and any fields it wants to set; the rest is inferred from the
document. The bundled corpus's catalog is just such a file; nothing downstream depends on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policyqa.ingest.errors import IngestError
from policyqa.ingest.metadata.given import Given, complete_region, entry_fields, read_toml

CATALOG_NAME = "catalog.toml"


def bundled_corpus_dir() -> Path:
    """The packaged ``corpus/`` directory: the five seed documents and their ``catalog.toml``."""
    from policyqa import corpus

    return Path(corpus.__file__).resolve().parent


def load_catalog_fields(directory: Path | str) -> dict[str, Given]:
    """Fields each file's catalog entry gives, keyed by file name (relative to ``directory``).

    Args:
        directory: a folder; a missing catalog gives an empty dict.

    Returns:
        ``{"file.txt": {"title": ("…", "catalog"), …}}``.

    Raises:
        IngestError: the catalog is not valid TOML, an entry lacks ``file``, names an unknown field or
            a region not in the division table (the message names the catalog, the entry and the field).
    """
    path = Path(directory) / CATALOG_NAME
    if not path.is_file():
        return {}
    data = read_toml(path)
    entries: dict[str, Given] = {}
    for i, entry in enumerate(data.get("documents", []), start=1):
        if not isinstance(entry, dict) or not entry.get("file"):
            raise IngestError(path, f"documents entry {i} lacks file")
        where = Path(f"{path} (documents entry {i}, {entry['file']})")
        entries[str(entry["file"])] = complete_region(entry_fields(entry, where, "catalog", extra=("file",)))
    return entries


def load_catalog(directory: Path | str) -> dict[str, dict[str, Any]]:
    """Document fields from ``<directory>/catalog.toml``, keyed by file name, without their sources.

    Raises:
        IngestError: see :func:`load_catalog_fields`.
    """
    return {file: {name: value for name, (value, _source) in fields.items()}
            for file, fields in load_catalog_fields(directory).items()}
