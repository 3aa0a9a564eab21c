"""Clauses of the duty tables a reader found: a heading for the caption, one clause per row.

A row is cited by its table's caption and its place: ``附件 重点任务分工表 第3行``; its units and deadline
come from the table's columns, not from parsing its text.
"""

from __future__ import annotations

import bisect

from policyqa.ingest.formats.raw import Span, TableSpan
from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause, Document


def table_spans(tables: tuple[TableSpan, ...]) -> list[Span]:
    """The text spans the tables take (caption to last row): structure parsing leaves them out."""
    return [(t.start, t.end) for t in tables]


def table_clauses(doc: Document, text: str, tables: tuple[TableSpan, ...],
                  page_starts: tuple[int, ...], *, ocr: bool = False) -> list[Clause]:
    """The caption heading and row clauses of every table, in text order."""
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    for table in tables:
        label = table.title.replace(" ", "")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label}~{seen[label]}"
        if table.heading:
            clauses.append(_clause(doc, text, table.heading, (label,), (table.title,), "heading", page_starts,
                                   ocr=ocr))
        for n, row in enumerate(table.rows, start=1):
            clauses.append(_clause(
                doc, text, (row.start, row.end), (label, f"第{n}行"), (table.title, f"第{n}行"), "clause",
                page_starts, ocr=ocr, leads=row.row.leads, cooperating=row.row.cooperating,
                deadline=row.row.deadline))
    return clauses


def _clause(doc: Document, text: str, span: Span, numbering: tuple[str, ...], path: tuple[str, ...], kind: str,
            page_starts: tuple[int, ...], *, ocr: bool, leads: tuple[str, ...] = (),
            cooperating: tuple[str, ...] = (), deadline: str = "") -> Clause:
    body = text[span[0]:span[1]]
    return Clause(
        doc_id=doc.doc_id, numbering=numbering, path=path, text=body, search_text=to_search_form(body),
        start=span[0], end=span[1], doc_title=doc.title, region=doc.region, doc_type=doc.doc_type, kind=kind,
        leads=leads, cooperating=cooperating, deadline=deadline, ocr=ocr,
        page=bisect.bisect_right(page_starts, span[0]) if page_starts else None)
