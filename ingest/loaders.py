"""Read a file into a RawDocument: its text (offsets of clauses index into it) plus what the file says
about itself (title, date, issuer, PDF page starts, duty tables).

Supported: .txt/.md (UTF-8, UTF-8 with BOM, GB18030/GBK and others), .pdf (text layer, or OCR of a scan
with the ``ocr`` extra), .docx (paragraphs with their Word numbering, tables as rows), .doc/.wps
(converted by LibreOffice when ``soffice`` is installed), .html/.htm. One module per format lives in
:mod:`ingest.formats`. Every failure is an IngestError naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import EmptyDocumentError, FileTooLargeError, IngestError, UnsupportedFormatError
from policyqa.ingest.formats.docx import load_docx
from policyqa.ingest.formats.html import load_html
from policyqa.ingest.formats.office import load_office
from policyqa.ingest.formats.pdf import load_pdf
from policyqa.ingest.formats.raw import RawDocument, TableRow, TableSpan
from policyqa.ingest.formats.text import decode_bytes, load_text

__all__ = ["RawDocument", "TableRow", "TableSpan", "decode_bytes", "load", "supported_suffixes"]


def supported_suffixes() -> tuple[str, ...]:
    """File extensions :func:`load` reads, e.g. ``(".doc", ".docx", ".htm", ".html", ".md", ".pdf", …)``."""
    return tuple(sorted(_LOADERS))


def load(path: Path | str, *, config: IngestConfig = IngestConfig()) -> RawDocument:
    """Read one file.

    Args:
        path: the file; its extension picks the reader.
        config: ``max_bytes`` is checked before anything is read; the OCR bounds apply to scans.

    Returns:
        The file's text and metadata.

    Raises:
        UnsupportedFormatError: the extension is not one of :func:`supported_suffixes`.
        FileTooLargeError: the file is over ``config.max_bytes``.
        EmptyDocumentError: the file holds no text.
        UndecodableTextError: binary data, or an encoding we cannot detect.
        BrokenPdfError: a truncated or encrypted PDF, or a scan without the ocr extra.
        OcrBoundError: a scan over ``config.ocr_max_pages`` or ``config.ocr_max_minutes``.
        ConverterMissingError: a .doc/.wps file and no LibreOffice.
        IngestError: the path does not exist or is not a file.
    """
    path = Path(path)
    reader = _LOADERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormatError(
            path, f"unsupported file type {path.suffix or '(none)'!r}; supported: {', '.join(supported_suffixes())}")
    if not path.is_file():
        raise IngestError(path, "no such file")
    size = path.stat().st_size
    if size > config.max_bytes:
        raise FileTooLargeError(
            path, f"file is {size / 2**20:.1f} MB, over the {config.max_bytes / 2**20:.0f} MB limit "
                  "(raise POLICYQA_MAX_FILE_MB to read it)")
    # Only the PDF reader has knobs (the OCR bounds of a scan); the others read the file alone.
    raw = load_pdf(path, config) if reader is load_pdf else reader(path)
    if not raw.text.strip():
        raise EmptyDocumentError(path, "no text in the file")
    return raw


_LOADERS: dict[str, Callable[[Path], RawDocument]] = {
    ".txt": load_text,
    ".md": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".doc": load_office,
    ".wps": load_office,
    ".html": load_html,
    ".htm": load_html,
}
