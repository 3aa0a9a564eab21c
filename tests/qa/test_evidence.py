"""Evidence for an answer: the sentence that holds the subject, the year asked about, places in English."""

from __future__ import annotations

from policyqa.qa.answerers.extractive import _states_number
from policyqa.qa.question.language import expand_query
from policyqa.qa.question.years import about_other_years, section_years, years_in

CITY, NEWS = "suzhou-yrd-action-plan-2021", "suzhou-hangzhou-pairing-news-2023"


def test_years_are_read_with_their_ranges() -> None:
    assert years_in("宿州市推进长三角一体化发展三年行动计划(2021-2023年)") == {2021, 2022, 2023}
    assert years_in("到2025年，建成30个，投资12000万元") == {2025}
    assert section_years(("一、2023年工作回顾", "（二）")) == {2023}
    assert about_other_years(frozenset({2024}), section_years(("一、2023年工作回顾",)))
    assert not about_other_years(frozenset({2024}), section_years(("二、2024年工作安排",)))
    assert not about_other_years(frozenset(), section_years(("一、2023年工作回顾",)))
    assert not about_other_years(frozenset({2024}), section_years(("三、保障措施",)))


def test_a_year_alone_answers_no_how_many_question() -> None:
    assert not _states_number("2024年是实施规划的关键之年。", years=False)
    assert _states_number("2024年是实施规划的关键之年。")  # a when-question may be answered by it
    assert _states_number("到2027年，新增注册证超过500件。", years=False)


def test_the_year_a_question_names_picks_the_document_whose_title_covers_it(engine) -> None:  # noqa: ANN001
    # Both documents are about 宿州市; only the plan's title (2021-2023年) covers 2021.
    assert set(engine.retrieve("宿州市冷链物流建设由哪个部门牵头？").doc_ids) >= {CITY, NEWS}
    assert engine.retrieve("宿州市2021年冷链物流建设由哪个部门牵头？").doc_ids == (CITY,)


def test_the_fact_is_the_sentence_holding_the_subject_and_its_clause_is_cited(engine) -> None:  # noqa: ANN001
    answer = engine.ask("杭州宿州产业园区由哪家公司作为运行主体？")
    assert not answer.abstained and "杭宿高新产业发展" in answer.text
    assert "杭宿高新产业发展" in answer.citations[0].clause.text


def test_a_figure_question_without_a_figure_on_its_subject_abstains(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州市引进直播电商企业每家最多奖励多少万元？")
    assert answer.abstained and not answer.citations


def test_english_places_are_romanised_from_the_division_table() -> None:
    # No glossary line names 兰州 or 包头: they come from the province / city table by pinyin.
    assert "兰州" in expand_query("What does Lanzhou plan for cold-chain logistics?")
    assert "包头" in expand_query("Who leads Baotou's smart city work?")
    assert expand_query("宿州市冷链物流") == "宿州市冷链物流"


def test_an_english_question_on_a_city_the_corpus_lacks_abstains(engine) -> None:  # noqa: ANN001
    answer = engine.ask("Which department leads cold-chain logistics in Lanzhou?")
    assert answer.abstained and "兰州" in answer.text


def test_short_forms_are_searched_and_judged_by_their_written_forms(engine) -> None:  # noqa: ANN001
    from policyqa.qa.question.language import search_query
    from policyqa.qa.question.shorthand import spelled_out, written_forms, written_or_short

    assert spelled_out("芜湖GDP增长目标") == "芜湖地区生产总值增长目标"
    assert written_forms("宁波固投增速") == ["固定资产投资"] and written_forms("固定资产投资增速") == []
    assert written_forms("MAIL服务") == []
    assert search_query("宿州市GDP增长目标") == "宿州市GDP增长目标 地区生产总值 生产总值"
    # The seed corpus writes 地区生产总值: GDP is not a term it lacks.
    assert "GDP" not in engine.retrieve("宿州市GDP增长目标是多少？").missing
    # A corpus writing only the short form holds the term the question's short form was spelled out to.
    report = "全年GDP总量实现4620亿元".__contains__
    assert written_or_short(["生产总值", "冷链"], "某市GDP是多少？", report) == ["冷链"]
