"""Shared fixtures: the bundled corpus, corpus-extra (skipped cleanly where absent), the real seed index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# POLICYQA_CORPUS_EXTRA points a git worktree (which has no ../shared) at the shared corpus.
SHARED_EXTRA = Path(os.environ.get("POLICYQA_CORPUS_EXTRA", ROOT.parent / "shared" / "corpus-extra"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def extra_dir() -> Path:
    if not SHARED_EXTRA.is_dir():
        pytest.skip("../shared/corpus-extra is absent")
    return SHARED_EXTRA


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED_EXTRA.is_dir():
        return
    skip = pytest.mark.skip(reason="../shared/corpus-extra is absent")
    for item in items:
        if "corpus_extra" in item.keywords:
            item.add_marker(skip)


def _embed_cache_path(config: pytest.Config, root: Path) -> Path:
    """Embeddings survive between test sessions in pytest's cache (keyed by embedder and text hash),
    so only the first run pays for embedding the corpus; without the cache plugin, inside the index."""
    cache = getattr(config, "cache", None)
    if cache is None:
        return root / "embed-cache.sqlite"
    return Path(cache.mkdir("policyqa-embed-cache")) / "embed-cache.sqlite"


@pytest.fixture(scope="session", autouse=True)
def onnx_model_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The onnx engine's built model lives in pytest's cache (built once, not once per session) and
    never in the user's data directory; subprocesses inherit the setting."""
    import os

    cache = getattr(request.config, "cache", None)
    directory = Path(cache.mkdir("policyqa-onnx-model")) if cache else tmp_path_factory.mktemp("onnx-model")
    os.environ["POLICYQA_MODEL_DIR"] = str(directory)
    return directory


@pytest.fixture(scope="session")
def seed_index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The real index of ``corpus/`` with the real default embedder (onnx), built once per session.

    A ``ClauseIndex``; its directory is ``seed_index.path``. Tests must not add to or remove from it.
    """
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
    from policyqa.ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("seed-index") / "index"
    index = ClauseIndex.open(root, make_embedder(DEFAULT_EMBEDDER), create=True,
                             cache_path=_embed_cache_path(request.config, root))
    report = ingest_paths([CORPUS])
    assert report.parsed and not report.skipped, report.skipped
    index.add(report.parsed, progress=False)
    yield index
    index.close()
