"""End-to-end answers on the real seed index: responsibility, place, fact, English, abstention."""

from __future__ import annotations

from pathlib import Path

from policyqa.qa.answer import Answer

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CITY, DISTRICT, SUQIAN = "suzhou-yrd-action-plan-2021", "yongqiao-pairing-plan-2022", "suqian-north-south-opinions-2020"


def _cited_docs(answer: Answer) -> set[str]:
    return {c.clause.doc_id for c in answer.citations}


def test_cold_chain_lead_is_the_city_development_commission(engine) -> None:  # noqa: ANN001
    # The clause, as written in the city plan: "31.加快农产品产地批发市场、冷链物流等项目建设…(市发展改革委牵头,…)"
    text = (CORPUS / "suzhou_yrd_integration_action_plan_2021-2023.txt").read_text(encoding="utf-8")
    assert "冷链物流等项目建设" in text and "(市发展改革委牵头,市商务局" in text
    answer = engine.ask("宿州市冷链物流项目由哪个部门牵头？")
    assert answer.intent == "responsibility" and not answer.abstained
    assert answer.leads == ("市发展改革委",)
    assert "市商务局" in answer.cooperating
    assert answer.text.startswith("由市发展改革委牵头，市商务局")
    first = answer.citations[0].clause
    assert first.doc_id == CITY and "冷链物流" in first.text


def test_district_question_is_answered_from_the_district_plan_only(engine) -> None:  # noqa: ANN001
    answer = engine.ask("埇桥区以现有园区为基础探索共建省际产业合作园区，由谁负责？")
    assert _cited_docs(answer) == {DISTRICT}
    # （责任单位：…） names no lead: the units are responsible, and the answer says 责任单位.
    assert answer.responsible == ("区发展改革委", "区自然资源局", "区经济和信息化局", "区财政局", "相关园区")
    assert not answer.leads and answer.text.startswith("责任单位：")


def test_suqian_question_is_answered_from_suqian(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿迁市与苏州两地干部交流挂职由哪些部门负责？")
    assert _cited_docs(answer) == {SUQIAN}
    assert "市委组织部" in answer.responsible


def test_english_responsibility_question(engine) -> None:  # noqa: ANN001
    answer = engine.ask("Who leads the construction of cold-chain logistics and agricultural wholesale markets "
                        "in Suzhou?")
    assert answer.intent == "responsibility" and not answer.abstained
    assert answer.leads == ("市发展改革委",)
    assert answer.text.startswith("Lead: 市发展改革委")


def test_english_question_on_a_concept_the_corpus_lacks_abstains(engine) -> None:  # noqa: ANN001
    answer = engine.ask("Which bureau leads semiconductor chip projects in Suzhou?")
    assert answer.abstained and "半导体" in answer.text and not answer.citations


def test_english_question_about_a_district_cites_its_plan(engine) -> None:  # noqa: ANN001
    answer = engine.ask("Which units are responsible for the agricultural product sales system in Yongqiao District?")
    assert not answer.abstained and answer.citations[0].clause.doc_id == "yongqiao-pairing-plan-2022"


def test_fact_question_quotes_the_number(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州面向沪苏浙的农副产品及加工品年销售额目标是多少？")
    assert answer.intent == "fact" and not answer.abstained
    assert "400亿元" in answer.text
    assert answer.citations[0].clause.doc_id == CITY


def test_figure_question_on_a_clause_without_the_figure_abstains(engine) -> None:  # noqa: ANN001
    # The plan names the 蕲县港 works but gives no investment: a figure from another clause is no answer.
    answer = engine.ask("蕲县港扩能升级工程投资多少亿元？")
    assert answer.abstained and "没有给出问题所问的数字" in answer.text
    assert answer.related and answer.related[0].clause.doc_id == CITY


def test_which_ones_is_not_a_figure_question(engine) -> None:  # noqa: ANN001
    from policyqa.qa.answerers.extractive import _QUANTITY_CUES

    assert _QUANTITY_CUES.search("上海现有的北斗专业产业基地是哪几个？") is None
    assert _QUANTITY_CUES.search("新增几家企业？") and _QUANTITY_CUES.search("补贴比例是多少？")


def test_figures_in_clause_numbers_and_cited_titles_are_not_facts() -> None:
    from policyqa.qa.answerers.extractive import _is_title, _states_number

    assert not _states_number("10.推动脑机接口临床试验。")
    assert not _states_number("现将《上海市脑机接口未来产业培育行动方案（2025-2030年）》印发给你们。")
    assert _states_number("到2027年，新增首次获批的境内第三类医疗器械注册证超过500件。")
    assert _is_title("**上海市支持企业加强基础研究 增强高质量发展新动能的若干措施**", "")
    assert _is_title("# 关于印发《A》的通知", "关于印发《A》的通知") and not _is_title("制定实施方案。", "")


def test_unmentioned_city_abstains_with_related_clauses(engine) -> None:  # noqa: ANN001
    answer = engine.ask("淮安市南北共建园区的责任单位有哪些？")
    assert answer.abstained and answer.text.startswith("语料中未找到依据")
    assert not answer.citations and not answer.leads
    assert answer.related


def test_unmentioned_measure_abstains(engine) -> None:  # noqa: ANN001
    answer = engine.ask("埇桥区新能源汽车充电桩建设由哪个部门负责？")
    assert answer.abstained and answer.text.startswith("语料中未找到依据")


def test_news_report_without_units_gives_no_leads(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州市首批赴杭州挂职锻炼和跟班学习的干部有多少名？")
    assert "25名" in answer.text
    assert not answer.leads


def test_answer_json_shape(engine) -> None:  # noqa: ANN001
    data = engine.ask("宿州市冷链物流项目由哪个部门牵头？").to_dict()
    assert {"question", "answer", "abstained", "intent", "leads", "cooperating", "citations", "mode"} <= set(data)
    assert data["mode"] == "extractive"
    assert set(data["citations"][0]) >= {"n", "clause_id", "doc_id", "doc_title", "path", "text"}
