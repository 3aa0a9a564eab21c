"""Upload validation for the 文库 tab: type and size limits, sanitised names, storage under the index.

A browser-supplied file name is untrusted: it may hold ``../``, a Windows path, control characters
or a thousand characters. We keep only its last component's safe characters and never join the raw
name onto a path. Cheap content checks (empty, binary text, wrong magic bytes) run here so a bad
file is refused before the ingest layer is asked to parse it; deeper problems (a PDF that opens but
is broken) come back from ingest as its own ``IngestError``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from pathlib import Path

from ingest.errors import (
    BrokenPdfError,
    EmptyDocumentError,
    FileTooLargeError,
    UndecodableTextError,
    UnsupportedFormatError,
)

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
UPLOADS_DIRNAME = "uploads"
_MAX_NAME_CHARS = 100
# Letters and digits of any script (Chinese titles are the normal case), plus a few separators.
_UNSAFE = re.compile(r"[^\w.\-（）()·]+", re.UNICODE)
_MAGIC = {".pdf": b"%PDF", ".docx": b"PK\x03\x04"}
_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def safe_name(name: str) -> str:
    """A file name safe to create inside the uploads folder, derived from an untrusted name.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("C:\\\\Users\\\\me\\\\宿州 方案.TXT")
    '宿州_方案.txt'
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]                   # last path component, either separator
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # controls, NULs
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip("._-")[: _MAX_NAME_CHARS] or "upload"
    suffix = _UNSAFE.sub("", suffix).lower()[:8]
    return f"{stem}.{suffix}" if suffix else stem


def check_suffix(name: str) -> str:
    """The lower-case suffix of ``name`` if we accept it; else ``UnsupportedFormatError``."""
    suffix = Path(safe_name(name)).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UnsupportedFormatError(
            safe_name(name),
            f"不支持的文件类型 {suffix or '(无扩展名)'}；可上传 {' '.join(ALLOWED_SUFFIXES)} "
            f"(unsupported type; allowed: {', '.join(ALLOWED_SUFFIXES)})",
        )
    return suffix


def validate_upload(src: Path, original_name: str, *, max_bytes: int) -> str:
    """Check an uploaded temp file before it is stored; returns its safe name.

    Raises:
        UnsupportedFormatError: extension not in ``ALLOWED_SUFFIXES``.
        FileTooLargeError: over ``max_bytes``.
        EmptyDocumentError: zero bytes or only whitespace.
        UndecodableTextError: a text type holding binary data.
        BrokenPdfError: a .pdf without the PDF header (a .docx without the zip header also
            raises ``UndecodableTextError``).
    """
    name = safe_name(original_name)
    suffix = check_suffix(original_name)
    size = src.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            name, f"文件过大 {size / 1e6:.1f} MB，上限 {max_bytes / 1e6:.1f} MB (file too large)"
        )
    with open(src, "rb") as f:
        head = f.read(64 * 1024)
    if not head.strip():
        raise EmptyDocumentError(name, "文件为空 (the file is empty)")
    magic = _MAGIC.get(suffix)
    if magic and not head.startswith(magic):
        error = BrokenPdfError if suffix == ".pdf" else UndecodableTextError
        raise error(name, f"不是有效的 {suffix} 文件 (not a valid {suffix} file)")
    if suffix in _TEXT_SUFFIXES and b"\x00" in head:
        raise UndecodableTextError(name, "文本文件中含二进制数据 (binary data in a text file)")
    return name


def uploads_dir(index_dir: Path) -> Path:
    """Where uploaded originals live: ``<index dir>/uploads``."""
    return Path(index_dir) / UPLOADS_DIRNAME


def store_upload(src: Path, original_name: str, index_dir: Path, *, max_bytes: int) -> Path:
    """Validate ``src`` and copy it into the uploads folder; returns the stored path.

    The same name with different content gets a short content hash appended, so an upload never
    overwrites another document's original. The copy is written to a temp file and renamed, so a
    crash leaves either nothing or the whole file.
    """
    name = validate_upload(Path(src), original_name, max_bytes=max_bytes)
    folder = uploads_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    digest = _sha256(Path(src))
    dest = folder / name
    if dest.exists() and _sha256(dest) != digest:
        dest = folder / f"{dest.stem}-{digest[:8]}{dest.suffix}"
    if dest.resolve().parent != folder.resolve():  # belt and braces: never write outside uploads/
        raise UnsupportedFormatError(name, "非法文件名 (unsafe file name)")
    tmp = folder / f".{dest.name}.{os.getpid()}.tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return dest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
