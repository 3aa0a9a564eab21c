"""compare() and unit_tasks() on the real seed index."""

from __future__ import annotations

import re
from pathlib import Path

from policyqa.qa.answerers.compare import NOTHING, to_csv, to_markdown

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_compare_across_documents_with_an_empty_row(engine) -> None:  # noqa: ANN001
    comparison = engine.compare("干部挂职交流")
    with_clauses = [row for row in comparison.rows if row.clauses]
    assert len(with_clauses) >= 2
    assert {"yongqiao-pairing-plan-2022", "suqian-north-south-opinions-2020"} <= {r.doc_id for r in with_clauses}
    empty = [row for row in comparison.rows if not row.clauses]
    assert empty and all(row.note == NOTHING for row in empty)
    assert len(comparison.rows) == len(engine.corpus.documents)


def test_compare_restricted_to_documents(engine) -> None:  # noqa: ANN001
    docs = ["suzhou-yrd-action-plan-2021", "suqian-north-south-opinions-2020"]
    comparison = engine.compare("承接产业转移", doc_ids=docs)
    assert sorted(r.doc_id for r in comparison.rows) == sorted(docs)
    data = comparison.to_dict()
    assert set(data) == {"topic", "rows"}
    clause = next(c for r in data["rows"] for c in r["clauses"])
    assert set(clause) == {"clause_id", "path", "text", "leads", "cooperating", "responsible", "score"}
    assert "承接产业转移" in to_markdown(comparison) and to_csv(comparison).startswith("文件 ID,文件,地区,")


def test_compare_question_is_answered_per_document(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州市和宿迁市在承接产业转移上分别由哪些部门牵头？")
    assert answer.intent == "compare"
    assert {"suzhou-yrd-action-plan-2021", "suqian-north-south-opinions-2020"} <= {
        c.clause.doc_id for c in answer.citations}


def test_unit_tasks_are_complete(engine) -> None:  # noqa: ANN001
    text = (CORPUS / "yongqiao_shangcheng_pairing_work_plan_2022.txt").read_text(encoding="utf-8")
    expected = len(re.findall(r"（责任单位：[^）]*区财政局", text))
    assert expected == 4
    tasks = engine.unit_tasks("埇桥区财政局")
    assert len(tasks) == expected
    assert all("区财政局" in c.responsible for c in tasks)
    assert [c.clause_id for c in tasks] == [c.clause_id for c in engine.unit_tasks("区财政局")]


def test_unit_tasks_match_level_and_keep_order(engine) -> None:  # noqa: ANN001
    text = (CORPUS / "suzhou_yrd_integration_action_plan_2021-2023.txt").read_text(encoding="utf-8")
    parens = re.findall(r"\(([^()]*(?:牵头|负责)[^()]*)\)", text)
    expected = sum(1 for p in parens if re.search(r"(^|[,、])市财政局", p))
    tasks = engine.unit_tasks("市财政局", doc_ids=["suzhou-yrd-action-plan-2021"])
    assert len(tasks) == expected > 0
    order = [c.start for c in tasks]
    assert order == sorted(order)
    every = engine.unit_tasks("财政局")
    assert {c.doc_id for c in every} >= {"yongqiao-pairing-plan-2022", "suzhou-yrd-action-plan-2021"}


def test_the_topic_of_a_compare_question_is_its_subject_alone() -> None:
    from policyqa.qa.answerers.compare import compare_topic
    from policyqa.qa.question.intent import content_text

    def topic(question: str, places: tuple[str, ...]) -> str:
        return compare_topic(content_text(question, drop=places))

    assert topic("芜湖、深圳和成都在低空经济上今年各有什么打算？", ("芜湖", "深圳", "成都")) == "低空经济"
    assert topic("温州、宁波、杭州在优化营商环境方面今年各提了什么？", ("温州", "宁波", "杭州")) == "优化营商环境"
    assert topic("各地共建产业合作园区的做法有什么不同？", ()) == "共建产业合作园区"
    # A measure's task or work is the measure: documents write 完成植树造林…, rarely 植树造林任务.
    assert topic("合肥、芜湖植树造林任务各是多少？", ("合肥", "芜湖")) == "植树造林"
    assert topic("合肥、芜湖的招商引资工作有何不同？", ("合肥", "芜湖")) == "招商引资"


def test_a_unit_task_question_about_a_unit_without_tasks_says_so(engine) -> None:  # noqa: ANN001
    answer = engine.ask("宿州市审计局牵头哪些任务？")
    assert answer.abstained and "审计局" in answer.text and not answer.citations


def test_a_name_for_several_levels_is_each_levels_unit() -> None:
    from policyqa.qa.ledger.ledger import distributed

    assert distributed("州、县（市）数据资源主管部门") == ("州数据资源主管部门", "县（市）数据资源主管部门")
    assert distributed("各县、区") == ("各县、区",)  # a collective stays one
    assert distributed("市发展改革委") == ("市发展改革委",)


def test_a_long_clause_in_a_comparison_shows_its_sentence_on_the_topic() -> None:
    from policyqa.model import Clause
    from policyqa.qa.answerers.compare import Comparison, CompareRow, comparison_answer, to_markdown

    text = ("（六）建设美丽家园。持续打好蓝天、碧水、净土保卫战，巩固空气质量改善成果，推进重点流域水环境综合治理，"
            "加强土壤污染源头防控。深化生态文明体制改革，健全生态保护补偿机制。实施国土绿化行动，完成植树造林60万亩，"
            "修复退化湿地5万亩。")
    clause = Clause(doc_id="d", numbering=("（六）",), path=("（六）",), text=text, search_text=text, start=0, end=len(text))
    comparison = Comparison("植树造林任务", [CompareRow("d", "某省政府工作报告", "某省", [(clause, 0.9)])], terms="植树造林")
    assert "完成植树造林60万亩" in comparison_answer("各省植树造林任务？", comparison).text
    assert "完成植树造林60万亩" in to_markdown(comparison)


def test_places_listed_side_by_side_are_compared_without_a_compare_word(engine) -> None:  # noqa: ANN001
    # Two cities each with a document of its own, listed: each document's clauses, not the first one's.
    answer = engine.ask("宿州市、宿迁市的承接产业转移举措是什么？")
    assert answer.intent == "compare"
    assert {"suzhou-yrd-action-plan-2021", "suqian-north-south-opinions-2020"} <= {
        c.clause.doc_id for c in answer.citations}


def test_a_place_named_within_another_is_one_place_not_a_list(engine) -> None:  # noqa: ANN001
    answer = engine.ask("What does Yongqiao District in Suzhou plan for cadre exchanges?")
    assert answer.intent != "compare"
    assert {c.clause.doc_id for c in answer.citations} == {"yongqiao-pairing-plan-2022"}
