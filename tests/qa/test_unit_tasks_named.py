"""A unit's tasks asked within a document the question abbreviates (口岸意见里，商务部参与了哪些任务): the unit is
the one the question gives a role, though a longer name the ledger knows also stands in it, and the document is
the one its abbreviation names. Three national documents written for this test, ingested as plain files."""

from __future__ import annotations

import pytest

from tests.qa.test_evidence_abstention import _engine_over

HARBOUR = """国务院关于支持口岸经济区开放发展的意见
国发〔2034〕3号
一、建设口岸设施。完善口岸经济区查验场地建设。（口岸经济区、交通运输部负责，列第一位者为牵头单位，下同）
二、发展冷链贸易。支持冷链商品进口分拨。（交通运输部、商务部负责）
三、扩大服务贸易。支持船舶维修业务。（商务部、海关总署负责）
国务院
2034年2月1日
"""
RIVER = """国务院办公厅关于促进内河航运发展的指导意见
国办发〔2034〕9号
一、畅通航道。整治内河高等级航道。（交通运输部、水利部负责）
二、发展航运服务。培育航运交易市场。（商务部、交通运输部负责）
国务院办公厅
2034年4月2日
"""
FOREST = """国务院办公厅关于加强森林草原防火的通知
国办发〔2034〕20号
一、压实责任。各地要落实防火责任制。
二、加强装备。配备扑火机具。
国务院办公厅
2034年6月3日
"""


@pytest.fixture(scope="module")
def national(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "unit-tasks-named",
                          {"harbour.txt": HARBOUR, "river.txt": RIVER, "forest.txt": FOREST})
    yield engine
    engine.index.close()


def _tasks(answer) -> set[str]:  # noqa: ANN001
    return {c.clause.text.split("。")[0] for c in answer.citations}


def test_the_unit_given_a_role_is_asked_about(national) -> None:  # noqa: ANN001
    answer = national.ask("口岸经济区意见里，商务部参与了哪些任务？")
    assert answer.intent == "unit_tasks" and answer.text.startswith("商务部"), answer.text
    assert _tasks(answer) == {"二、发展冷链贸易", "三、扩大服务贸易"}, answer.text


def test_a_document_abbreviated_narrows_the_unit_tasks(national) -> None:  # noqa: ANN001
    answer = national.ask("口岸意见里，商务部参与了哪些任务？")
    assert _tasks(answer) == {"二、发展冷链贸易", "三、扩大服务贸易"}, answer.text
    # The first-listed unit leads, as the document declares.
    answer = national.ask("内河航运意见里，商务部牵头的任务有哪些？")
    assert _tasks(answer) == {"二、发展航运服务"}, answer.text
