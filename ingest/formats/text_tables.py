"""Duty tables written as text: markdown pipe tables (with or without their outer pipes), plain-text tables
whose columns are separated by tabs or runs of spaces (a table copied from a web page or a spreadsheet), and
tables copied one cell per line.

Only a block whose header names a task column and a unit column (:func:`tables.classify_header`) is a
table here, so prose never becomes one; any other block stays as written. A line that leaves the 序号
column empty continues the row above (a cell wrapped over lines, one unit per line).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.ingest.formats.tables import classify_header
from policyqa.ingest.normalize import to_simplified
from policyqa.ingest.responsibility import is_collective, looks_like_unit, split_units

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_BREAK = re.compile(r"<br\s*/?>", re.I)
# Two or more spaces (ASCII or ideographic), or one ideographic space between two non-spaces, or a tab.
_GAP = re.compile(r"\t| {2,}|[ \u3000]*\u3000[ \u3000]*")
_MAX_HEADER_CHARS = 200
_NUMBER = re.compile(r"^\s*[（(]?\d{1,3}[)）.、．]?\s*$")


@dataclass(frozen=True, slots=True)
class TextTable:
    """A duty table found in text: lines ``first`` to ``last - 1``, read as rows of cells."""

    first: int
    last: int
    rows: list[list[str]]


def find_duty_tables(lines: Sequence[str]) -> list[TextTable]:
    """The duty tables among ``lines`` (a text split at line ends), in order."""
    found: list[TextTable] = []
    i = 0
    while i < len(lines):
        if _PIPE_ROW.match(lines[i]) or _bare_pipe_header(lines, i):
            last = _pipe_end(lines, i)
            table = _pipe_table(lines, i, last)
            i = last  # a pipe block is one table or none: never read again from its second line
        else:
            table = _gap_table(lines, i) or _cell_table(lines, i)
            i = table.last if table else i + 1
        if table is not None:
            found.append(table)
    return found


def _bare_pipe_header(lines: Sequence[str], i: int) -> bool:
    """A markdown table written without its outer pipes (序号 | 任务 | 牵头单位, then ---|---|---)."""
    return "|" in lines[i] and i + 1 < len(lines) and "|" in lines[i + 1] and bool(_PIPE_RULE.match(lines[i + 1]))


def _pipe_end(lines: Sequence[str], first: int) -> int:
    last = first
    bare = not _PIPE_ROW.match(lines[first])
    while last < len(lines) and (_PIPE_ROW.match(lines[last]) or _PIPE_RULE.match(lines[last])
                                 or (bare and "|" in lines[last])):
        last += 1
    return last


def _pipe_table(lines: Sequence[str], first: int, last: int) -> TextTable | None:
    rows = [_pipe_cells(line) for line in lines[first:last] if not _PIPE_RULE.match(line)]
    if not _is_duty(rows):
        return None
    return TextTable(first, last, rows)


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [_BREAK.sub("\n", cell).replace("\\|", "|").strip() for cell in _PIPE_SPLIT.split(inner)]


def _gap_table(lines: Sequence[str], first: int) -> TextTable | None:
    """A header line split by tabs or runs of spaces that names duty columns, and the rows under it."""
    if len(lines[first]) > _MAX_HEADER_CHARS:
        return None  # a header row names a few columns; a long line is prose
    tabbed = "\t" in lines[first].strip()
    header = (list(enumerate(c.strip() for c in lines[first].strip().split("\t"))) if tabbed
              else _gap_cells(lines[first]))
    if len(header) < 2 or not _is_duty([[c for _, c in header], [""] * len(header)]):
        return None
    starts = [start for start, _ in header]
    width = len(header)
    number = _number_column([c for _, c in header])
    rows: list[list[str]] = [[c for _, c in header]]
    last = first + 1
    while last < len(lines) and lines[last].strip():
        line = lines[last]
        cells = line.strip().split("\t") if tabbed else None
        if cells is not None:
            if len(cells) > width:
                break  # more cells than the header names: not a row of this table
            row = [c.strip() for c in cells] + [""] * (width - len(cells))
        else:
            pieces = _gap_cells(line)
            if len(pieces) > width:
                break
            row = [""] * width
            for start, cell in pieces:
                col = min(range(width), key=lambda j: abs(starts[j] - start))
                row[col] = f"{row[col]}\n{cell}" if row[col] else cell
        if sum(bool(c) for c in row) == 1 and row[0] and not _NUMBER.match(row[0]):
            break  # a line of prose or a heading under the table: the table has ended
        continues = number is not None and len(rows) > 1 and not row[number]
        if continues:
            rows[-1] = [f"{a}\n{b}" if a and b else a or b for a, b in zip(rows[-1], row)]
        else:
            rows.append(row)
        last += 1
    if len(rows) < 2 or not _is_duty(rows):
        return None
    return TextTable(first, last, rows)


_MAX_COLUMN_NAME = 12  # characters of the longest column name written on a line of its own


def _cell_table(lines: Sequence[str], first: int) -> TextTable | None:
    """A table copied from a web page one cell per line: its column names on lines of their own (序号 /
    重点任务 / 牵头单位 / 配合单位), then each row as its number and its cells, one per line. A row runs to
    the next number in sequence; a row with fewer cells than columns leaves its last columns empty."""
    if _number_column([lines[first].strip()]) != 0:
        return None  # such a table opens with its 序号 column
    names: list[str] = []
    at = first
    while at < len(lines) and len(names) < 8:
        cell = lines[at].strip()
        if not cell or len(cell) > _MAX_COLUMN_NAME or _serial(cell) == 1:
            break
        names.append(cell)
        at += 1
    number = _number_column(names)
    header = classify_header([names, [""] * len(names)]) if number == 0 and len(names) >= 3 else None
    if header is None:
        return None
    units = set(header[0].lead + header[0].cooperating)
    rows: list[list[str]] = [names]
    serial, cells, last = 1, None, at
    for i in range(at, len(lines)):
        cell = lines[i].strip()
        if not cell:
            continue
        if _serial(cell) == serial:
            if cells is not None:
                rows.append(cells)
            cells, serial, last = [cell], serial + 1, i + 1
        elif cells is not None and len(cells) < len(names) and (len(cells) not in units or _names_units(cell)):
            cells.append(cell)
            last = i + 1
        else:
            break  # a line beyond the last row's cells: the table has ended
    if cells is not None:
        rows.append(cells)
    rows = [row + [""] * (len(names) - len(row)) for row in rows]
    if len(rows) < 2 or not _is_duty(rows):
        return None
    return TextTable(first, last, rows)


def _names_units(cell: str) -> bool:
    """Whether a cell lists units (区市场监管局、区税务局), as a unit column's cell does and a line of prose
    after the table does not."""
    names = split_units(cell)
    return bool(names) and not re.search(r"[。！？!?]", cell) \
        and all(looks_like_unit(n) or is_collective(n) for n in names)


def _serial(cell: str) -> int:
    match = _NUMBER.match(cell)
    return int(re.sub(r"\D", "", cell)) if match else -1


def _gap_cells(line: str) -> list[tuple[int, str]]:
    """The cells of a line split at gaps, each with the display column it starts at (CJK counts 2)."""
    cells: list[tuple[int, str]] = []
    column = 0
    for piece in _split_keep(line.rstrip()):
        if piece and not _GAP.fullmatch(piece) and piece.strip():
            cells.append((column, piece.strip()))
        column += _display_width(piece)
    return cells


def _split_keep(line: str) -> list[str]:
    pieces: list[str] = []
    last = 0
    for match in _GAP.finditer(line):
        pieces += [line[last:match.start()], match.group()]
        last = match.end()
    pieces.append(line[last:])
    return pieces


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.replace("\t", "    "))


def _number_column(names: Sequence[str]) -> int | None:
    for i, name in enumerate(names):
        if re.fullmatch(r"序号|编号|序列", to_simplified(re.sub(r"\s+", "", name))):
            return i
    return None


def _is_duty(rows: Sequence[Sequence[str]]) -> bool:
    return len(rows) >= 2 and classify_header(rows) is not None
