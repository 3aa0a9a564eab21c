"""Word .docx: paragraphs with their auto-numbering rendered, and tables read as rows, in body order."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from policyqa.ingest.errors import UndecodableTextError
from policyqa.ingest.formats.builder import TextBuilder
from policyqa.ingest.formats.numbering import Numbering, paragraph_label, read_numbering
from policyqa.ingest.formats.raw import RawDocument


def load_docx(path: Path) -> RawDocument:
    """Read a .docx file.

    Raises:
        UndecodableTextError: not a readable .docx (not a zip, no document part, broken XML).
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _refuse_ole(path)
    try:
        # python-docx meets a package without the parts it expects with AttributeError, too.
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, AttributeError) as exc:
        raise UndecodableTextError(path, f"not a readable .docx file: {exc.__class__.__name__}") from exc
    builder = TextBuilder()
    try:
        _read_body(document, read_numbering(document), builder)
    except (KeyError, ValueError, SyntaxError) as exc:
        raise UndecodableTextError(path, f"broken .docx content: {exc.__class__.__name__}: {exc}") from exc
    title = (document.core_properties.title or "").strip()
    return RawDocument(path, builder.text, (), title, tables=tuple(builder.tables))


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


def _refuse_ole(path: Path) -> None:
    """A .docx that is an OLE compound file is password protected (Word keeps the encrypted package in
    an ``EncryptionInfo`` / ``EncryptedPackage`` container) or an old .doc under a new name."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.startswith(_OLE_MAGIC):
        return
    if _ENCRYPTED_STREAM in head:
        raise UndecodableTextError(path, "encrypted .docx (password protected): open it in Word, remove the "
                                         "password (文件 → 信息 → 保护文档) and save it again")
    raise UndecodableTextError(path, "an old Word .doc file named .docx: rename it to .doc (read through "
                                     "LibreOffice) or save it as .docx in Word")


def _read_body(document: Any, numbering: Numbering, builder: TextBuilder) -> None:
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            builder.add_table(table_rows(item))
        else:
            text = item.text
            if text.strip():
                indent = text[:len(text) - len(text.lstrip())]
                builder.add_line(indent + paragraph_label(item, numbering) + text.lstrip())
            else:
                builder.add_blank()


def table_rows(table: Any) -> list[list[str]]:
    """A python-docx table as rows of cell texts on the layout grid: a merged cell repeats in every
    grid cell it covers (python-docx hands the same cell), so a header spanning 牵头 | 配合 names both."""
    return [["\n".join(p.text for p in cell.paragraphs) for cell in row.cells] for row in table.rows]
