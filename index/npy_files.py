""".npy files of a version: ``NpyRowWriter`` appends rows to one whose length is known only at the end;
``RowFile`` reads rows of one without memory-mapping it.

A build streams its clauses in chunks, so a million clauses' vectors (1.5 GB) and their sentence
windows (more) are never held in memory: each chunk's rows go to ``<name>.part``, and ``finish``
writes the ``.npy`` header for the final shape followed by those bytes.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "v.npy"
>>> w = NpyRowWriter(path, 2)
>>> w.append(np.ones((3, 2))); w.append(np.zeros((1, 2)))
>>> w.finish().shape
(4, 2)

Searches read a few hundred scattered rows of ``vectors.npy`` / ``windows.npy`` per query. Memory-mapped,
each such row mapped far more than its page into the process (measured on ext4 here, with
``MADV_RANDOM`` advised or not): 800 rows of a million-row file made 700 MB of it
resident, and fifty queries 5 GB (RssFile; RssAnon stayed 0.6 GB). ``RowFile`` reads rows with
``os.pread`` into ordinary arrays instead: a query holds the rows it asked for and nothing else, and
the page cache stays the kernel's to manage. Whole scans, which read every row in order (exact search
of a flat version, ``index.dense``), memory-map the file as before.
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

    def finish(self) -> np.ndarray | RowFile:
        """Write ``path`` (header, then the rows) and return it: a ``RowFile`` for 2-D rows, else an array."""
        self._file.close()
        shape = (self.rows,) if self.dim is None else (self.rows, self.dim)
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": shape}
        with open(self.path, "wb") as out:
            np.lib.format.write_array_header_1_0(out, header)
            with open(self._part, "rb") as src:
                shutil.copyfileobj(src, out, _COPY_BUFFER)
        os.remove(self._part)
        if self.rows == 0 or self.dim is None:
            return np.load(self.path)
        return RowFile(self.path)

    def close(self) -> None:
        """Drop the unfinished rows (after a failed build; ``finish`` needs no close)."""
        self._file.close()
        if self._part.exists():
            os.remove(self._part)



class RowFile:
    """A 2-D ``.npy`` file read by rows: ``rows[positions]``, ``rows[a:b]``, ``rows[i]``, ``len``, ``shape``.

    Reads are ``os.pread`` calls (one per run of consecutive positions), so threads may share it.
    """

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{path}: expected a C-ordered 2-D array, got shape {shape}")
        self.path, self.shape, self.dtype = path, tuple(shape), np.dtype(dtype)
        self._row_bytes = self.dtype.itemsize * self.shape[1]
        self._fd = os.open(path, os.O_RDONLY)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: int | slice | np.ndarray) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step == 1:
                return self._run(start, max(stop - start, 0))
            return self.rows(np.arange(start, stop, step))
        if isinstance(key, (int, np.integer)):
            index = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= index < len(self):
                raise IndexError(f"row {key} out of range for {len(self)} rows")
            return self._run(index, 1)[0]
        return self.rows(key)

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        whole = self._run(0, len(self))
        return whole if dtype is None else whole.astype(dtype)

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """The rows at ``positions`` (any order, repeats allowed), in that order."""
        positions = np.asarray(positions, dtype=np.int64).reshape(-1)
        out = np.empty((positions.size, self.shape[1]), self.dtype)
        if positions.size == 0:
            return out
        if positions.min() < 0 or positions.max() >= len(self):
            raise IndexError(f"rows out of range for {len(self)} rows")
        order = np.argsort(positions, kind="stable")
        ordered = positions[order]
        breaks = np.flatnonzero(np.diff(ordered) != 1) + 1
        for lo, hi in zip(np.concatenate(([0], breaks)), np.concatenate((breaks, [ordered.size]))):
            out[order[lo:hi]] = self._run(int(ordered[lo]), int(hi - lo))
        return out

    def _run(self, start: int, count: int) -> np.ndarray:
        size = count * self._row_bytes
        data = os.pread(self._fd, size, self._offset + start * self._row_bytes) if size else b""
        if len(data) != size:
            raise OSError(f"{self.path}: short read ({len(data)} of {size} bytes): the file was truncated")
        return np.frombuffer(data, dtype=self.dtype).reshape(count, self.shape[1]).copy()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()
