"""Plain text and markdown: UTF-8 (with or without BOM), else GB18030/GBK and others detected with
charset-normalizer; a markdown metadata header (发布日期 / 发布机构 / 文件名称 / # title) gives metadata."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from policyqa.ingest.errors import UndecodableTextError
from policyqa.ingest.formats.builder import TextBuilder
from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.text_tables import find_duty_tables
from policyqa.ingest.structure import find_markers

# Control characters other than tab/newline/CR/form feed: a few are noise, many mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_MAX_CONTROL_RATIO = 0.01
_META = re.compile(r"^\s*(?:[-*]\s*)?\**\s*(发布日期|发布机构|文件名称)\s*\**\s*[:：]\s*\**\s*(.+?)\s*$", re.M)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
_ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# A hard-wrapped text (``unwrap_hard_lines``): this share of its lines, and at least this many, have one
# width (of at least this many half-width cells, give or take the slack).
_MIN_WRAPPED_SHARE = 0.4
_MIN_WRAPPED_LINES = 20
_MIN_WRAP_WIDTH = 30
_WRAP_SLACK = 4
_FULL_LINE = 0.8
_PAGE_NUMBER = re.compile(r"[—–\-－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?[—–\-－\s]*")
_SENTENCE_END = re.compile(r"[。！？!?；;：:]$|[。！？!?][”」』）)]$")


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
    text = unwrap_hard_lines(decode_bytes(path, path.read_bytes()))
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


def unwrap_hard_lines(text: str) -> str:
    """A text exported from a PDF line by line (each printed line its own paragraph, cut mid-word at the
    page's width) with its wrapped lines joined: a line of the text's full width that ends without a
    sentence's punctuation goes on in the next line, unless that opens with a number. Text that is not
    wrapped so (most lines of one width) is returned as it is.

    Example:
        >>> wrapped = "　　一二三四五六七八九十一二三四五六七八\\n\\n九十甲乙丙。\\n\\n" * 20
        >>> unwrap_hard_lines(wrapped).split("\\n\\n")[0].strip()
        '一二三四五六七八九十一二三四五六七八九十甲乙丙。'
    """
    lines = text.split("\n")
    widths = Counter(_width(line.rstrip()) for line in lines if line.strip())
    if not widths:
        return text
    width, _ = widths.most_common(1)[0]
    full = sum(n for w, n in widths.items() if abs(w - width) <= _WRAP_SLACK)
    if width < _MIN_WRAP_WIDTH or full < max(_MIN_WRAPPED_LINES, _MIN_WRAPPED_SHARE * sum(widths.values())):
        return text
    out: list[str] = []
    joins = 0
    goes_on = False  # the last line kept is a full one without a sentence's end: the next continues it
    for line in lines:
        stripped = line.strip()
        if not stripped or (goes_on and _PAGE_NUMBER.fullmatch(stripped)):
            # A page number between a paragraph's lines is the page's furniture, not a break.
            if not goes_on:
                out.append(line)
            continue
        if goes_on and not any(m.start == 0 for m in find_markers(stripped[:12])):
            out[-1] += stripped
            joins += 1
        else:
            if goes_on:
                out.append("")  # the blank line skipped while the paragraph seemed to go on
            out.append(line)
        # A paragraph's first line is indented and digits are narrow: "full" is most of the width.
        goes_on = _width(line.rstrip()) >= _FULL_LINE * width and not _SENTENCE_END.search(stripped)
    # Lines of one width that mostly open with a number (a list, a table as text) are no wrapped prose.
    return "\n".join(out) if joins >= _MIN_WRAPPED_SHARE * sum(widths.values()) else text


def _width(line: str) -> int:
    """Printed width in half-width cells: a Chinese character is two, a digit or Latin letter one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


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
