"""Upload validation (the web app's 文库 tab, via ``index.library``): type and size limits, sanitised names,
storage under the index.

An upload is staged under ``uploads/.staging/``, parsed and indexed from there, and only then moved
into ``uploads/``: a file the index refused never replaces a good one. A browser-supplied file name is untrusted: it may hold ``../``, a Windows path, control characters
or a thousand characters. We keep only its last component's safe characters and never join the raw
name onto a path. Cheap content checks (empty, binary text, wrong magic bytes) run here so a bad
file is refused before the ingest layer is asked to parse it; deeper problems (a PDF that opens but
is broken) come back from ingest as its own ``IngestError``.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

from policyqa.ingest.errors import (
    BrokenPdfError,
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UndecodableTextError,
    UnsupportedFormatError,
)


class UploadConflictError(IngestError):
    """An upload whose document id is already taken by a different document (see the 文库 tab)."""

ALLOWED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", ".doc", ".wps", ".html", ".htm")
UPLOADS_DIRNAME = "uploads"
_MAX_NAME_CHARS = 100
# Letters and digits of any script (Chinese titles are the normal case), plus a few separators.
_UNSAFE = re.compile(r"[^\w.\-（）()·]+", re.UNICODE)
# .doc/.wps are left to LibreOffice, which reads them by content: offices also send RTF or HTML as .doc.
_MAGIC = {".pdf": b"%PDF", ".docx": b"PK\x03\x04"}
_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
_STAGING = ".staging"


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


def stage_upload(src: Path, original_name: str, index_dir: Path, *, max_bytes: int) -> Path:
    """Validate ``src`` and copy it to ``<index>/uploads/.staging/<safe name>``; returns that path.

    The staged file already has its final name, because the ingest layer derives the document id
    from it; ``commit_upload`` moves it into ``uploads/`` once the index has taken it, and
    ``discard_upload`` drops it otherwise, so a bad re-upload never destroys the good original.
    """
    name = validate_upload(Path(src), original_name, max_bytes=max_bytes)
    staging = uploads_dir(index_dir) / _STAGING
    staging.mkdir(parents=True, exist_ok=True)
    dest = staging / name
    if dest.resolve().parent != staging.resolve():  # belt and braces: never write outside uploads/
        raise UnsupportedFormatError(name, "非法文件名 (unsafe file name)")
    tmp = staging / f".{name}.{os.getpid()}.tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return dest


def commit_upload(staged: Path) -> Path:
    """Move a staged upload into ``uploads/``, replacing an earlier file of the same name."""
    final = staged.parent.parent / staged.name
    os.replace(staged, final)
    return final


def discard_upload(staged: Path) -> None:
    """Drop a staged upload the index did not take."""
    staged.unlink(missing_ok=True)


def store_upload(src: Path, original_name: str, index_dir: Path, *, max_bytes: int) -> Path:
    """Validate and store in one step (no index in between); returns the stored path."""
    return commit_upload(stage_upload(src, original_name, index_dir, max_bytes=max_bytes))


def stored_uploads(index_dir: Path) -> list[Path]:
    """The originals kept in ``uploads/`` (what a re-index reads besides the bundled corpus)."""
    folder = uploads_dir(index_dir)
    if not folder.is_dir():
        return []
    # Only documents: a correction's sidecar (<file>.meta.toml) lives beside its upload.
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in ALLOWED_SUFFIXES)
