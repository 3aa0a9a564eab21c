"""Render paragraphs and tables into one text with exact offsets: page starts, duty-table rows, captions.

Every reader (DOCX, PDF, OCR) feeds lines and tables in reading order; a duty table's rows become one
line each (``任务…（牵头单位：…；配合单位：…）``) and their spans are kept, so the pipeline can make one clause
per row. A table's caption is the short line (or two) just before it: ``附件`` / ``重点任务分工表``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policyqa.ingest.formats.raw import Span, TableRow, TableSpan
from policyqa.ingest.formats.tables import classify_header, duty_rows, plain_rows

_CAPTION = re.compile(r"表$|^附表|^附件")
_ANNEX = re.compile(r"^附件\s*[\d一二三四五六七八九十]{0,3}\s*[:：]?$")
_CAPTION_MAX = 40
_MARKS = re.compile(r"^[\s#>*_]+|[\s*_]+$")
_SENTENCE_END = "。！？；;"


class TextBuilder:
    """Collects lines, page breaks and tables; :meth:`text` and friends give the result."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._lines: list[Span] = []          # spans of the lines since the last table
        self._page_pending = False
        self.page_starts: list[int] = []
        self.tables: list[TableSpan] = []

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def new_page(self) -> None:
        """The next line starts a page (its offset is recorded when that line arrives)."""
        if self._page_pending:  # the page before had no text: it starts where the next one does
            self.page_starts.append(self._length)
        self._page_pending = True

    def add_line(self, line: str, *, join: bool = False) -> None:
        """Append a line; ``join`` continues the previous line without a break (a wrapped paragraph).

        Leading whitespace is kept (a Word paragraph's 　　 indent stays as written), trailing dropped.
        """
        line = line.strip() if join else line.rstrip()
        if not line.strip():
            return
        if join and self._lines:
            self._mark_page(self._length)
            start = self._lines[-1][0]
            self._append(line)
            self._lines[-1] = (start, self._length)
            return
        if self._length:
            self._append("\n")
        self._mark_page(self._length)
        start = self._length
        self._append(line)
        self._lines.append((start, self._length))

    def add_blank(self) -> None:
        """An empty line (an empty Word paragraph): kept, since it separates paragraphs."""
        if self._length:
            self._append("\n")

    def add_table(self, rows: Sequence[Sequence[str]], *, page_breaks: Sequence[int] = ()) -> None:
        """A table: a duty table becomes one line per row (kept as data), any other one readable lines.

        ``page_breaks`` are the indexes of rows that start a new page (a table continued over pages).
        """
        header = classify_header(rows)
        skip = header[1] if header else 0
        found = duty_rows(rows[skip:], header[0]) if header else []
        breaks = sorted(page_breaks)
        if not found:
            for index, row in enumerate(rows):
                self._page_breaks(breaks, index)
                for line in plain_rows([row]):
                    self.add_line(line)
            self._lines = []
            return
        title, heading = self._caption()
        spans: list[TableRow] = []
        for row in found:
            self._page_breaks(breaks, row.index + skip)
            self.add_line(row.text)
            spans.append(TableRow(self._lines[-1][0], self._lines[-1][1], row))
        self.tables.append(TableSpan(title or f"表{len(self.tables) + 1}", heading, tuple(spans)))
        self._lines = []

    def _page_breaks(self, breaks: list[int], index: int) -> None:
        while breaks and breaks[0] <= index:
            breaks.pop(0)
            self.new_page()

    def _caption(self) -> tuple[str, Span | None]:
        text = self.text
        picked: list[Span] = []
        for start, end in reversed(self._lines[-2:]):
            # A markdown caption (``## 附件：重点任务分工表``, ``**重点任务分工表**``) without its marks.
            marked = text[start:end]
            line = _MARKS.sub("", marked)
            if not line:
                break
            begin = start + marked.index(line)
            span = (begin, begin + len(line))
            if len(line) > _CAPTION_MAX or line[-1] in _SENTENCE_END or not _CAPTION.search(line):
                break
            picked.insert(0, span)
            if _ANNEX.match(line):
                break
        if not picked:
            return "", None
        title = " ".join(re.sub(r"\s*[:：]\s*", " ", text[s:e]).replace("《", "").replace("》", "").strip()
                         for s, e in picked)
        return re.sub(r"\s+", " ", title), (picked[0][0], picked[-1][1])

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def _mark_page(self, offset: int) -> None:
        if self._page_pending:
            self.page_starts.append(offset)
            self._page_pending = False
