"""Metadata a user gives: ``catalog.toml`` in a folder, or a sidecar ``<file>.meta.toml`` beside a file.

Both use the same keys (``id``, ``title``, ``issuer``, ``docnumber``, ``province``, ``city``, ``district``,
``level``, ``date``, ``type``, ``script``, ``source``; a catalog entry also names its ``file``) and override
what is inferred field by field — a sidecar over the catalog over the text. The region fields go
together: giving any of province / city / district replaces all three. A file that is not valid TOML,
a key we do not know, or a region the division table does not hold is an ``IngestError`` naming the
file and the field, raised before anything of that file is used.

Example sidecar ``合肥.txt.meta.toml``::

    title = "合肥市2024年政府工作报告"
    province = "安徽省"
    city = "合肥市"
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policyqa.ingest.errors import IngestError
from policyqa.ingest.metadata.divisions import LEVELS, division_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SIDECAR_SUFFIX = ".meta.toml"
# key in catalog.toml / a sidecar -> Document field
FIELDS = {"id": "doc_id", "title": "title", "issuer": "issuer", "docnumber": "docnumber",
          "province": "province", "city": "city", "district": "district", "level": "level", "date": "date",
          "type": "doc_type", "script": "script", "source": "source_note"}
REGION_FIELDS = ("province", "city", "district", "level")
# Keys a user may correct (the 文库 tab, `policyqa docs --set`); id, script, level and source stay as read.
EDITABLE = ("title", "issuer", "docnumber", "date", "type", "province", "city", "district")
_SCRIPTS = ("simplified", "traditional")
# As precise as the text allows, the same forms inference gives: 2024, 2024-01, 2024-01-29.
_DATE = re.compile(r"(?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")

Given = dict[str, tuple[str, str]]   # Document field -> (value, source)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables, or an ``IngestError`` naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise IngestError(path, f"invalid TOML: {exc}") from exc


def entry_fields(entry: dict[str, Any], path: Path, source: str, *, extra: tuple[str, ...] = ()) -> Given:
    """Validated Document fields of one catalog entry or sidecar.

    Raises:
        IngestError: an unknown key, a value that is not a string, an unknown script or level, or a
            region that is not in the division table; the message names ``path`` and the key.
    """
    fields: Given = {}
    for key, value in entry.items():
        if key in extra:
            continue
        if key not in FIELDS:
            known = ", ".join([*FIELDS, *extra])
            raise IngestError(path, f"unknown field {key!r} (known: {known})")
        if not isinstance(value, str):
            raise IngestError(path, f"field {key!r} must be a string, got {type(value).__name__}")
        fields[FIELDS[key]] = (value.strip(), source)
    _check_values(fields, path)
    return fields


def _check_values(fields: Given, path: Path) -> None:
    script = fields.get("script", ("simplified", ""))[0]
    if script not in _SCRIPTS:
        raise IngestError(path, f"field 'script' must be one of {', '.join(_SCRIPTS)}, got {script!r}")
    date = fields.get("date", ("", ""))[0]
    if date and not _DATE.fullmatch(date):
        raise IngestError(path, f"field 'date' must be YYYY, YYYY-MM or YYYY-MM-DD, got {date!r}")
    level = fields.get("level", ("", ""))[0]
    if level and level not in (*LEVELS, "national"):
        raise IngestError(path, f"field 'level' must be one of {', '.join(LEVELS)}, national; got {level!r}")
    names = [fields.get(name, ("", ""))[0] for name in ("province", "city", "district")]
    if any(names) and not _known_region(*names):
        bad = next(k for k, v in zip(("district", "city", "province"), names[::-1]) if v)
        raise IngestError(path, f"field {bad!r}: {''.join(names)} is not a region of the division table")


def _known_region(province: str, city: str, district: str) -> bool:
    table = division_table()
    if province:
        return table.place(province, city, district) is not None
    name = district or city
    return any(p.name == name and (not city or p.city == city) for p in table.lookup(name, full_only=True))


def complete_region(fields: Given) -> Given:
    """Given region fields with the rest filled in from the table (city 宿州市 → province 安徽省) and
    the level from the most specific name; the other region fields become empty."""
    if not any(name in fields for name in REGION_FIELDS[:3]):
        return fields
    source = next(fields[n][1] for n in REGION_FIELDS if n in fields)
    province, city, district = (fields.get(n, ("", ""))[0] for n in REGION_FIELDS[:3])
    if not province:
        place = next(iter(p for p in division_table().lookup(district or city, full_only=True)
                          if not city or p.city == city), None)
        if place is not None:
            province, city = place.province, place.city
    level = fields.get("level", ("", ""))[0] or ("district" if district else "city" if city else "province")
    done = dict(fields)
    for name, value in zip(REGION_FIELDS, (province, city, district, level)):
        done[name] = (value, fields[name][1] if name in fields else source)
    return done


def sidecar_path(file: Path) -> Path | None:
    """``<file>.meta.toml`` (合肥.txt.meta.toml), else ``<stem>.meta.toml`` (合肥.meta.toml), if either exists."""
    for candidate in (file.with_name(file.name + SIDECAR_SUFFIX), file.with_name(file.stem + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def load_sidecar(file: Path) -> Given:
    """The fields a file's sidecar gives (empty without one)."""
    path = sidecar_path(file)
    if path is None:
        return {}
    return complete_region(entry_fields(read_toml(path), path, "sidecar"))


def corrected_sidecar(file: Path, changes: Mapping[str, str]) -> tuple[Path, str]:
    """The file's sidecar with ``changes`` merged in: ``(where it goes, its new TOML text)``, validated.

    Keys the changes do not name are kept, comments too (``tomlkit`` round-trips the file). An empty
    value drops the key, so that field is inferred again. The region fields are one group, as when a
    sidecar is read: changing any of province / city / district replaces the three (and ``level``),
    and a city alone gets its province from the division table.

    Args:
        file: the document's file (its sidecar is ``<file>.meta.toml``, or an existing ``<stem>.meta.toml``).
        changes: sidecar keys (``EDITABLE``) to new values.

    Raises:
        IngestError: the existing sidecar is not valid TOML, a key is not editable, or the merged
            sidecar would not load (a region not in the division table, a malformed date); the
            message names the sidecar and the field. Nothing is written by this function.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = sidecar_path(file) or file.with_name(file.name + SIDECAR_SUFFIX)
    try:
        doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    except (TOMLKitError, UnicodeDecodeError, OSError) as exc:
        raise IngestError(path, f"invalid TOML: {exc}") from exc
    for key in changes:
        if key not in EDITABLE:
            raise IngestError(path, f"field {key!r} cannot be corrected (editable: {', '.join(EDITABLE)})")
    if any(key in changes for key in REGION_FIELDS[:3]):
        for key in REGION_FIELDS:
            doc.pop(key, None)
    for key, value in changes.items():
        value = value.strip()
        if value:
            doc[key] = value
        else:
            doc.pop(key, None)
    complete_region(entry_fields(doc.unwrap(), path, "sidecar"))
    return path, tomlkit.dumps(doc)
