"""The numbering grammar: levels from the document's own nesting, inline numbering, false positives."""

from __future__ import annotations

from pathlib import Path

from policyqa.ingest.loaders import RawDocument
from policyqa.ingest.pipeline import parse_raw
from policyqa.ingest.structure import accept_markers, cn_to_int, find_markers, int_to_cn

YRD = "suzhou-yrd-action-plan-2021"


def _parse(text: str):
    return parse_raw(RawDocument(Path("t.txt"), text)).clauses


def test_one_line_document_has_80_numbered_clauses_under_its_headings(seeds):
    parsed = seeds[YRD]
    assert parsed.text.count("\n") <= 2  # the seed really is one long line
    numbered = [c for c in parsed.clauses if c.kind == "clause" and c.part == 0]
    assert len(numbered) >= 80
    arabic = [c for c in numbered if c.numbering[-1].isdigit()]
    assert [int(c.numbering[-1]) for c in arabic] == list(range(1, 81))
    tops = [c.numbering[0] for c in parsed.clauses if c.kind == "heading" and len(c.numbering) == 1]
    assert tops == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


def test_one_line_document_paths(seeds):
    by_id = {c.clause_id: c for c in seeds[YRD].clauses}
    c31 = by_id[f"{YRD}:五/31"]
    assert c31.path == ("五、实施长三角绿色农产品生产加工供应基地建设行动", "31")
    assert "冷链物流" in c31.text and c31.text.startswith("31.加快农产品产地批发市场")
    assert c31.leads == ("市发展改革委",)
    assert by_id[f"{YRD}:二/1"].path == ("二、实施承接产业转移集聚区建设行动", "1")
    assert by_id[f"{YRD}:十/80"].text.endswith("(市发展改革委牵头)")
    assert by_id[f"{YRD}:十一/（四）"].path == ("十一、健全一体化发展协调推进机制", "（四）")
    assert by_id[f"{YRD}:一/（一）"].text.startswith("(一)指导思想 以习近平")


def test_three_levels_and_slipped_top_number(seeds):
    by_id = {c.clause_id: c for c in seeds["yongqiao-pairing-plan-2022"].clauses}
    # "2、 重点工作" stands where 二、 is due: it is the second top-level heading.
    heading = by_id["yongqiao-pairing-plan-2022:二"]
    assert heading.kind == "heading" and heading.text == "2、 重点工作"
    leaf = by_id["yongqiao-pairing-plan-2022:二/（一）/1"]
    assert leaf.path == ("2、 重点工作", "（一）推进一产“两强一增”", "1")
    assert by_id["yongqiao-pairing-plan-2022:二/（八）/21"].kind == "clause"
    assert by_id["yongqiao-pairing-plan-2022:三/（三）"].kind == "clause"


def test_numbering_running_on_across_sections(seeds):
    numbering = [c.numbering for c in seeds["suqian-north-south-opinions-2020"].clauses if c.kind == "clause"]
    assert ("七", "（二十）") in numbering and ("二", "（三）") in numbering and len(numbering) == 20


def test_false_positives_are_not_numbers():
    text = ("一、总体要求 到2021年, 3.5亿元 投入, 推动“1+5+N”布局, 2022-05-08 举办第二届大会, "
            "一、二、三产业融合。 (一)目标 到 2023. 年底 完成 1.5 万亩 二、重点任务 1.推进合作。 2.加强交流。")
    labels = [m.label for m in accept_markers(find_markers(text))]
    assert labels == ["一", "（一）", "二", "1", "2"]


def test_levels_follow_the_documents_own_nesting():
    flat = _parse("一、甲\n1.子一。\n2.子二。\n二、乙\n3.子三。\n")
    assert [c.numbering for c in flat] == [("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3")]
    deep = _parse("第一章 总则\n第一条 目的。\n第二条 范围：\n（一）甲；\n（二）乙。\n第二章 附则\n第三条 施行。\n")
    assert [c.numbering for c in deep] == [
        ("第一章",), ("第一章", "第一条"), ("第一章", "第二条"), ("第一章", "第二条", "（一）"),
        ("第一章", "第二条", "（二）"), ("第二章",), ("第二章", "第三条")]
    circled = _parse("一、甲\n（1）子。\n（2）子：\n①其一；\n②其二。\n二、乙\n（3）丙：①不是编号，②也不是。\n")
    assert [c.numbering for c in circled] == [
        ("一",), ("一", "（1）"), ("一", "（2）"), ("一", "（2）", "①"), ("一", "（2）", "②"), ("二",),
        ("二", "（3）")]


def test_news_report_becomes_paragraphs_under_headings(seeds):
    parsed = seeds["suzhou-hangzhou-pairing-news-2023"]
    kinds = {c.kind for c in parsed.clauses}
    assert kinds == {"heading", "paragraph"}
    para = next(c for c in parsed.clauses if "宿州市就召开宿州与杭州对接合作工作专题会" in c.text)
    assert para.path[0] == "“全‘宿’启‘杭’” 建立健全对接机制"
    assert all(len(c.text) <= 320 for c in parsed.clauses if c.kind == "paragraph")
    assert not any("记者 禹志强" in c.text for c in parsed.clauses)  # byline is boilerplate


def test_long_clause_split_at_sentence_ends_keeps_path():
    body = "".join(f"第{i}句话讲的是合作共建的具体安排和要求。" for i in range(60))
    clauses = _parse(f"一、总则\n1.{body}（市发展改革委牵头，市财政局配合）\n2.短句。\n3.另一句。\n")
    parts = [c for c in clauses if c.numbering == ("一", "1")]
    assert len(parts) > 1 and [c.part for c in parts] == list(range(len(parts)))
    assert all(len(c.text) <= 500 for c in parts) and all(c.text.endswith(("。", "）")) for c in parts)
    assert {c.path for c in parts} == {("一、总则", "1")}
    assert parts[-1].text.endswith("（市发展改革委牵头，市财政局配合）")


def test_ids_are_unique_and_stable(seeds):
    for parsed in seeds.values():
        ids = [c.clause_id for c in parsed.clauses]
        assert len(ids) == len(set(ids))
    again = _parse("一、甲\n（一）乙。\n二、丙\n（一）丁。\n附件\n一、甲\n（一）乙。\n（二）戊。\n")
    ids = [c.clause_id for c in again]
    assert len(ids) == len(set(ids))
    assert ids == [c.clause_id for c in _parse("一、甲\n（一）乙。\n二、丙\n（一）丁。\n附件\n一、甲\n（一）乙。\n（二）戊。\n")]


def test_chinese_numerals_round_trip():
    for n in range(1, 200):
        assert cn_to_int(int_to_cn(n)) == n


# A work report that writes its parts as bare lines and numbers only inside the plan, as many city reports do.
_REPORT = """各位代表：

现在，我代表市人民政府向大会报告工作，请予审议。

2023年工作回顾

一年来，我们稳增长促发展，地区生产总值增长6%，城镇新增就业3.2万人。

一年来，我们惠民生增福祉，新增公办学位5100个。

2024年工作安排

今年是实现“十四五”规划目标任务的关键一年。

一、建强做优现代化产业体系

推动光伏产业提质增效，城镇新增就业4万人以上。

二、巩固增强经济回升向好态势

扩大有效投资，实施重点项目300个。

三、持续保障和改善民生

新增公办学位5000个。

加强政府自身建设

我们将坚持把党的领导贯穿政府工作全过程。
"""


def test_bare_section_lines_of_a_numbered_report_divide_it():
    clauses = _parse(_REPORT)
    review = [c for c in clauses if "3.2万人" in c.text]
    assert [c.path[0] for c in review] == ["2023年工作回顾"] and review[0].kind == "paragraph"
    plan = next(c for c in clauses if "4万人以上" in c.text)
    assert plan.path == ("2024年工作安排", "一")
    assert plan.numbering[:2] == ("H2", "一")
    last = next(c for c in clauses if "贯穿政府工作全过程" in c.text)
    assert last.path[0] == "加强政府自身建设" and "新增公办学位5000个" not in last.text
    assert {c.kind for c in clauses if "稳增长促发展" in c.text} == {"paragraph"}
    assert [c.kind for c in clauses if "请予审议" in c.text] == ["preamble"]


def test_a_lone_label_line_or_doc_number_opens_no_section():
    # One bare line (政策全文) and a 文号 are labels of a policy's preamble, which stays preamble.
    text = ("关于印发某市行动方案的通知\n\n沪府办发〔2025〕17号\n\n各区人民政府：\n\n现将《某市行动方案》印发给你们，请认真执行。\n\n"
            "政策全文\n\n为加快发展，制定本方案。\n\n一、总体要求\n\n坚持创新引领。\n\n二、重点任务\n\n建设平台。\n\n三、保障措施\n\n加强组织领导。\n")
    clauses = _parse(text)
    assert all(not c.numbering or not c.numbering[0].startswith("H") for c in clauses)
    assert {c.kind for c in clauses if "制定本方案" in c.text} == {"preamble"}


def test_a_bare_line_inside_the_numbering_does_not_cut_it():
    # 重点项目 sits inside 二、 before 1.: the outermost numbering does not restart, so 三、 is still found.
    text = ("一、总体要求\n\n坚持创新引领，推动高质量发展。\n\n二、重点任务\n\n建设平台，培育企业。\n\n重点项目\n\n"
            "1.建设数据中心，年内开工。\n\n2.建设算力平台，年内投用。\n\n三、保障措施\n\n加强组织领导，强化考核。\n\n"
            "资金保障\n\n市财政安排专项资金。\n")
    clauses = _parse(text)
    assert [c.numbering for c in clauses if c.kind == "heading"][:1] == [("二",)]
    assert any(c.numbering == ("三",) for c in clauses)


def test_a_section_line_opening_a_list_before_the_outer_numbering_restarts_still_divides():
    # The review numbers （一）（二）; the plan opens with its own 1.–3. list of key projects before its
    # （一）（二）: the bare plan line still opens a section, so the plan is not read as part of the review.
    text = ("各位代表：\n\n2023年工作回顾\n\n一年来，我们稳增长促发展。\n\n（一）经济发展更向好。全市地区生产总值增长6%。\n\n"
            "（二）民生福祉更殷实。新增公办学位5100个。\n\n2024年工作安排\n\n今年要全力抓好三件大事：\n\n"
            "1.建设现代物流枢纽，开工铁路专用线。\n\n2.建设职业教育园区，新增学位8000个。\n\n3.建设城市数据中心，年内投用。\n\n"
            "（一）聚力强工业促转型。支持某某县争创国家级经济技术开发区。\n\n（二）聚力抓三产扩消费。新建商业综合体3个。\n\n"
            "加强政府自身建设\n\n我们将坚持依法行政。\n")
    clauses = _parse(text)
    plan = next(c for c in clauses if "争创国家级经济技术开发区" in c.text)
    assert plan.path[0] == "2024年工作安排"
    # （一） is outer to 1. by convention: a sibling of the list, not a part of its item 3.
    assert plan.numbering == ("H2", "（一）")
    assert next(c for c in clauses if "新增公办学位5100个" in c.text).path[0] == "2023年工作回顾"
    assert next(c for c in clauses if "依法行政" in c.text).path[0] == "加强政府自身建设"


def test_a_marker_line_closes_the_task_above_it_and_opens_no_heading():
    # Plans without numbering write who does a task on the line after it, labelled or in brackets.
    text = ("青禾区推进文旅融合发展实施方案\n\n为推进文旅融合发展，制定本方案。\n\n打造滨水文旅街区，提升夜间消费活力。\n"
            "（责任单位：区文旅局、区商务委）\n\n推进非遗进景区，培育文创品牌。\n牵头单位：区文旅局\n配合单位：区文联、各街镇\n\n"
            "完善旅游集散服务，优化公交接驳线路。\n（区交通委牵头，区文旅局配合）\n")
    clauses = _parse(text)
    assert not any(c.kind == "heading" and "单位" in c.text for c in clauses)
    roles = {c.text.split("。")[0]: (c.leads, c.cooperating, c.responsible) for c in clauses if c.kind == "paragraph"}
    assert roles["打造滨水文旅街区，提升夜间消费活力"] == ((), (), ("区文旅局", "区商务委"))
    assert roles["推进非遗进景区，培育文创品牌"] == (("区文旅局",), ("区文联", "各街镇"), ())
    assert roles["完善旅游集散服务，优化公交接驳线路"] == (("区交通委",), ("区文旅局",), ())
