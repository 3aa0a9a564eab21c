"""A question for a document's own particulars — its 文号, its issuer, the date it was issued — is answered from
what ingest read of the document, citing the clause that writes it. Two notices written for this test."""

from __future__ import annotations

import pytest

from policyqa.qa.answerers.metadata import asked_fields
from tests.qa.test_evidence_abstention import _engine_over

PARKS = """青禾市人民政府办公室关于推进口袋公园建设的通知
青禾政办发〔2035〕8号
各区人民政府，市政府各部门：
一、建设目标。全年新建口袋公园40个。
二、建设要求。各区要优先利用边角地建设口袋公园。
青禾市人民政府办公室
2035年3月6日
"""
LIBRARIES = """青禾市人民政府办公室关于推进社区书房建设的通知
青禾政办发〔2035〕21号
各区人民政府，市政府各部门：
一、建设目标。全年新建社区书房25个。
青禾市人民政府办公室
2035年7月9日
"""


@pytest.fixture(scope="module")
def notices(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "metadata", {"parks.txt": PARKS, "libraries.txt": LIBRARIES})
    yield engine
    engine.index.close()


@pytest.mark.parametrize(("question", "fields"), [
    ("口袋公园那份通知的文号是多少？", ("docnumber",)), ("这个通知是哪个部门印发的？", ("issuer",)),
    ("社区书房通知什么时候印发的？", ("date",)), ("What is the document number of the notice?", ("docnumber",)),
    ("这份通知文号多少，哪天印发的？", ("docnumber", "date")),
    ("口袋公园要建多少个？", ()), ("口袋公园由谁来建？", ()),
    # The particulars of another document the one retrieved refers to are in its text.
    ("这份通知依据的省级文件，文号是多少？", ()),
])
def test_wording_that_asks_for_a_particular(question: str, fields: tuple[str, ...]) -> None:
    assert asked_fields(question) == fields


def test_the_docnumber_of_the_document_asked(notices) -> None:  # noqa: ANN001
    answer = notices.ask("口袋公园那份通知的文号是多少？")
    assert "青禾政办发〔2035〕8号" in answer.text and answer.citations, answer.text
    assert "青禾政办发〔2035〕8号" in answer.citations[0].clause.text


def test_the_issuer_and_date_of_the_document_asked(notices) -> None:  # noqa: ANN001
    answer = notices.ask("社区书房建设的通知是什么时候印发的？")
    assert "2035年7月9日" in answer.text, answer.text
    answer = notices.ask("社区书房建设的通知是哪个部门印发的？")
    assert "青禾市人民政府办公室" in answer.text, answer.text


def test_a_document_quoted_that_the_corpus_does_not_hold_is_not_answered_from_ours(notices) -> None:  # noqa: ANN001
    answer = notices.ask("《青禾市绿化条例》何时印发？")
    assert "2035年" not in answer.text, answer.text
