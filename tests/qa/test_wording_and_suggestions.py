"""Answers keep the document's own wording for roles; unit suggestions stay inside the asked region."""

from __future__ import annotations

import pytest

from policyqa.qa.answerers.extractive import responsibility_sentence
from policyqa.qa.errors import UnknownUnitError


@pytest.mark.parametrize(("source", "expected"), [
    ("推进园区建设。（市商务局牵头，市财政局、市科技局配合）", "由市商务局牵头，市财政局、市科技局配合。"),
    ("推进园区建设。(市商务局牵头,市财政局等按职责分工负责)", "由市商务局牵头，市财政局、市科技局等按职责分工负责。"),
    ("推进园区建设。（市商务局牵头，市财政局、市科技局参与）", "由市商务局牵头，市财政局、市科技局参与。"),
])
def test_the_cooperating_role_is_worded_as_the_clause_words_it(source: str, expected: str) -> None:
    assert responsibility_sentence(("市商务局",), ("市财政局", "市科技局"), source_text=source) == expected


def test_suggestions_for_an_unknown_unit_stay_in_the_region(engine) -> None:  # noqa: ANN001
    """宿迁 has a 市工业和信息化局, 宿州 a 市经信局: asking 宿州 for 市工信局 must not offer the 宿迁 one."""
    with pytest.raises(UnknownUnitError) as err:
        engine.ledger.resolve("市工信局", region="宿州")
    assert err.value.suggestions and not any("宿迁" in s for s in err.value.suggestions)
    assert "市经信局" in err.value.suggestions
    assert "outside it: 宿迁市 市工业和信息化局" in str(err.value)  # named, not suggested
    with pytest.raises(UnknownUnitError) as district:  # a district of the city is inside it
        engine.ledger.resolve("区财政局", region="宿州")
    assert district.value.suggestions == ("埇桥区 区财政局",)
