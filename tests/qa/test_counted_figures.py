"""A figure answers a figure question only where it counts what is asked, for the year asked: a number of base
stations is no number of charging piles, and last year's growth is no target for this one. Over a work
report written for this test."""

from __future__ import annotations

import pytest

from policyqa.qa.question.counted import counted_head, counts_it
from policyqa.qa.question.years import years_dated
from tests.qa.test_evidence_abstention import _engine_over

LINHAI = """临海市2032年政府工作报告

一、过去一年工作回顾

初步统计，2031年全市地区生产总值增长5.2%，社会消费品零售总额增长4.1%。

二、2032年重点工作

（一）完善新型基础设施。加快电动汽车充电桩配套电网改造，新建5G基站4000个，新增数据中心机架2000个。

（二）稳定就业。城镇新增就业3万人以上，开发公益性岗位800个。

全年主要预期目标：地区生产总值增长5%左右。
"""


@pytest.fixture(scope="module")
def report(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "counted-report", {"linhai.txt": LINHAI})
    yield engine
    engine.index.close()


def test_a_figure_of_another_noun_does_not_count_what_is_asked(report) -> None:  # noqa: ANN001
    assert report.ask("临海全年建成多少个充电桩？").abstained
    answer = report.ask("临海全年新建多少个5G基站？")
    assert not answer.abstained and "4000个" in answer.text


def test_a_sentence_dated_to_another_year_does_not_answer_for_the_year_asked(report) -> None:  # noqa: ANN001
    assert report.ask("临海2032年社会消费品零售总额预计增长多少？").abstained
    answer = report.ask("临海2032年地区生产总值预计增长多少？")
    assert not answer.abstained and "5%左右" in answer.text


def test_the_counted_noun_is_held_by_its_head() -> None:
    assert counted_head("全年建成多少个充电桩？") == "电桩" and counted_head("增长多少？") == ""
    assert counted_head("能提供多少个工作岗位？") == "岗位"
    # A long noun phrase is headed by its last noun, past the first eight characters.
    assert counted_head("计划建成多少座高标准现代化物流园区？") == "园区"
    # …and ends before the verb or preposition that follows it.
    assert counted_head("选派多少名干部到外地挂职锻炼？") == "干部"
    assert counts_it("开发公益性岗位800个", "岗位") and not counts_it("加密布局充电设施，新建基站4000座", "电桩")


def test_a_year_is_dated_as_a_year_not_read_from_an_amount() -> None:
    assert years_dated("2031—2033年投资2000亿元") == frozenset({2031, 2032, 2033})


def test_a_county_short_name_the_corpus_writes_only_as_a_word_is_no_place(report) -> None:  # noqa: ANN001
    """新建 is 新建区's short name and jieba's place, but this corpus only builds things: no place is named."""
    places = report.retrieve("临海全年新建多少个5G基站？").places
    assert places.mentioned == () and places.unknown == () and places.scopes
