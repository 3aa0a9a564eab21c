"""The scanned-PDF bench: a many-page image-only PDF rendered from the bundled corpus, read by OCR.

OCR costs seconds of CPU per page, so this is a bench option (``policyqa bench --scan-pages 300``), never
a test. The report says how long the whole scan took, per page, and whether it stayed within the bound.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policyqa.eval.bench.measure import peak_rss_mb

logger = logging.getLogger(__name__)

DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_PAGE = (1190, 1684)          # A4 scanned at 144 dpi (the reader renders it at its own RENDER_SCALE)
_SIZE = 28                    # 14 pt at 144 dpi
_MARGIN = 100


@dataclass(frozen=True, slots=True)
class ScanBench:
    """What one OCR run of a rendered scan took.

    ``pages_done`` is below ``pages`` when the per-document bound stopped OCR (``bound_hit``);
    ``seconds_per_page`` is over the pages read, ``projected_seconds`` what all pages would take at that
    rate. ``rss_mb_at`` samples this process's resident memory after pages 1, 10, every 25th and the last one
    (flat when pages are rendered one at a time); ``load`` is the 1-minute load average at start and end.
    """

    pages: int
    pages_done: int
    file_mb: float
    seconds: float
    seconds_per_page: float
    projected_seconds: float
    bound_seconds: float
    within_bound: bool
    bound_hit: bool
    chars: int
    clauses: int
    peak_rss_mb: float
    rss_mb_at: dict[int, float]
    load: tuple[float, float]
    ocr_threads: int
    cpus: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def render_scan(path: Path, pages: int, *, font: Path = DEFAULT_FONT) -> Path:
    """An image-only PDF of ``pages`` pages of the bundled corpus text (repeated as needed).

    Pages are drawn one at a time and appended to the PDF (pypdfium2), so rendering 300 pages holds one
    page image, not 300 (which would dominate the peak RSS the bench reports).
    """
    import io

    import pypdfium2
    from PIL import Image, ImageDraw, ImageFont

    from policyqa.ingest.catalog import bundled_corpus_dir

    if not font.is_file():
        raise FileNotFoundError(f"{font}: a CJK font is needed to render the scan (Debian fonts-wqy-microhei)")
    face = ImageFont.truetype(str(font), _SIZE)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt")))
    lines = _wrapped(text, (_PAGE[0] - 2 * _MARGIN) // _SIZE)
    per_page = (_PAGE[1] - 2 * _MARGIN) // int(_SIZE * 1.8)
    document = pypdfium2.PdfDocument.new()
    try:
        for page in range(pages):
            image = Image.new("L", _PAGE, 255)
            draw = ImageDraw.Draw(image)
            for row in range(per_page):
                x, line = lines[(page * per_page + row) % len(lines)]
                draw.text((x, _MARGIN + row * int(_SIZE * 1.8)), line, font=face, fill=0)
            draw.text((_PAGE[0] // 2 - 2 * _SIZE, _PAGE[1] - _MARGIN // 2), f"— {page + 1} —", font=face, fill=0)
            buffer = io.BytesIO()
            image.save(buffer, "PDF", resolution=144.0)
            single = pypdfium2.PdfDocument(buffer.getvalue())
            document.import_pages(single)
            single.close()
        document.save(str(path))
    finally:
        document.close()
    return path


def _wrapped(text: str, width: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for paragraph in (p.strip() for p in text.splitlines()):
        if not paragraph:
            continue
        out.append((_MARGIN + 2 * _SIZE, paragraph[:width - 2]))
        rest = paragraph[width - 2:]
        out += [(_MARGIN, rest[i:i + width]) for i in range(0, len(rest), width)]
    return out


def run_scan_bench(pages: int = 300, *, bound_minutes: float = 150.0, work_dir: Path | None = None,
                   font: Path = DEFAULT_FONT, threads: int = 0) -> ScanBench:
    """Render a ``pages``-page scan and read it end to end (OCR, furniture, clauses) under the reader's
    own per-document bound (``IngestConfig.ocr_max_minutes`` = ``bound_minutes``): when it is hit, the
    report gives the pages read and the rate instead of the whole document.

    Raises:
        ImportError: the ocr extra is not installed.
        FileNotFoundError: no CJK font to render the pages with.
    """
    import psutil

    from policyqa.ingest.config import IngestConfig
    from policyqa.ingest.errors import OcrBoundError
    from policyqa.ingest.formats.ocr import load_scanned, ocr_engine
    from policyqa.ingest.pipeline import parse_raw

    ocr_engine(threads)  # loaded once before the clock starts, as a long-running ingest would
    process = psutil.Process()
    samples: dict[int, float] = {}
    done = 0

    def on_page(page: int, total: int) -> None:
        nonlocal done
        done = page
        if page in (1, 10, total) or page % 25 == 0:
            samples[page] = round(process.memory_info().rss / 2**20, 1)

    config = IngestConfig(ocr_max_minutes=bound_minutes, ocr_threads=threads)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="policyqa-scan-") as tmp:
        path = render_scan(Path(tmp) / f"scan-{pages}p.pdf", pages, font=font)
        size = path.stat().st_size / 2**20
        logger.info("rendered %s (%.1f MB); OCR starts", path.name, size)
        load_start = os.getloadavg()[0]
        start = time.perf_counter()
        chars = clauses = 0
        try:
            parsed = parse_raw(load_scanned(path, progress=True, config=config, on_page=on_page))
            chars, clauses = len(parsed.text), len(parsed.clauses)
        except OcrBoundError as exc:
            logger.warning("%s", exc)
        seconds = time.perf_counter() - start
    samples.setdefault(done, round(process.memory_info().rss / 2**20, 1))  # where a bound stopped it
    bound = bound_minutes * 60.0
    per_page = seconds / max(done, 1)
    return ScanBench(pages, done, round(size, 1), round(seconds, 1), round(per_page, 2), round(per_page * pages),
                     bound, done == pages and seconds <= bound, done < pages, chars, clauses, peak_rss_mb(),
                     samples, (round(load_start, 2), round(os.getloadavg()[0], 2)), threads, os.cpu_count() or 0)
