"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice (``soffice --headless``) in a
temporary folder, then read as .docx. Without ``soffice`` on PATH a clear error names what to install."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from policyqa.ingest.errors import ConverterMissingError, UndecodableTextError
from policyqa.ingest.formats.docx import load_docx
from policyqa.ingest.formats.raw import RawDocument
from policyqa.ingest.formats.text import looks_binary

logger = logging.getLogger(__name__)

INSTALL_HINT = ("reading .doc/.wps needs LibreOffice: install it (Debian: apt-get install "
                "libreoffice-writer-nogui) so that `soffice` is on PATH, or save the file as .docx")
TIMEOUT_S = 300
_MAX_ODD = 0.01


def soffice() -> str | None:
    """Path of the LibreOffice binary, or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _garbled(text: str) -> bool:
    """Private-use and unassigned code points: what bytes read as UTF-16 text look like."""
    odd = sum(unicodedata.category(ch) in ("Co", "Cn", "Cs") for ch in text)
    return odd > max(2, _MAX_ODD * len(text))


def load_office(path: Path) -> RawDocument:
    """Convert a .doc/.wps file with LibreOffice and read the result as .docx.

    Raises:
        ConverterMissingError: no ``soffice`` on PATH.
        UndecodableTextError: LibreOffice could not convert the file.
    """
    binary = soffice()
    if binary is None:
        raise ConverterMissingError(path, INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="policyqa-office-") as tmp:
        out = Path(tmp)
        # A private profile: a second soffice would otherwise wait on the user's profile lock.
        command = [binary, f"-env:UserInstallation=file://{out / 'profile'}", "--headless",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path.resolve())]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UndecodableTextError(path, f"LibreOffice did not convert the file in {TIMEOUT_S} s") from exc
        converted = out / f"{path.stem}.docx"
        if done.returncode != 0 or not converted.is_file():
            logger.info("soffice said: %s %s", done.stdout.strip(), done.stderr.strip())
            raise UndecodableTextError(path, f"LibreOffice could not convert this {path.suffix} file")
        raw = load_docx(converted)
    if looks_binary(raw.text) or _garbled(raw.text):
        # LibreOffice reads a file it does not recognise as plain text: binary garbage is no document.
        raise UndecodableTextError(path, f"not a readable {path.suffix} file (LibreOffice found no document in it)")
    return dataclasses.replace(raw, path=path)
