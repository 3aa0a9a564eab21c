"""The QA engine over the real seed index (built once per session by ``seed_index``)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def engine(seed_index):  # noqa: ANN001, ANN201 - ClauseIndex / QAEngine
    from policyqa.qa.engine import QAEngine

    return QAEngine(seed_index)
