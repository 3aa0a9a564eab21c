"""``NpyRowWriter``: append rows to a ``.npy`` file whose length is known only at the end.

A build streams its clauses in chunks, so a million clauses' vectors (1.5 GB) and their sentence
windows (more) are never held in memory: each chunk's rows go to ``<name>.part``, and ``finish``
writes the ``.npy`` header for the final shape followed by those bytes, then reads the result back
memory-mapped.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "v.npy"
>>> w = NpyRowWriter(path, 2)
>>> w.append(np.ones((3, 2))); w.append(np.zeros((1, 2)))
>>> w.finish().shape
(4, 2)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

_COPY_BUFFER = 1 << 22


class NpyRowWriter:
    """Rows of ``dim`` values (``dim=None``: one value per row, a 1-D array) of ``dtype``, appended in order."""

    def __init__(self, path: Path, dim: int | None, dtype: type = np.float32) -> None:
        self.path, self.dim, self.dtype = path, dim, np.dtype(dtype)
        self._part = path.with_name(path.name + ".part")
        self._file = open(self._part, "wb")
        self.rows = 0

    def append(self, rows: np.ndarray) -> None:
        shape = (-1,) if self.dim is None else (-1, self.dim)
        rows = np.ascontiguousarray(np.asarray(rows, dtype=self.dtype).reshape(shape))
        self._file.write(rows.tobytes())
        self.rows += len(rows)

    def finish(self) -> np.ndarray:
        """Write ``path`` (header, then the rows) and return it memory-mapped."""
        self._file.close()
        shape = (self.rows,) if self.dim is None else (self.rows, self.dim)
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": shape}
        with open(self.path, "wb") as out:
            np.lib.format.write_array_header_1_0(out, header)
            with open(self._part, "rb") as src:
                shutil.copyfileobj(src, out, _COPY_BUFFER)
        os.remove(self._part)
        if self.rows == 0:  # np.load cannot memory-map an empty array
            return np.load(self.path)
        return np.load(self.path, mmap_mode="r")

    def close(self) -> None:
        """Drop the unfinished rows (after a failed build; ``finish`` needs no close)."""
        self._file.close()
        if self._part.exists():
            os.remove(self._part)
