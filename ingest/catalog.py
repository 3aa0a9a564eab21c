"""Catalog metadata: ``catalog.toml`` next to the documents, and the bundled corpus that ships with us."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from policyqa.ingest.errors import IngestError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CATALOG_NAME = "catalog.toml"
# catalog.toml key -> Document field
_FIELDS = {"id": "doc_id", "title": "title", "issuer": "issuer", "province": "province", "city": "city",
           "district": "district", "level": "level", "date": "date", "type": "doc_type",
           "script": "script", "source": "source_note"}


def bundled_corpus_dir() -> Path:
    """The packaged ``corpus/`` directory: the five seed documents and their ``catalog.toml``."""
    from policyqa import corpus

    return Path(corpus.__file__).resolve().parent


def load_catalog(directory: Path | str) -> dict[str, dict[str, Any]]:
    """Document metadata from ``<directory>/catalog.toml``, keyed by file name.

    Args:
        directory: a folder; a missing catalog gives an empty dict.

    Returns:
        ``{"file.txt": {"doc_id": …, "title": …, "issuer": …, …}}`` — keyword arguments for
        ``ingest.model.Document`` without ``sha256`` (which comes from the text when it is read).

    Raises:
        IngestError: the catalog is not valid TOML, or an entry lacks ``id``, ``file`` or ``title``.
    """
    path = Path(directory) / CATALOG_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"invalid catalog: {exc}") from exc
    entries: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(data.get("documents", []), start=1):
        missing = [k for k in ("id", "file", "title") if not entry.get(k)]
        if missing:
            raise IngestError(path, f"documents entry {i} lacks {', '.join(missing)}")
        entries[str(entry["file"])] = {
            field: str(entry[key]) for key, field in _FIELDS.items() if key in entry}
    return entries
