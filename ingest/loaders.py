"""Read a file into a RawDocument: its text (offsets of clauses index into it) plus what the file says
about itself (title, date, issuer, PDF page starts).

Supported: .txt/.md (UTF-8, UTF-8 with BOM, GB18030/GBK and others detected with charset-normalizer),
.pdf (pdfplumber, page by page), .docx (python-docx, paragraphs and table rows), .html/.htm
(BeautifulSoup without script/style/nav/footer). Every failure is an IngestError naming the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import (
    BrokenPdfError,
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UndecodableTextError,
    UnsupportedFormatError,
)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A file's text and self-description, before structure parsing.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (PDF only).
    """

    path: Path
    text: str
    page_starts: tuple[int, ...] = ()
    title: str = ""
    date: str = ""
    issuer: str = ""


# Control characters other than tab/newline/CR/form feed: a few are noise, many mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_MAX_CONTROL_RATIO = 0.01
_META = re.compile(r"^\s*(?:[-*]\s*)?\**\s*(发布日期|发布机构|文件名称)\s*\**\s*[:：]\s*\**\s*(.+?)\s*$", re.M)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
_ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def supported_suffixes() -> tuple[str, ...]:
    """File extensions :func:`load` reads, e.g. ``(".docx", ".htm", ".html", ".md", ".pdf", ".txt")``."""
    return tuple(sorted(_LOADERS))


def load(path: Path | str, *, config: IngestConfig = IngestConfig()) -> RawDocument:
    """Read one file.

    Args:
        path: the file; its extension picks the reader.
        config: ``max_bytes`` is checked before anything is read.

    Returns:
        The file's text and metadata.

    Raises:
        UnsupportedFormatError: the extension is not one of :func:`supported_suffixes`.
        FileTooLargeError: the file is over ``config.max_bytes``.
        EmptyDocumentError: the file holds no text.
        UndecodableTextError: binary data, or an encoding we cannot detect.
        BrokenPdfError: a truncated, encrypted or image-only PDF.
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
    raw = reader(path)
    if not raw.text.strip():
        raise EmptyDocumentError(path, "no text in the file")
    return raw


def decode_bytes(path: Path, data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else the encoding charset-normalizer detects.

    Raises:
        UndecodableTextError: the bytes are binary or in no encoding that yields clean text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        text = _detect(data)
    if text is None or _looks_binary(text):
        raise UndecodableTextError(path, "binary or undecodable data (expected UTF-8 or GB18030/GBK text)")
    # Normalise line ends so offsets mean the same on every platform.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _detect(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.count(0) > len(data) * _MAX_CONTROL_RATIO:
        return None  # NUL bytes: binary data (UTF-16 without BOM is not a policy-document encoding here)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > max(1, len(text) * _MAX_CONTROL_RATIO)


def _load_text(path: Path) -> RawDocument:
    text = decode_bytes(path, path.read_bytes())
    title, date, issuer = _header_metadata(text)
    return RawDocument(path, text, (), title, date, issuer)


def _header_metadata(text: str) -> tuple[str, str, str]:
    """Title, date and issuer from a markdown metadata header (发布日期 / 发布机构 / 文件名称 / # title)."""
    head = text[:3000]
    meta = {m.group(1): m.group(2).strip("* ") for m in _META.finditer(head)}
    md_title = _MD_TITLE.search(head)
    title = meta.get("文件名称") or (md_title.group(1).strip() if md_title else "")
    date_match = _ISO_DATE.search(meta.get("发布日期", ""))
    date = (f"{date_match.group(1)}-{int(date_match.group(2)):02d}-{int(date_match.group(3)):02d}"
            if date_match else "")
    issuer = meta.get("发布机构", "")
    return title.replace("**", ""), date, issuer


def _load_pdf(path: Path) -> RawDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    pages: list[str] = []
    try:
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PdfminerException, PDFPasswordIncorrect) as exc:
        problem = "encrypted PDF (password protected)" if _is_password_error(exc) else "broken PDF"
        raise BrokenPdfError(path, f"{problem}: {exc.__class__.__name__}") from exc
    except (PSException, ValueError, KeyError, TypeError, AttributeError, AssertionError) as exc:
        # pdfminer raises these on truncated or malformed files; the cause is the file, not our code.
        raise BrokenPdfError(path, f"broken PDF: {exc.__class__.__name__}: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise BrokenPdfError(path, "PDF has no text layer (scanned images need OCR first)")
    text, starts = _join_pages(pages)
    return RawDocument(path, text, starts)


def _is_password_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if "Password" in type(seen).__name__ or "encrypt" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and
                                                       isinstance(seen.args[0], BaseException) else None)
    return False


def _join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        parts.append(page)
        offset += len(page) + 1  # the "\n" that joins pages
    return "\n".join(parts), tuple(starts)


def _load_docx(path: Path) -> RawDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UndecodableTextError(path, f"not a readable .docx file: {exc.__class__.__name__}") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text.strip() for cell in row.cells))
    title = (document.core_properties.title or "").strip()
    return RawDocument(path, "\n".join(lines), (), title)


def _load_html(path: Path) -> RawDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(path, path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript", "template"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    if soup.title:
        soup.title.decompose()  # the <title> repeats the heading; keep it out of the clauses
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return RawDocument(path, "\n".join(line for line in lines if line), (), title)


_LOADERS: dict[str, Callable[[Path], RawDocument]] = {
    ".txt": _load_text,
    ".md": _load_text,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".html": _load_html,
    ".htm": _load_html,
}
