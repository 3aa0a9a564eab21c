"""A which-question laid over the sentence it is about: the words where its 谁 / 哪个X stands are the answer
(``qa.answerers.slot_fill``), over a work report written for this test that gives its tasks in running text."""

from __future__ import annotations

import pytest

from policyqa.qa.answerers.slot_fill import fill, question_slot
from tests.qa.test_evidence_abstention import _engine_over

HAIYAN = """海晏市2025年政府工作报告

一、2025年重点工作

（一）激发创新活力。支持“星河实验室”建设开源模型社区，支持临川大学整体创建一流学科。团体标准原则上由行业协会牵头制定，鼓励北辰钢铁、东港船舶等骨干企业牵头成立产业联盟。

（二）扩大有效投资。新建冷链仓储设施20万立方米（牵头单位：市商务局，配合单位：市财政局、各区、县级市）。壮大文旅集团，推动旅游业提质。

（三）优化营商环境。市场监管局负责涉企收费清理，深化“一网通办”改革。
"""


@pytest.fixture(scope="module")
def report(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "slot-report", {"haiyan.txt": HAIYAN})
    yield engine
    engine.index.close()


@pytest.mark.parametrize(("question", "leads"), [
    # 支持X建设…: X does the supported work, though no duty verb names it.
    ("海晏支持谁去建设开源模型社区？", ("星河实验室",)),
    # The question's words around the slot find it: 由X牵头, with 来 the sentence lacks.
    ("团体标准按规定由谁牵头制定？", ("行业协会",)),
    # A list closed by 等 and the kind asked for: each name, without the kind.
    ("由哪些骨干企业牵头成立产业联盟？", ("北辰钢铁", "东港船舶")),
])
def test_the_words_where_the_slot_stands_answer(report, question, leads) -> None:  # noqa: ANN001
    answer = report.ask(question)
    assert answer.leads == leads and not answer.abstained
    assert answer.citations and "（一）" in answer.citations[0].clause.path[-1]


def test_a_marker_keeps_its_roles(report) -> None:  # noqa: ANN001
    answer = report.ask("冷链仓储设施建设由谁牵头？")
    assert answer.leads == ("市商务局",) and answer.cooperating == ("市财政局", "各区、县级市")


def test_the_object_of_a_verb_is_no_doer(report) -> None:  # noqa: ANN001
    """壮大哪家集团 asks what is strengthened: the sentence answers, with no unit as its doer."""
    answer = report.ask("海晏要壮大哪家集团？")
    assert "文旅集团" in answer.text and answer.leads == ()


def test_a_slot_needs_the_question_s_words_around_it() -> None:
    slot = question_slot("支持谁去建设开源模型社区？")
    assert slot is not None and slot.right == "建设开源模型社区"
    assert fill(slot, "支持星河实验室建设开源模型社区。").names == ("星河实验室",)
    # The task's words are not in the sentence: nothing fills the slot, whatever 支持 governs.
    assert fill(slot, "支持星河实验室开展海洋观测。") is None
    assert question_slot("主要目标是什么？") is None


def test_a_unit_written_nowhere_does_nothing_there(report) -> None:  # noqa: ANN001
    """The question's subject is a unit no document writes: another unit's clause is no answer about it."""
    answer = report.ask("海晏一网通办改革中市审计局负责的是哪个环节？")
    assert answer.abstained and "市审计局" in answer.text
    assert not report.ask("海晏一网通办改革中市场监管局负责的是哪个环节？").abstained
