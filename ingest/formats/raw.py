"""What a reader hands the pipeline: the text, its pages, its duty tables and what the file says about itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from policyqa.ingest.formats.tables import DutyRow

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TableRow:
    """One duty-table row inside the document text: ``text[start:end] == row.text``."""

    start: int
    end: int
    row: DutyRow


@dataclass(frozen=True, slots=True)
class TableSpan:
    """A 责任分工表 rendered into the text: its caption (``附件 重点任务分工表``) and rows.

    ``heading`` is the span of the caption lines in the text, ``None`` when the table has none.
    """

    title: str
    heading: Span | None
    rows: tuple[TableRow, ...]

    @property
    def start(self) -> int:
        return self.heading[0] if self.heading else self.rows[0].start

    @property
    def end(self) -> int:
        return self.rows[-1].end


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A file's text and self-description, before structure parsing.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (PDF only); ``tables`` the
    duty tables read as data; ``ocr`` tells that the text was recognised from page images, ``ocr_pages``
    which pages were when only some were (a text PDF with a scanned annex).
    """

    path: Path
    text: str
    page_starts: tuple[int, ...] = ()
    title: str = ""
    date: str = ""
    issuer: str = ""
    tables: tuple[TableSpan, ...] = ()
    ocr: bool = False
    ocr_pages: tuple[int, ...] = ()
