"""The scanned-PDF bench: a many-page image-only PDF rendered from the bundled corpus, read by OCR.

OCR costs seconds of CPU per page, so this is a bench option (``policyqa bench --scan-pages 300``), never
a test. The report says how long the whole scan took, per page, and whether it stayed within the bound.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policyqa.eval.bench.measure import peak_rss_mb

logger = logging.getLogger(__name__)

DEFAULT_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_PAGE = (1190, 1684)          # A4 at 144 dpi, the resolution the OCR reader renders at
_SIZE = 28                    # 14 pt at 144 dpi
_MARGIN = 100


@dataclass(frozen=True, slots=True)
class ScanBench:
    """What one OCR run of a rendered scan took."""

    pages: int
    file_mb: float
    seconds: float
    seconds_per_page: float
    bound_seconds: float
    within_bound: bool
    chars: int
    clauses: int
    peak_rss_mb: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def render_scan(path: Path, pages: int, *, font: Path = DEFAULT_FONT) -> Path:
    """An image-only PDF of ``pages`` pages of the bundled corpus text (repeated as needed)."""
    from PIL import Image, ImageDraw, ImageFont

    from policyqa.ingest.catalog import bundled_corpus_dir

    if not font.is_file():
        raise FileNotFoundError(f"{font}: a CJK font is needed to render the scan (Debian fonts-wqy-microhei)")
    face = ImageFont.truetype(str(font), _SIZE)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(bundled_corpus_dir().glob("*.txt")))
    lines = _wrapped(text, (_PAGE[0] - 2 * _MARGIN) // _SIZE)
    per_page = (_PAGE[1] - 2 * _MARGIN) // int(_SIZE * 1.8)
    images = []
    for page in range(pages):
        image = Image.new("L", _PAGE, 255)
        draw = ImageDraw.Draw(image)
        for row in range(per_page):
            x, line = lines[(page * per_page + row) % len(lines)]
            draw.text((x, _MARGIN + row * int(_SIZE * 1.8)), line, font=face, fill=0)
        draw.text((_PAGE[0] // 2 - 2 * _SIZE, _PAGE[1] - _MARGIN // 2), f"— {page + 1} —", font=face, fill=0)
        images.append(image)
    images[0].save(path, "PDF", resolution=144.0, save_all=True, append_images=images[1:])
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
                   font: Path = DEFAULT_FONT) -> ScanBench:
    """Render a ``pages``-page scan and read it end to end (OCR, furniture, clauses).

    Raises:
        ImportError: the ocr extra is not installed.
        FileNotFoundError: no CJK font to render the pages with.
    """
    from policyqa.ingest.formats.ocr import load_scanned, ocr_engine
    from policyqa.ingest.pipeline import parse_raw

    ocr_engine()  # loaded once before the clock starts, as a long-running ingest would
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="policyqa-scan-") as tmp:
        path = render_scan(Path(tmp) / f"scan-{pages}p.pdf", pages, font=font)
        size = path.stat().st_size / 2**20
        logger.info("rendered %s (%.1f MB); OCR starts", path.name, size)
        start = time.perf_counter()
        raw = load_scanned(path, progress=True)
        parsed = parse_raw(raw)
        seconds = time.perf_counter() - start
    bound = bound_minutes * 60.0
    return ScanBench(pages, round(size, 1), round(seconds, 1), round(seconds / pages, 2), bound,
                     seconds <= bound, len(parsed.text), len(parsed.clauses), peak_rss_mb())
