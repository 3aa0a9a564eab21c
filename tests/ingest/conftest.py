"""Fixtures of the ingest tests: the five seed documents parsed once per session."""

from __future__ import annotations

import pytest

from policyqa.ingest.catalog import bundled_corpus_dir
from policyqa.model import ParsedDocument
from policyqa.ingest.pipeline import ingest_paths


@pytest.fixture(scope="session")
def seeds() -> dict[str, ParsedDocument]:
    """doc_id -> ParsedDocument of the bundled corpus (with catalog metadata)."""
    report = ingest_paths([bundled_corpus_dir()])
    assert not report.skipped
    return {p.document.doc_id: p for p in report.parsed}
