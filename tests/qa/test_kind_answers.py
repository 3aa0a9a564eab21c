"""A which-question names the kind of body it asks for (哪个镇 / 哪所学校 / 哪些城市): its answer is the
body of that kind the best sentence gives a task to, over a work report written for this test whose plan
lost its heading (its tasks sit under the review, as in a report pasted without its second part)."""

from __future__ import annotations

import pytest

from tests.qa.test_evidence_abstention import _engine_over

QINGZHOU = """青州市2024年政府工作报告

一、2023年工作回顾

过去一年，全市经济运行稳中向好。地区生产总值达到1020亿元，增长5.1%。新建城市书房12个。

（一）产业发展取得新进展。新增规上工业企业60家，远航集团入选省级瞪羚企业。

重点做好以下工作：

（一）做强实体经济。支持远航集团、海川公司建设高水平研发平台，支持东岳大学建设高水平学科平台，新增科技型企业50家。建成云门镇污水处理厂配套的工业园区管网。

（二）提升城乡品质。推动云门镇创建省级卫生镇，实施老旧小区改造40个。

（三）办好人民满意的教育。支持青州二中创建省级示范性普通高中，新建幼儿园5所。

（四）深化区域合作。城际铁路东延线建成后将连接潍坊，市交通运输局负责线路协调。

（五）培育新兴产业。谋划氢能产业发展路径，完善产业扶持政策。全年新增规上工业企业30家。
"""


@pytest.fixture(scope="module")
def report(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "kind-report", {"qingzhou.txt": QINGZHOU})
    yield engine
    engine.index.close()


@pytest.mark.parametrize(("question", "leads"), [
    # 推动 governs the town: 创建 is an organisation's own act.
    ("青州让哪个镇去创省级卫生镇？", ("云门镇",)),
    # The plan's clauses sit under the review's heading; no other clause names anyone.
    ("青州打算让哪所学校成为省级示范性高中？", ("青州二中",)),
])
def test_the_body_of_the_asked_kind_answers(report, question, leads) -> None:  # noqa: ANN001
    answer = report.ask(question)
    assert answer.intent == "responsibility" and answer.leads == leads


def test_a_town_s_tasks_list_first_the_clauses_that_make_it_an_actor(report) -> None:  # noqa: ANN001
    answer = report.ask("云门镇有哪些工作安排？")
    assert answer.intent == "unit_tasks" and len(answer.citations) == 2  # complete: the place's project too
    assert "卫生镇" in answer.citations[0].clause.text and "污水处理厂" in answer.citations[1].clause.text
    assert "其中 [1] 由其承担" in answer.text


def test_a_place_that_is_the_object_of_a_task_is_stated_not_replaced_by_the_task_s_unit(report) -> None:  # noqa: ANN001
    answer = report.ask("城际铁路东延线将连接哪个城市？")
    assert answer.leads == () and "潍坊" in answer.text and "东延线" in answer.citations[0].clause.text


def test_an_english_figure_question_is_not_answered_by_a_figure_on_something_else(report) -> None:  # noqa: ANN001
    # 氢能 is planned, with no figure; the clause's figure counts new firms.
    assert report.ask("How many hydrogen projects will Qingzhou start this year?").abstained
