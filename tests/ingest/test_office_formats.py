"""Old Word (.doc) and WPS (.wps) files through LibreOffice, and the error without it."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from plan_fixtures import write_docx

from policyqa.ingest.errors import ConverterMissingError, UndecodableTextError
from policyqa.ingest.formats.office import soffice
from policyqa.ingest.pipeline import parse_file

needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def _convert(source: Path, to: str, profile: Path) -> Path:
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", to,
                    "--outdir", str(source.parent), str(source)], check=True, capture_output=True, timeout=300)
    return source.with_suffix(f".{to}")


@needs_soffice
@pytest.mark.slow
def test_doc_and_wps_read_like_their_docx(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "plan.docx")
    # LibreOffice 7.4 drops python-docx tables on a direct .docx -> .doc export; through .odt they stay.
    doc = _convert(_convert(source, "odt", tmp_path / "profile"), "doc", tmp_path / "profile")
    wps = tmp_path / "plan.wps"  # WPS Writer saves the Word 97 format under its own extension
    shutil.copy(doc, wps)
    expected = [(c.numbering, c.leads, c.cooperating, c.deadline) for c in parse_file(source).clauses]
    for path in (doc, wps):
        parsed = parse_file(path)
        assert parsed.document.source_path == path.name
        assert [(c.numbering, c.leads, c.cooperating, c.deadline) for c in parsed.clauses] == expected


@needs_soffice
def test_garbage_doc_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(0).randbytes(4096))  # OLE magic, then noise
    with pytest.raises(UndecodableTextError, match="broken.wps"):
        parse_file(path)


@needs_soffice
@pytest.mark.slow
def test_old_doc_named_docx_says_to_rename_it(tmp_path: Path) -> None:
    doc = _convert(write_docx(tmp_path / "plan.docx"), "doc", tmp_path / "profile")
    renamed = doc.rename(tmp_path / "old.docx")
    with pytest.raises(UndecodableTextError, match="old.docx: an old Word .doc file named .docx: rename it to .doc"):
        parse_file(renamed)


def test_without_libreoffice_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    path = tmp_path / "plan.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ConverterMissingError, match="libreoffice-writer-nogui") as info:
        parse_file(path)
    assert "plan.wps" in str(info.value)
    assert shutil.which("soffice") is None
