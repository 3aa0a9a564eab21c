"""Shared fixtures: the bundled corpus, corpus-extra (skipped cleanly where absent), the real seed index."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_EXTRA = ROOT.parent / "shared" / "corpus-extra"
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
