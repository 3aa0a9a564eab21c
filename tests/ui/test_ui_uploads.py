"""Upload validation: names never escape uploads/, limits and types are enforced, errors name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.ingest.errors import (
    BrokenPdfError,
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UndecodableTextError,
    UnsupportedFormatError,
)
from policyqa.index.uploads import (
    ALLOWED_SUFFIXES,
    commit_upload,
    discard_upload,
    safe_name,
    stage_upload,
    store_upload,
    stored_uploads,
    uploads_dir,
    validate_upload,
)

TEXT = "宿州市冷链物流工作方案\n一、加快冷链物流项目建设。（市发展改革委牵头）\n".encode()


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("raw", [
    "../../etc/passwd", "..\\..\\windows\\system32\\cmd.txt", "/etc/shadow", "a/../../b.txt",
    "..", ".", "", "\x00\x01.txt", "name\nwith\rnewlines.md", "C:\\x\\..\\y.html",
])
def test_safe_name_is_a_single_harmless_component(raw: str) -> None:
    name = safe_name(raw)
    assert name and "/" not in name and "\\" not in name
    assert name not in (".", "..") and not name.startswith(".")
    assert all(ord(ch) >= 32 for ch in name)


def test_safe_name_keeps_chinese_and_lowercases_the_suffix() -> None:
    assert safe_name("宿州 冷链方案.TXT") == "宿州_冷链方案.txt"
    assert safe_name("../../etc/passwd") == "passwd"
    assert len(safe_name("长" * 500 + ".md")) <= 110


def test_traversal_name_is_stored_inside_uploads(tmp_path: Path) -> None:
    src = _file(tmp_path, "x.txt", TEXT)
    index_dir = tmp_path / "index"
    stored = store_upload(src, "../../../outside.txt", index_dir, max_bytes=10_000)
    assert stored.parent == uploads_dir(index_dir)
    assert stored.name == "outside.txt" and stored.read_bytes() == TEXT
    assert not (tmp_path / "outside.txt").exists()


def test_staged_upload_replaces_only_when_committed(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    first = store_upload(_file(tmp_path, "a.txt", TEXT), "plan.txt", index_dir, max_bytes=10_000)
    staged = stage_upload(_file(tmp_path, "b.txt", TEXT + b"v2"), "plan.txt", index_dir, max_bytes=10_000)
    assert staged.name == "plan.txt" and staged != first
    assert stored_uploads(index_dir) == [first] and first.read_bytes() == TEXT  # not yet replaced
    discard_upload(staged)
    assert first.read_bytes() == TEXT and not staged.exists()
    staged = stage_upload(_file(tmp_path, "c.txt", TEXT + b"v3"), "plan.txt", index_dir, max_bytes=10_000)
    assert commit_upload(staged) == first and first.read_bytes() == TEXT + b"v3"
    assert stored_uploads(index_dir) == [first]


def test_oversize_is_refused_and_named(tmp_path: Path) -> None:
    src = _file(tmp_path, "big.txt", b"x" * 2048)
    with pytest.raises(FileTooLargeError) as err:
        store_upload(src, "big.txt", tmp_path / "index", max_bytes=1024)
    assert "big.txt" in str(err.value)
    assert not uploads_dir(tmp_path / "index").exists() or not any(uploads_dir(tmp_path / "index").iterdir())


@pytest.mark.parametrize("name", ["evil.exe", "script.sh", "notes", "archive.zip", "image.png", "x.txt.exe"])
def test_wrong_extension_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedFormatError) as err:
        validate_upload(_file(tmp_path, "f", TEXT), name, max_bytes=10_000)
    assert safe_name(name) in str(err.value)
    assert ".txt" in err.value.problem  # the message lists what is allowed


@pytest.mark.parametrize("suffix", ALLOWED_SUFFIXES)
def test_empty_file_is_refused_for_every_type(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(EmptyDocumentError):
        validate_upload(_file(tmp_path, "f", b""), f"empty{suffix}", max_bytes=10_000)


@pytest.mark.parametrize(("name", "data", "error"), [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", UndecodableTextError),
    ("fake.pdf", "不是PDF".encode(), BrokenPdfError),
    ("fake.docx", b"plain text, not a zip", UndecodableTextError),
    ("blank.md", b"   \n\t  \n", EmptyDocumentError),
])
def test_bad_content_is_refused(tmp_path: Path, name: str, data: bytes, error: type[IngestError]) -> None:
    with pytest.raises(error) as err:
        validate_upload(_file(tmp_path, "f", data), name, max_bytes=10_000)
    assert name in str(err.value)


def test_good_files_pass(tmp_path: Path) -> None:
    assert validate_upload(_file(tmp_path, "f", TEXT), "方案.txt", max_bytes=10_000) == "方案.txt"
    assert validate_upload(_file(tmp_path, "g", b"%PDF-1.4\n..."), "a.PDF", max_bytes=10_000) == "a.pdf"
