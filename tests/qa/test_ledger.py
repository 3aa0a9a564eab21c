"""The responsibility ledger on the real seed index: complete task lists, region scoping, aliases.

Gold clause numbers are typed from reading corpus/*.txt (the parentheticals after each task), e.g.
宿州 plan 44: "(市商务局、市发展改革委牵头,宿州海关、各县区人民政府、市管园区管委会等按职责分工负责)".
"""

from __future__ import annotations

import pytest

from policyqa.qa.errors import UnknownDocumentError, UnknownRegionError, UnknownUnitError
from policyqa.qa.question.intent import detect_intent
from policyqa.qa.ledger.unit_names import UnitNames

YRD = "suzhou-yrd-action-plan-2021"
YQ = "yongqiao-pairing-plan-2022"
SQ = "suqian-north-south-opinions-2020"

# (unit as asked, region, role, document, clause numbers: the last part of each clause's numbering)
GOLD = [
    ("宿州海关", "", "any", YRD, {"44", "45", "48"}),
    ("宿州海关", "", "lead", YRD, set()),
    ("市文化和旅游局", "宿州", "lead", YRD, {"64", "65", "66"}),
    ("市文化和旅游局", "宿州", "cooperating", YRD, {"12", "30"}),
    ("市委组织部", "宿州", "any", YRD, {"1", "2", "24"}),
    ("市财政局", "宿州市", "any", YRD, {"1", "8", "10", "11", "55", "56", "73"}),
    # written 市人力资源和社会保障局 in 6 and 24, 市人力资源社会保障局 elsewhere: one unit
    ("市人力资源社会保障局", "宿州", "lead", YRD, {"58", "75"}),
    ("市人社局", "宿州", "cooperating", YRD, {"6", "24", "56", "60"}),
    ("市住建局", "宿州", "any", YRD, {"5", "12", "13", "54"}),
    ("区财政局", "", "any", YQ, {"5", "13", "14", "15"}),
    ("区委组织部", "埇桥区", "any", YQ, {"4", "17", "18", "19"}),
    # 埇桥区 and 宿迁 list （责任单位：…） without naming a lead: their units are responsible, not leads.
    ("区文化和旅游局", "", "responsible", YQ, {"7"}),
    ("区文化和旅游局", "", "lead", YQ, set()),
    ("区人社局", "埇桥", "any", YQ, {"16", "17", "19"}),
    ("市财政局", "宿迁", "any", SQ, {"（十一）", "（十二）", "（十三）", "（二十）"}),
    ("市委组织部", "宿迁", "responsible", SQ, {"（六）", "（十）", "（十七）"}),
    ("市统计局", "宿迁", "any", SQ, {"（十二）", "（十三）"}),
    ("市发改委", "宿迁", "responsible", SQ, {"（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）", "（十）",
                                 "（十一）", "（十二）", "（十三）", "（十八）", "（十九）", "（二十）"}),
]


@pytest.mark.parametrize(("unit", "region", "role", "doc_id", "numbers"), GOLD,
                         ids=[f"{u}-{r or 'any'}-{role}" for u, r, role, _, _ in GOLD])
def test_unit_tasks_are_exactly_the_gold_clauses(engine, unit, region, role, doc_id, numbers) -> None:  # noqa: ANN001
    clauses = engine.unit_tasks(unit, region=region or None, role=role)
    assert {(c.doc_id, c.numbering[-1]) for c in clauses} == {(doc_id, n) for n in numbers}
    assert len(clauses) == len(numbers)  # each clause once, however many parts it was split into


def test_same_name_in_two_regions_is_two_units(engine) -> None:  # noqa: ANN001
    ledger = engine.ledger
    both = ledger.resolve("市委组织部")
    assert {u.region for u in both} == {"宿州市", "宿迁市"}
    suzhou = ledger.resolve("宿州市委组织部")
    assert [u.region for u in suzhou] == ["宿州市"]
    assert {c.doc_id for c in engine.unit_tasks("宿州市委组织部")} == {YRD}
    assert {c.doc_id for c in engine.unit_tasks("市委组织部", region="宿迁")} == {SQ}


def test_district_unit_is_not_the_city_unit(engine) -> None:  # noqa: ANN001
    assert {c.doc_id for c in engine.unit_tasks("埇桥区财政局")} == {YQ}
    assert {c.doc_id for c in engine.unit_tasks("宿州市财政局")} == {YRD}
    with pytest.raises(UnknownUnitError) as err:
        engine.unit_tasks("区财政局", region="宿州")
    assert "埇桥区 区财政局" in err.value.suggestions
    # 埇桥区人民政府, named in the city plan, is 埇桥区's unit, not 宿州's.
    (gov,) = engine.ledger.resolve("埇桥区人民政府")
    assert gov.region == "埇桥区" and {c.doc_id for c in engine.unit_tasks("埇桥区人民政府")} == {YRD}


@pytest.mark.parametrize(("names", "region"), [
    (("市发改委", "市发展改革委", "市发展和改革委员会", "宿州市发改委"), "宿州"),
    (("区经信局", "区经济和信息化局", "埇桥区经济信息化局"), "埇桥区"),
    (("市经信局", "市经济和信息化局"), "宿州"),
    (("市地方金融监管局", "市地方金融监督管理局"), "宿迁"),
])
def test_aliases_resolve_to_one_unit(engine, names, region) -> None:  # noqa: ANN001
    resolved = {engine.ledger.resolve(name, region=region) for name in names}
    assert len(resolved) == 1 and len(next(iter(resolved))) == 1


def test_aliases_never_merge_different_units(engine) -> None:  # noqa: ANN001
    ledger = engine.ledger
    (education,) = ledger.resolve("市教育局", region="宿州")
    (education_sports,) = ledger.resolve("市教体局", region="宿州")
    assert education != education_sports
    names = UnitNames.bundled()
    assert names.key("工业和信息化局") != names.key("经济和信息化局")
    assert names.key("自然资源局") != names.key("自然资源和规划局")


def test_unknown_names_suggest_near_ones(engine) -> None:  # noqa: ANN001
    with pytest.raises(UnknownUnitError) as err:
        engine.unit_tasks("市发改局")
    assert "市发展改革委" in err.value.suggestions and "policyqa units" in str(err.value)
    with pytest.raises(UnknownRegionError) as region_err:
        engine.unit_tasks("市财政局", region="宿县")
    assert "宿州市" in region_err.value.suggestions
    with pytest.raises(UnknownDocumentError):
        engine.duty_table(doc_ids=["suzhou-yrd-plan"])


def test_units_count_lead_and_cooperating(engine) -> None:  # noqa: ANN001
    units = {u.label: u for u in engine.ledger.units(region="宿州")}
    assert (units["宿州海关"].leads, units["宿州海关"].cooperating) == (0, 3)
    assert (units["宿州市 市文化和旅游局"].leads, units["宿州市 市文化和旅游局"].cooperating) == (3, 2)
    assert all(u.region == "宿州市" for u in units.values())
    # 46 names 市发展改革委 as lead and again as cooperating: one task, counted as led.
    fdg = units["宿州市 市发展改革委"]
    assert fdg.total == len(engine.unit_tasks("市发展改革委", region="宿州"))


def test_whole_document_table(engine, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    table = engine.duty_table(doc_ids=[YQ])
    # the plan's 21 （责任单位：…） parentheticals and 三、（三）, whose units are its sentence's subject
    # (区发展改革委、区驻杭州市办事处加强与上城区相关机构对接)
    assert len(table.tasks) == 22
    path = table.write_xlsx(tmp_path / "yq.xlsx")
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["序号", "文件", "章节", "条款", "任务", "牵头单位", "配合单位", "责任单位", "条款编号"]
    assert len(rows) == 1 + 22
    row15 = next(r for r in rows[1:] if r[3] == "二、（五）15")
    assert row15[7] == "区财政局" and not row15[5] and row15[4].startswith("15.加强金融机构合作")
    assert "责任单位" not in row15[4]  # the task text, without its unit parenthetical
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["E"].width >= 60


def test_unit_table_xlsx_has_the_role_column(engine, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    path = engine.duty_table("市文化和旅游局", region="宿州").write_xlsx(tmp_path / "culture.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][8] == "本单位角色"
    assert sorted((r[3], r[8]) for r in rows[1:]) == sorted(
        [("九、64", "牵头"), ("九、65", "牵头"), ("九、66", "牵头"), ("三、12", "配合"), ("五、30", "配合")])


@pytest.mark.parametrize(("question", "intent"), [
    ("市发展改革委牵头哪些任务？", "unit_tasks"),
    ("我们区财政局要承担哪些工作？", "unit_tasks"),
    ("宿州海关参与了哪些任务？", "unit_tasks"),
    ("Which tasks does the Suzhou culture and tourism bureau lead?", "unit_tasks"),
    ("宿州市冷链物流项目由哪个部门牵头？", "responsibility"),
    ("Who leads cold-chain logistics in Suzhou?", "responsibility"),
])
def test_intent_of_the_inverse_question(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


def _numbers(answer) -> set[tuple[str, str]]:  # noqa: ANN001
    return {(c.clause.doc_id, c.clause.numbering[-1]) for c in answer.citations}


def test_ask_lists_every_task_of_the_unit(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州海关参与了哪些任务？")
    assert answer.intent == "unit_tasks" and not answer.abstained
    assert _numbers(answer) == {(YRD, "44"), (YRD, "45"), (YRD, "48")}
    assert answer.units == (("宿州市", "宿州海关"),) and answer.role == "any"
    assert "[3]" in answer.text


def test_ask_in_english_with_the_lead_role(engine) -> None:  # noqa: ANN001
    answer = engine.ask("Which tasks does the Suzhou culture and tourism bureau lead?")
    assert answer.intent == "unit_tasks" and answer.role == "lead"
    assert _numbers(answer) == {(YRD, "64"), (YRD, "65"), (YRD, "66")}
    assert answer.units == (("宿州市", "市文化和旅游局"),)


def test_ask_is_not_capped_at_k_and_keeps_regions_apart(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州市发改委牵头哪些任务？")
    leads = engine.unit_tasks("市发展改革委", region="宿州", role="lead")
    assert len(answer.citations) == len(leads) == 17 > engine.config.k
    assert {c.clause.doc_id for c in answer.citations} == {YRD}
    suqian = engine.ask("宿迁市委组织部负责哪些工作？")
    assert _numbers(suqian) == {(SQ, "（六）"), (SQ, "（十）"), (SQ, "（十七）")}
    district = engine.ask("我们区财政局要承担哪些工作？")
    assert _numbers(district) == {(YQ, n) for n in ("5", "13", "14", "15")}


def test_ask_about_a_place_without_the_unit_abstains(engine) -> None:  # noqa: ANN001
    answer = engine.ask("苏州市财政局负责哪些工作？")
    assert answer.abstained and not answer.citations
    assert "宿州市 市财政局" in answer.text  # says where units of that name are, without answering for them
    led = engine.ask("宿州海关牵头哪些任务？")
    assert led.abstained and len(led.related) == 3


def test_task_wording_without_a_known_unit_is_answered_as_before(engine) -> None:  # noqa: ANN001
    answer = engine.ask("火星开发署负责哪些工作？")
    assert answer.intent != "unit_tasks" and answer.abstained


def test_paragraphs_under_one_number_with_their_own_lists_are_tasks_of_their_own() -> None:
    # 三、（十三）: two paragraphs (parts 0 and 1 of one clause), each with its own （责任单位：…）.
    from policyqa.model import Clause
    from policyqa.qa.ledger.ledger import _clause_groups

    def part(n: int, text: str, responsible: tuple[str, ...]) -> Clause:
        return Clause(doc_id="d", numbering=("三", "（十三）"), path=("三", "（十三）"), text=text, search_text=text,
                      start=100 * n, end=100 * n + len(text), part=n, responsible=responsible)

    groups = _clause_groups([part(0, "实施科研数据分类分级管理。（责任单位：市科委、市数据局）", ("市科委", "市数据局")),
                             part(1, "推进数据产品知识产权登记。（责任单位：市知识产权局、市数据局）", ("市知识产权局", "市数据局"))])
    assert [first.responsible for first, _ in groups] == [("市科委", "市数据局"), ("市知识产权局", "市数据局")]
