"""Fixtures of the reliability tests; the helpers they use live in ``rel_support``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rel_support import CORPUS, write_big_corpus


@pytest.fixture(scope="session")
def hash_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus indexed with the HashEmbedder, built once; tests use copies (``hash_index``)."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.ingest.pipeline import ingest_paths

    root = tmp_path_factory.mktemp("hash-template") / "index"
    index = ClauseIndex.open(root, HashEmbedder(), create=True)
    report = ingest_paths([CORPUS])
    assert report.parsed and not report.skipped
    index.add(report.parsed, progress=False)
    index.close()
    return root


@pytest.fixture()
def hash_index(hash_index_template: Path, tmp_path: Path) -> Path:
    """A private copy of the hash-embedded corpus index (embedding cache included)."""
    dest = tmp_path / "index"
    shutil.copytree(hash_index_template, dest, ignore=shutil.ignore_patterns(".write.lock"))
    return dest


@pytest.fixture(scope="session")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """16 plans × 150 clauses: a build takes a few seconds, long enough to be interrupted."""
    return write_big_corpus(tmp_path_factory.mktemp("big") / "big", docs=16, clauses=150)
