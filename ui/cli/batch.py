"""The one reader of ``--batch`` JSON Lines files (search and ask): every line checked before any model loads."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from policyqa.errors import PolicyqaError


class BatchInputError(PolicyqaError):
    """A malformed line of a ``--batch`` file, printed as ``path:line: problem``."""


def read_batch(path: str, field: str) -> list[dict[str, Any]]:
    """Every non-blank line of ``path`` ('-' = stdin) as a JSON object with a non-empty string ``field``.

    Raises:
        BatchInputError: the file cannot be read, or a line is not such an object (names ``path:line``).
    """
    name = "<stdin>" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchInputError(f"{name}: cannot read: {exc}") from exc
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BatchInputError(f"{name}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get(field), str) or not record[field].strip():
            raise BatchInputError(f'{name}:{number}: expected an object with a non-empty "{field}" string')
        records.append({**record, "_line": number})
    return records
