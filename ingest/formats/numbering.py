"""Word auto-numbering (``w:numPr``) rendered as the text a reader sees: ``一、`` ``（一）`` ``1.`` ….

Reads ``numbering.xml``: each ``w:abstractNum`` gives per level (``w:ilvl``) a start value, a format
(``w:numFmt``: decimal, chineseCounting, ideographTraditional, decimalEnclosedCircle, …) and a pattern
(``w:lvlText`` such as ``%1、`` or ``（%2）``); each ``w:num`` points at one and may restart levels
(``w:lvlOverride/w:startOverride``). Counters run per abstract list, as Word shows them: a new ``w:num``
without an override continues the list; a deeper level restarts when a shallower one advances.
A paragraph's numbering comes from its own ``w:pPr/w:numPr`` or from its style's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyqa.ingest.structure import int_to_cn

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True, slots=True)
class Level:
    """One level of an abstract list."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"            # what Word puts after the number: tab / space / nothing
    legal: bool = False            # w:isLgl: every level shown as decimal
    restart: int | None = None     # w:lvlRestart: restart after this (1-based) level only; 0 never


@dataclass(slots=True)
class Numbering:
    """The lists of one document and their running counters."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)      # abstractNumId -> ilvl -> Level
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId -> (abstract, overrides)
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)      # styleId -> (numId, ilvl)
    _counters: dict[str, dict[int, int]] = field(default_factory=dict)
    _started: set[str] = field(default_factory=set)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list of ``num_id`` at ``ilvl`` and return the rendered label, '' if none."""
        if num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        counters = self._counters.setdefault(abstract, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
                _clear_below(counters, lvl)
        level = levels.get(ilvl, Level())
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, Level()).restart
            if restart is None or (restart and ilvl < restart):
                del counters[deeper]
        return render(level, levels, counters, ilvl)


def _clear_below(counters: dict[int, int], ilvl: int) -> None:
    for deeper in [k for k in counters if k > ilvl]:
        del counters[deeper]


def render(level: Level, levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
    """``level.text`` with each ``%n`` replaced by level ``n - 1``'s counter in that level's format."""
    if level.fmt == "none":
        return ""
    out = level.text
    for n in range(9, 0, -1):
        token = f"%{n}"
        if token in out:
            other = levels.get(n - 1, Level())
            value = counters.get(n - 1, other.start)
            fmt = "decimal" if level.legal and n - 1 != ilvl else other.fmt
            out = out.replace(token, format_number(value, fmt))
    if out and level.suffix != "nothing" and out[-1] not in "、）)．.:：":
        out += " "
    return out


def format_number(value: int, fmt: str) -> str:
    """A counter value in a Word number format (unknown formats fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):
        return int_to_cn(value) if 0 < value < 1000 else str(value)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(ord("①") + value - 1)
    if fmt in ("ideographTraditional",) and 1 <= value <= 10:
        return _TIANGAN[value - 1]
    if fmt in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and value > 0:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(value))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "bullet":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in _ROMAN:
        while value >= number:
            out += letters
            value -= number
    return out


def read_numbering(document: Any) -> Numbering:
    """The lists of a python-docx ``Document`` (empty when it has no numbering part)."""
    numbering = Numbering()
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return numbering
    for abstract in root.iter(f"{_W}abstractNum"):
        numbering.levels[abstract.get(f"{_W}abstractNumId")] = {
            int(lvl.get(f"{_W}ilvl", "0")): _level(lvl) for lvl in abstract.iter(f"{_W}lvl")}
    for num in root.iter(f"{_W}num"):
        abstract_id = _val(num.find(f"{_W}abstractNumId"))
        overrides = {}
        for override in num.iter(f"{_W}lvlOverride"):
            start = override.find(f"{_W}startOverride")
            if start is not None:
                overrides[int(override.get(f"{_W}ilvl", "0"))] = int(_val(start) or 1)
        numbering.nums[num.get(f"{_W}numId")] = (abstract_id or "", overrides)
    numbering.styles = _style_numbering(document)
    return numbering


def _level(lvl: Any) -> Level:
    restart = _val(lvl.find(f"{_W}lvlRestart"))
    return Level(start=int(_val(lvl.find(f"{_W}start")) or 1),
                 fmt=_val(lvl.find(f"{_W}numFmt")) or "decimal",
                 text=_val(lvl.find(f"{_W}lvlText")) or "",
                 suffix=_val(lvl.find(f"{_W}suff")) or "tab",
                 legal=lvl.find(f"{_W}isLgl") is not None,
                 restart=int(restart) if restart is not None else None)


def _style_numbering(document: Any) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    try:
        styles = document.styles.element
    except (KeyError, AttributeError):
        return out
    for style in styles.iter(f"{_W}style"):
        num_pr = style.find(f"{_W}pPr/{_W}numPr")
        if num_pr is not None and num_pr.find(f"{_W}numId") is not None:
            out[style.get(f"{_W}styleId")] = (_val(num_pr.find(f"{_W}numId")) or "",
                                              int(_val(num_pr.find(f"{_W}ilvl")) or 0))
    return out


def paragraph_label(paragraph: Any, numbering: Numbering) -> str:
    """The rendered number of a python-docx ``Paragraph``, '' when it is not numbered."""
    p_pr = paragraph._p.pPr
    num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
    style_id = p_pr.find(f"{_W}pStyle") if p_pr is not None else None
    num_id, ilvl = "", 0
    if style_id is not None and _val(style_id) in numbering.styles:
        num_id, ilvl = numbering.styles[_val(style_id) or ""]
    if num_pr is not None:
        num_id = _val(num_pr.find(f"{_W}numId")) or num_id
        ilvl = int(_val(num_pr.find(f"{_W}ilvl")) or ilvl)
    if not num_id or num_id == "0":
        return ""
    return numbering.label(num_id, ilvl)


def _val(element: Any) -> str | None:
    return None if element is None else element.get(f"{_W}val")
