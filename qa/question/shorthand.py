"""Short forms of policy vocabulary (GDP, 固投, 社零 …) and the words documents write instead.

A user asks for a city's GDP or 固投; its report writes 地区生产总值增长x% and 固定资产投资增长y%. Lexical evidence (coverage, missing terms) and BM25 see the written forms; the list is data
(``shorthand.toml`` beside this module), general usage only.

Example:
    >>> spelled_out("某市GDP规模")
    '某市地区生产总值规模'
    >>> written_forms("某县固投规模")
    ['固定资产投资']
    >>> short_forms_for("生产总值", "某市GDP总量")
    ['GDP']
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SHORTHAND_PATH = Path(__file__).resolve().parent / "shorthand.toml"


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """(pattern of the short form, written forms), longest short form first.

    Raises:
        ValueError: an entry without written forms (names the file).
    """
    data = tomllib.loads(SHORTHAND_PATH.read_text(encoding="utf-8"))
    out = []
    for short, written in data.get("terms", {}).items():
        forms = tuple(str(written).split())
        if not short or not forms:
            raise ValueError(f"{SHORTHAND_PATH}: bad entry {short!r} = {written!r}")
        # A Latin short form is a word of its own (AI, not the AI in MAIL).
        body = re.escape(short)
        pattern = rf"(?<![A-Za-z]){body}(?![A-Za-z])" if re.fullmatch(r"[A-Za-z&]+", short) else body
        out.append((re.compile(pattern, re.IGNORECASE), forms))
    return tuple(sorted(out, key=lambda entry: -len(entry[0].pattern)))


def written_forms(text: str) -> list[str]:
    """The written forms of the short forms ``text`` uses and does not already spell out."""
    found: list[str] = []
    for pattern, forms in _table():
        if pattern.search(text) and not any(f in text for f in forms):
            found += [f for f in forms if f not in found]
    return found


def spelled_out(text: str) -> str:
    """``text`` with each short form replaced by its first written form (for lexical evidence)."""
    for pattern, forms in _table():
        if not any(f in text for f in forms):
            text = pattern.sub(forms[0], text)
    return text


def short_forms_for(term: str, text: str) -> list[str]:
    """The short forms ``text`` uses (as written there) whose written forms hold ``term``: a document
    may write the short form itself (GDP总量), so a term spelled out from it is not missing there."""
    found: list[str] = []
    for pattern, forms in _table():
        m = pattern.search(text)
        if m and any(term in f for f in forms):
            found.append(m.group(0))
    return found


def written_or_short(missing: list[str], question: str, contains: Callable[[str], bool]) -> list[str]:
    """Of the terms missing from some text, those it does not hold as the question's short form either
    (a report writing GDP总量 holds the 生产总值 the question's GDP was spelled out to)."""
    return [t for t in missing if not any(contains(short) for short in short_forms_for(t, question))]
