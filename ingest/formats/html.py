"""HTML pages: their text without script/style/nav/footer; the <h1> (or <title>) is the title. A <table>
whose header names a task and a unit column (a 分工表 published as a web page) becomes duty rows, as a Word
table does; any other table stays text, one cell per line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policyqa.ingest.formats.builder import TextBuilder
from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.tables import classify_header
from policyqa.ingest.formats.text import decode_bytes

_MARK = "\ue000表{}\ue000"  # a private-use placeholder where a duty table stood in the page text


def load_html(path: Path) -> RawDocument:
    """Read an .html/.htm file."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(path, path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    if soup.title:
        soup.title.decompose()  # the <title> repeats the heading; keep it out of the clauses
    tables: list[list[list[str]]] = []
    for table in soup.find_all("table"):
        if table.find("table"):
            continue  # a layout table around the page: its inner tables are the data
        rows = table_rows(table)
        if len(rows) > 1 and classify_header(rows) is not None:
            table.replace_with(soup.new_string(f"\n{_MARK.format(len(tables))}\n"))
            tables.append(rows)
    lines = [line.strip() for line in soup.get_text("\n").splitlines()]
    lines = [line for line in lines if line]
    if not tables:
        return RawDocument(path, "\n".join(lines), (), title)
    builder = TextBuilder()
    marks = {_MARK.format(i): rows for i, rows in enumerate(tables)}
    for line in lines:
        if line in marks:
            builder.add_table(marks[line])
        else:
            builder.add_line(line)
    return RawDocument(path, builder.text, (), title, tables=tuple(builder.tables))


def table_rows(table: Any) -> list[list[str]]:
    """A <table> as rows on its grid: a cell spanning rows or columns repeats in each grid cell it
    covers (as python-docx gives a merged Word cell); <br> and block breaks are line breaks in a cell."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = "\n".join(line.strip() for line in cell.get_text("\n").splitlines() if line.strip())
            for dr in range(_span(cell, "rowspan")):
                for dc in range(_span(cell, "colspan")):
                    grid.setdefault((r + dr, c + dc), text)
            c += _span(cell, "colspan")
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(cell: Any, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, 1)), 100))
    except (TypeError, ValueError):
        return 1
