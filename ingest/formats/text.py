"""Plain text and markdown: UTF-8 (with or without BOM), else GB18030/GBK and others detected with
charset-normalizer; a markdown metadata header (发布日期 / 发布机构 / 文件名称 / # title) gives metadata."""

from __future__ import annotations

import re
from pathlib import Path

from policyqa.ingest.errors import UndecodableTextError
from policyqa.ingest.formats.builder import TextBuilder
from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.text_tables import find_duty_tables

# Control characters other than tab/newline/CR/form feed: a few are noise, many mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_MAX_CONTROL_RATIO = 0.01
_META = re.compile(r"^\s*(?:[-*]\s*)?\**\s*(发布日期|发布机构|文件名称)\s*\**\s*[:：]\s*\**\s*(.+?)\s*$", re.M)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
_ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


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


def looks_binary(text: str) -> bool:
    """Whether decoded text holds more control and replacement characters than text ever does."""
    return _looks_binary(text)


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > max(1, len(text) * _MAX_CONTROL_RATIO)


def load_text(path: Path) -> RawDocument:
    """Read a .txt/.md file (see :func:`decode_bytes`); its duty tables (markdown pipe tables, columns
    separated by tabs or spaces) become data, one line per row, as a Word table's do."""
    text = decode_bytes(path, path.read_bytes())
    title, date, issuer = _header_metadata(text)
    lines = text.split("\n")
    found = find_duty_tables(lines)
    if not found:
        return RawDocument(path, text, (), title, date, issuer)
    builder = TextBuilder()
    done = 0
    for table in found:
        _add_lines(builder, lines[done:table.first])
        builder.add_table(table.rows)
        done = table.last
    _add_lines(builder, lines[done:])
    return RawDocument(path, builder.text, (), title, date, issuer, tables=tuple(builder.tables))


def _add_lines(builder: TextBuilder, lines: list[str]) -> None:
    for line in lines:
        if line.strip():
            builder.add_line(line)
        else:
            builder.add_blank()


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
