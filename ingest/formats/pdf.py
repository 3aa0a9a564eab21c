"""PDF with a text layer (pdfplumber): lines and tables per page, page furniture removed, paragraphs
that wrap over lines and pages joined, tables continued over pages read as one.

A line continues the one before when that one runs to the right margin and this one starts at the left
margin without an indent (Chinese paragraphs indent their first line) and without a clause number.
A table whose page ends with it and whose next page starts with a table of as many columns is one table.
A PDF without any text layer is a scan: :mod:`ingest.formats.ocr` reads it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import BrokenPdfError
from policyqa.ingest.formats.builder import TextBuilder
from policyqa.ingest.formats.furniture import find_furniture
from policyqa.ingest.formats.pdf_unruled import Columns, unruled_tables
from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.tables import fill_merged
from policyqa.ingest.responsibility import looks_like_unit
from policyqa.ingest.structure import find_markers


@dataclass(frozen=True, slots=True)
class Line:
    """One text line of a page and where it stands."""

    text: str
    x0: float
    x1: float
    top: float
    size: float


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a page, merged cells filled in."""

    rows: list[list[str]]
    top: float

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Item = Line | Table
_UNIT_SEPARATORS = "、，,；;"


@dataclass(slots=True)
class _Margins:
    left: float
    right: float
    char: float


def load_pdf(path: Path, config: IngestConfig = IngestConfig()) -> RawDocument:
    """Read a PDF; a scan (no text layer at all) goes to OCR within ``config``'s OCR bounds.

    Raises:
        BrokenPdfError: truncated, malformed or encrypted; a scan when the ocr extra is missing.
        OcrBoundError: a scan over the OCR bounds.
    """
    with open_pdf(path) as pdf:
        pages = []
        images: list[int] = []        # pages with no text but a picture over most of them: scans
        carry: Columns | None = None
        for index, page in enumerate(pdf.pages):
            items, carry = page_items(page, carry)
            pages.append(items)
            if not items and _mostly_image(page):
                images.append(index)
            page.close()  # pdfplumber caches a page's objects: a long PDF would hold them all
    if not any(isinstance(item, Line) or item.rows for items in pages for item in items):
        from policyqa.ingest.formats.ocr import load_scanned

        return load_scanned(path, config=config)
    ocr_pages: tuple[int, ...] = ()
    if images:
        from policyqa.ingest.formats.ocr import ocr_scanned_pages

        pages, ocr_pages = ocr_scanned_pages(path, pages, images, config=config)
    cleaned = find_furniture([[i.text for i in items if isinstance(i, Line)] for items in pages])
    pages = [without_lines(items, drop) for items, drop in zip(pages, cleaned.drop)]
    builder = assemble(pages)
    return RawDocument(path, builder.text, tuple(builder.page_starts), date=cleaned.date,
                       issuer=cleaned.issuer, tables=tuple(builder.tables), ocr_pages=ocr_pages)


def _mostly_image(page: Any) -> bool:
    """Whether pictures cover over half the page (a scanned page), not a logo or a seal."""
    area = float(page.width * page.height) or 1.0
    return sum(abs((i["x1"] - i["x0"]) * (i["bottom"] - i["top"])) for i in page.images) > 0.5 * area


@contextmanager
def open_pdf(path: Path) -> Iterator[Any]:
    """``pdfplumber.open`` with every failure of the file turned into a :class:`BrokenPdfError`."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            yield pdf
    except (PdfminerException, PDFPasswordIncorrect) as exc:
        problem = "encrypted PDF (password protected)" if _is_password_error(exc) else "broken PDF"
        raise BrokenPdfError(path, f"{problem}: {exc.__class__.__name__}") from exc
    except (PSException, ValueError, KeyError, TypeError, AttributeError, AssertionError) as exc:
        # pdfminer raises these on truncated or malformed files; the cause is the file, not our code.
        raise BrokenPdfError(path, f"broken PDF: {exc.__class__.__name__}: {exc}") from exc


def _is_password_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if "Password" in type(seen).__name__ or "encrypt" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and
                                                       isinstance(seen.args[0], BaseException) else None)
    return False


def page_items(page: Any, carry: Columns | None = None) -> tuple[list[Item], Columns | None]:
    """A page's lines and tables, top to bottom; the text inside tables is read only as table cells.

    A page without ruled tables may hold an unruled duty table (:mod:`formats.pdf_unruled`); ``carry``
    are the columns of one that ran to the foot of the page before, and the second value those of one
    that runs to this page's foot.
    """
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    found: list[Table] = [Table([[unwrap_cell(c) for c in row] for row in fill_merged(t.extract())], t.bbox[1])
                          for t in tables]
    carry_on: Columns | None = None
    if not tables:
        unruled, carry_on = unruled_tables(page, carry)
        boxes = [t.bbox for t in unruled]
        found = [Table([[unwrap_cell(c) for c in row] for row in t.rows], t.bbox[1]) for t in unruled]
    body = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    items: list[Item] = [Line(line["text"], line["x0"], line["x1"], line["top"], _size(line))
                         for line in body.extract_text_lines() if line["text"].strip()]
    items += found
    return sorted(items, key=lambda item: item.top), carry_on


def unwrap_cell(cell: str) -> str:
    """A PDF cell's lines are where the text wrapped: join them, unless they hold no separator and each
    line is a unit name of its own (one unit per line)."""
    joined = cell.replace("\n", "")
    if "\n" not in cell or any(sep in joined for sep in _UNIT_SEPARATORS):
        return joined
    return cell if all(looks_like_unit(line.strip()) for line in cell.splitlines() if line.strip()) else joined


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _size(line: dict[str, Any]) -> float:
    chars = line.get("chars") or []
    return float(statistics.median(c["size"] for c in chars)) if chars else 10.0


def without_lines(items: list[Item], drop: frozenset[int]) -> list[Item]:
    """``items`` without the lines whose index among the page's lines is in ``drop``."""
    lines = [i for i in items if isinstance(i, Line)]
    dropped = {id(lines[k]) for k in drop}
    return [i for i in items if id(i) not in dropped]


def assemble(pages: Sequence[Sequence[Item]]) -> TextBuilder:
    """Feed the pages' items to a :class:`TextBuilder`, joining wrapped lines and continued tables."""
    margins = _margins([i for items in pages for i in items if isinstance(i, Line)])
    builder = TextBuilder()
    state = _Assembly()
    for items in pages:
        state.new_page(builder)
        for item in items:
            if isinstance(item, Table):
                state.table(item, builder)
            else:
                state.flush(builder)
                builder.add_line(item.text, join=state.joins(item, margins))
                state.previous = item
            state.page_start = False
    state.flush(builder)
    return builder


@dataclass(slots=True)
class _Assembly:
    previous: Line | None = None
    page_start: bool = True
    rows: list[list[str]] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    width: int = 0
    page_pending: bool = False        # a page began while a table was still open

    def new_page(self, builder: TextBuilder) -> None:
        self.page_start = True
        if self.rows and not self.page_pending:
            self.page_pending = True  # decided by what the page starts with: the table's next rows?
        else:
            builder.new_page()

    def table(self, table: Table, builder: TextBuilder) -> None:
        if self.rows and self.page_start and table.width == self.width:
            rows = list(table.rows)
            if rows and _continues_row(rows[0]):
                # A row broken over the page: its rest (no 序号, the other cells going on) joins it.
                self.rows[-1] = [a + b for a, b in zip(self.rows[-1], rows.pop(0))]
            self.breaks.append(len(self.rows))
            self.rows += rows
            self.page_pending = False
            return
        self.flush(builder)
        self.rows, self.width, self.breaks = list(table.rows), table.width, []

    def flush(self, builder: TextBuilder) -> None:
        if self.rows:
            builder.add_table(self.rows, page_breaks=self.breaks)
            self.rows, self.breaks, self.previous = [], [], None
        if self.page_pending:
            builder.new_page()
            self.page_pending = False

    def joins(self, line: Line, margins: _Margins) -> bool:
        before = self.previous
        if before is None:
            return False
        starts_number = any(m.start == 0 for m in find_markers(line.text[:12]))
        return (before.x1 >= margins.right - 1.5 * margins.char
                and line.x0 <= margins.left + 0.5 * margins.char and not starts_number)


def _continues_row(row: Sequence[str]) -> bool:
    """Whether a table's first row on a page is the rest of the row before the break: its first cell
    (序号) empty while others hold text."""
    return bool(row) and not row[0].strip() and any(c.strip() for c in row[1:])


def _margins(lines: list[Line]) -> _Margins:
    if not lines:
        return _Margins(0.0, 0.0, 10.0)
    left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    ends = sorted(line.x1 for line in lines)
    right = ends[int(0.9 * (len(ends) - 1))]
    return _Margins(float(left), right, float(statistics.median(line.size for line in lines)))
