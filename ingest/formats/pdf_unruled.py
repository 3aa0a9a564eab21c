"""Unruled duty tables in PDFs: a 分工表 laid out in columns by alignment alone, no line drawn.

pdfplumber's line strategy sees no table there, and its text strategy (``vertical_strategy="text"``) sees
one in any page of aligned text, prose included. So a table is looked for only under a text row whose
cells name duty columns (:func:`tables.classify_header`: a task and a 牵头/责任 column). From that header
down, the table lasts while every word stays inside one column (a prose line runs across the gaps between
the header's cells) and no gap opens wider than a few rows (a page number under the table). pdfplumber's
text strategy then cuts that region into cells. A row whose 序号 (or first) cell is empty continues the
row above: a cell wrapped over lines. A table that runs to the foot of its page carries its columns to the
next page, whose first aligned rows continue it (with or without a repeated header).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policyqa.ingest.formats.tables import classify_header

_SAME_ROW = 2.0          # words whose tops differ by less (pt) stand on one text row
_CELL_GAP = 1.0          # words closer than this many character sizes are one header cell
_MAX_ROW_GAP = 3.0       # a vertical gap over this many row heights ends the table
_HEADER_PIECE = 4        # characters of a header cell's wrapped remainder (号 of 序号, 单位 of 牵头单位)
_TOP_ZONE = 0.12         # share of the page height where a running header may stand above a continuation
_UNIT_HEADER = re.compile(r"牵头|主办|主责|责任|负责")
_TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 2}


@dataclass(frozen=True, slots=True)
class Columns:
    """An unruled table's header cells: their texts and x extents, left to right."""

    names: tuple[str, ...]
    spans: tuple[tuple[float, float], ...]
    bounds: tuple[float, ...] = ()   # x where each column but the first begins, from the rows under it

    def gaps(self) -> list[tuple[float, float]]:
        """The open space between neighbouring header cells; a word covering one crosses a column."""
        return [(self.spans[i][1], self.spans[i + 1][0]) for i in range(len(self.spans) - 1)]


@dataclass(frozen=True, slots=True)
class UnruledTable:
    """Rows of cells (a header row first when the page shows one) and the region they came from."""

    rows: list[list[str]]
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class _Row:
    words: list[dict[str, Any]]
    top: float
    bottom: float


def unruled_tables(page: Any, carry: Columns | None = None) -> tuple[list[UnruledTable], Columns | None]:
    """The unruled duty tables of a page, and the columns of the last one when it runs to the page's foot.

    Args:
        page: a pdfplumber page without ruled tables.
        carry: the columns of a table that ran to the foot of the page before.
    """
    if not carry and not _UNIT_HEADER.search("".join(c["text"] for c in page.chars)):
        return [], None  # no header can name a unit column here: spare the word extraction
    rows = _text_rows(page.extract_words(keep_blank_chars=False, use_text_flow=False))
    if not rows:
        return [], None
    found: list[UnruledTable] = []
    next_carry: Columns | None = None
    i = 0
    start = _continuation(rows, carry, page.height) if carry else None
    if start is not None and _header(rows[start]) is not None:
        start = None  # the header repeated on this page: read as a table of its own, merged later
    while i < len(rows):
        if start is not None and carry is not None:
            columns, first, header = carry, start, False
            start = None
        else:
            columns = _header(rows[i])
            if columns is None:
                i += 1
                continue
            first, header = i, True
        last = _table_end(rows, first + 1, columns)
        if header:
            columns = _with_bounds(columns, rows[first + 1:last])
        table = _extract(page, rows, first, last, columns, header)
        if table is not None:
            found.append(table)
            next_carry = columns if last == len(rows) or _gap_ends(rows, last) else None
        i = last
    return found, next_carry


def _text_rows(words: Sequence[dict[str, Any]]) -> list[_Row]:
    rows: list[_Row] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if rows and abs(word["top"] - rows[-1].top) < _SAME_ROW:
            row = rows[-1]
            rows[-1] = _Row(row.words + [word], row.top, max(row.bottom, word["bottom"]))
        else:
            rows.append(_Row([word], word["top"], word["bottom"]))
    return [_Row(sorted(r.words, key=lambda w: w["x0"]), r.top, r.bottom) for r in rows]


def _header(row: _Row) -> Columns | None:
    """The row's cells when they name duty columns (at least three of them)."""
    cells: list[tuple[str, float, float]] = []
    for word in row.words:
        size = word["bottom"] - word["top"]
        if cells and word["x0"] - cells[-1][2] < _CELL_GAP * size:
            text, x0, _ = cells[-1]
            cells[-1] = (text + word["text"], x0, word["x1"])
        else:
            cells.append((word["text"], word["x0"], word["x1"]))
    if len(cells) < 3:
        return None
    names = tuple(c[0] for c in cells)
    if classify_header([list(names), [""] * len(names)]) is None:
        return None
    return Columns(names, tuple((c[1], c[2]) for c in cells))


def _fits(row: _Row, columns: Columns) -> bool:
    """Whether every word of the row stays inside one column: none covers a gap between header cells."""
    return not any(w["x0"] <= left and w["x1"] >= right for w in row.words for left, right in columns.gaps())


def _table_end(rows: list[_Row], first: int, columns: Columns) -> int:
    """Index of the first text row after the table that starts at ``first - 1``."""
    heights = [r.bottom - r.top for r in rows]
    height = statistics.median(heights) if heights else 10.0
    last = first
    while last < len(rows) and _fits(rows[last], columns):
        if last > first and rows[last].top - rows[last - 1].bottom > _MAX_ROW_GAP * height:
            break
        last += 1
    return last


def _gap_ends(rows: list[_Row], last: int) -> bool:
    """Whether the rows from ``last`` on are only page furniture under a wide gap (a page number)."""
    height = statistics.median(r.bottom - r.top for r in rows)
    return rows[last].top - rows[last - 1].bottom > _MAX_ROW_GAP * height and len(rows) - last <= 2


def _continuation(rows: list[_Row], carry: Columns, page_height: float) -> int | None:
    """Where a table carried from the page before resumes: the first row that fits its columns, when
    only rows near the top of the page (a running header) stand above it."""
    for i, row in enumerate(rows):
        if _fits(row, carry):
            return i
        if row.top > _TOP_ZONE * page_height:
            return None
    return None


def _extract(page: Any, rows: list[_Row], first: int, last: int, columns: Columns,
             header: bool) -> UnruledTable | None:
    """The cells of text rows ``first`` to ``last - 1``: under a header cut by pdfplumber's text strategy
    and regrouped into the header's columns, a continuation cut at the columns carried over."""
    if last - first < 2 and header:
        return None
    top = rows[first].top - 1
    bottom = rows[last - 1].bottom + 1
    bbox = (float(page.bbox[0]), float(top), float(page.bbox[2]), float(bottom))
    if header:
        found = page.crop(bbox).find_table(_TEXT_STRATEGY)
        if found is None:
            return None
        grid = _by_header(found, columns, bbox)
    else:
        # A continuation is cut where the page before found the columns: its few rows may not show the
        # text strategy every column edge.
        grid = _by_bounds(rows[first:last], columns, bbox)
    if not grid:
        return None
    table_rows = _join_continued(_join_header(grid) if header else grid, columns, header=header)
    if header and classify_header(table_rows) is None:
        return None
    return UnruledTable(table_rows, bbox)


def _with_bounds(columns: Columns, rows: Sequence[_Row]) -> Columns:
    """Where each column begins. A header cell lies inside its column, so the words under the table that
    start after header cell j-1 ends start in column j or later; the leftmost of them marks column j
    (capped at where header cell j starts)."""
    starts = [w["x0"] for row in rows for w in row.words]
    bounds = tuple(min([x for x in starts if x >= left] + [right]) - 0.5 for left, right in columns.gaps())
    return Columns(columns.names, columns.spans, bounds)


def _bounds(columns: Columns, bbox: tuple[float, float, float, float]) -> list[float]:
    inner = columns.bounds or tuple((left + right) / 2 for left, right in columns.gaps())
    return [bbox[0], *inner, bbox[2]]


def _by_header(found: Any, columns: Columns, bbox: tuple[float, float, float, float]) -> list[list[str]]:
    """The text strategy's cells regrouped into the header's columns: a column the strategy split off
    (an edge where wrapped lines end, a centred number) joins the header column its left edge lies under."""
    bounds = _bounds(columns, bbox)
    texts = found.extract()
    lefts: dict[int, float] = {}
    for row in found.rows:
        for j, cell in enumerate(row.cells):
            if cell is not None:
                lefts.setdefault(j, cell[0])
    out = []
    for row in texts:
        merged = [""] * len(columns.names)
        for j, cell in enumerate(row):
            if cell and cell.strip() and j in lefts:
                k = max(0, min(len(merged) - 1, sum(1 for b in bounds[1:-1] if lefts[j] + 1 >= b)))
                merged[k] = f"{merged[k]}{cell}" if merged[k] else cell
        if any(merged):
            out.append(merged)
    return out


def _by_bounds(rows: Sequence[_Row], columns: Columns, bbox: tuple[float, float, float, float]) -> list[list[str]]:
    """Each text row's words put into the column their left edge falls in."""
    bounds = _bounds(columns, bbox)[1:-1]
    out = []
    for row in rows:
        cells = [""] * len(columns.names)
        for word in row.words:
            k = sum(1 for b in bounds if word["x0"] >= b)
            cells[k] += word["text"]
        out.append(cells)
    return out


def _join_header(rows: list[list[str]]) -> list[list[str]]:
    """A header whose cells wrap (序 over 号 in a narrow column): the short pieces right under it join it."""
    while len(rows) > 1 and all(len(c) <= _HEADER_PIECE and not c.isdigit() for c in rows[1]) and \
            classify_header([rows[0], [""] * len(rows[0])]) is not None and any(rows[1]):
        rows = [[a + b for a, b in zip(rows[0], rows[1])]] + rows[2:]
    return rows


def _join_continued(rows: list[list[str]], columns: Columns, *, header: bool) -> list[list[str]]:
    """Rows whose 序号 cell (else first cell) is empty are the wrapped lines of the row above."""
    names = rows[0] if header and rows else list(columns.names)
    key = next((i for i, n in enumerate(names) if n in ("序号", "编号")), 0)
    out: list[list[str]] = []
    for index, row in enumerate(rows):
        starts_row = bool(row[key].strip()) or not out or (header and len(out) == 1 and index == 1)
        if starts_row:
            out.append(row)
        else:
            out[-1] = [f"{a}\n{b}" if a and b else a or b for a, b in zip(out[-1], row)]
    return out
