"""Responsibility extraction: golden tables typed from the documents' text, and the grammar's forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyqa.model import ParsedDocument
from policyqa.ingest.pipeline import parse_file
from policyqa.ingest.responsibility import (Responsibility, declares_first_lead, extract_responsibility,
                                            is_collective, running_text_units, split_units)

YRD = "suzhou-yrd-action-plan-2021"
YQ = "yongqiao-pairing-plan-2022"
SQ = "suqian-north-south-opinions-2020"

# (document, numbering of the clause, leads, cooperating) — typed from the parentheticals in corpus/*.txt.
# The 埇桥区 and 宿迁 lists are （责任单位：…） with no lead named and no convention declared: their units
# are *responsible* (the third field, see test_seed_responsibility_golden).
SEED_TABLE: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (YRD, ("二", "1"), ("市发展改革委",),
     ("市委组织部", "市教育局", "市科技局", "市经信局", "市公安局", "市财政局", "市自然资源和规划局",
      "市生态环境局", "市商务局", "市地方金融监管局", "市投资促进中心", "各县区人民政府", "市管园区管委会")),
    (YRD, ("二", "9"), ("市地方金融监管局",), ("人行宿州市中心支行", "宿州银保监分局")),
    (YRD, ("三", "13"), ("埇桥区人民政府", "泗县人民政府"),
     ("市发展改革委", "市自然资源和规划局", "市住房和城乡建设局", "市生态环境局", "市交通运输局", "各县区人民政府")),
    (YRD, ("三", "16"), ("市发展改革委",), ()),
    (YRD, ("四", "17"), ("宿州高新区管委会", "宿州经开区管委会", "萧县人民政府"),
     ("市发展改革委", "市科技局", "市经信局", "市数据资源局")),
    (YRD, ("四", "19"), ("市科技局", "市发展改革委", "市经信局"), ("各县区人民政府", "各市管园区管委会")),
    (YRD, ("四", "25"), ("市发展改革委", "市科技局", "市经信局", "市数据资源局"), ("各县区人民政府", "各市管园区管委会")),
    (YRD, ("五", "31"), ("市发展改革委",), ("市商务局", "市农业农村局", "市交通运输局", "各县区人民政府")),
    (YRD, ("六", "34"), ("市发展改革委",), ("有关县区人民政府",)),
    (YRD, ("六", "38"), ("市发展改革委",), ("市交通运输局", "市商务局", "市投资促进中心", "埇桥区人民政府")),
    (YRD, ("七", "46"), ("市发展改革委", "市商务局"),
     ("市发展改革委", "市交通运输局", "市投资促进中心", "各县区人民政府", "市管园区管委会")),
    (YRD, ("七", "48"), ("市商务局",), ("宿州海关",)),
    (YRD, ("九", "57"), ("市医保局",), ()),
    (YRD, ("九", "60"), ("市教体局",), ("市人力资源社会保障局", "市科技局")),
    (YRD, ("九", "61"), ("市卫健委",), ("市应急局",)),
    (YRD, ("九", "68"), ("市委政法委",), ("市公安局", "市司法局", "市应急局")),
    (YRD, ("十", "69"), ("市委编办",), ()),
    (YRD, ("十", "80"), ("市发展改革委",), ()),
    (YQ, ("二", "（一）", "1"), ("区商务局", "区农业农村局", "区粮食和物资储备中心"), ()),
    (YQ, ("二", "（一）", "2"), ("区农业农村局", "区商务局", "区投资促进中心", "埇桥区国家现代农业示范区管委会"), ()),
    (YQ, ("二", "（二）", "5"), ("区发展改革委", "区自然资源局", "区经济和信息化局", "区财政局", "相关园区"), ()),
    (YQ, ("二", "（三）", "7"), ("区文化和旅游局",), ()),
    (YQ, ("二", "（四）", "12"), ("区委政法委", "区数据资源局", "市城管局埇桥分局", "市公安局埇桥分局"), ()),
    (YQ, ("二", "（五）", "15"), ("区财政局",), ()),
    (YQ, ("二", "（七）", "18"), ("区委组织部",), ()),
    (YQ, ("二", "（七）", "19"),
     ("区委组织部", "区委党校", "区人力资源社会保障局", "区科技局", "区教育体育局", "区卫生健康委"), ()),
    (YQ, ("二", "（八）", "21"),
     ("区营商办", "区数据资源局", "区经济和信息化局", "区商务局", "区投资促进中心", "区市场监管局"), ()),
    (SQ, ("二", "（三）"), ("市商务局", "市发展改革委", "市工业和信息化局", "市农业农村局", "各县、区", "各共建园区"), ()),
    (SQ, ("二", "（四）"),
     ("市政府办公室", "市发展改革委", "市商务局", "市工业和信息化局", "市科技局", "市委台办", "市工商联", "各共建园区"), ()),
    (SQ, ("三", "（七）"), ("市发展改革委", "市农业农村局", "各县、区", "市各功能区"), ()),
    (SQ, ("四", "（九）"), ("市自然资源和规划局", "市发展改革委", "各县、区"), ()),
    (SQ, ("六", "（十四）"), ("苏宿园区", "市各相关部门"), ()),
    (SQ, ("六", "（十七）"), ("市委组织部", "各县区", "苏宿园区", "市各相关部门"), ()),
    (SQ, ("七", "（十八）"), ("市发展改革委", "各县、区"), ()),
    (SQ, ("七", "（二十）"), ("市发展改革委", "市商务局", "市财政局", "市自然资源和规划局", "市地方金融监督管理局"), ()),
]


def _clause(parsed: ParsedDocument, numbering: tuple[str, ...]):
    found = [c for c in parsed.clauses if c.numbering == numbering and c.part == 0]
    assert found, f"no clause {numbering} in {parsed.document.doc_id}"
    return found[0]


@pytest.mark.parametrize(("doc_id", "numbering", "leads", "cooperating"), SEED_TABLE,
                         ids=[f"{d}:{'/'.join(n)}" for d, n, _, _ in SEED_TABLE])
def test_seed_responsibility_golden(seeds, doc_id, numbering, leads, cooperating):
    clause = _clause(seeds[doc_id], numbering)
    if doc_id == YRD:
        assert (clause.leads, clause.cooperating, clause.responsible) == (leads, cooperating, ())
    else:
        assert (clause.leads, clause.cooperating, clause.responsible) == ((), (), leads)


# A parenthetical with 责任单位 or 牵头: the regex is independent of the parser on purpose.
_DUTY_PAREN = re.compile(r"[（(][^（）()]*(?:责任单位|牵头)[^（）()]*[)）]")


@pytest.mark.parametrize("doc_id", [YRD, YQ, SQ])
def test_every_seed_duty_parenthetical_gives_leads(seeds, doc_id):
    parsed = seeds[doc_id]
    found = list(_DUTY_PAREN.finditer(parsed.text))
    assert found
    for m in found:
        owners = [c for c in parsed.clauses if c.start <= m.start() and m.end() <= c.end]
        assert len(owners) == 1 and (owners[0].leads or owners[0].responsible), m.group(0)


def test_seed_counts(seeds):
    counts = {doc_id: sum(1 for c in p.clauses if c.leads or c.responsible) for doc_id, p in seeds.items()}
    # YRD: 80 marked clauses and 3 that name their units in a sentence (市领导小组办公室牵头建立…,
    # 市推进长三角一体发展领导小组统筹协调…, …领导小组办公室及成员单位要切实履职尽责); YQ: 区发展改革委、
    # 区驻杭州市办事处加强与上城区相关机构对接 is its 22nd.
    assert counts[YRD] == 83 and counts[YQ] == 22 and counts[SQ] == 18
    assert counts["suzhou-hangzhou-pairing-news-2023"] == 0
    assert counts["anhui-pairing-tasks-news-2023"] == 0


def test_headings_inherit_nothing(seeds):
    headings = [c for p in seeds.values() for c in p.clauses if c.kind == "heading"]
    assert headings and not any(c.leads or c.cooperating for c in headings)


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    ("推进。(市发展改革委牵头,市财政局、各县区人民政府等按职责分工负责)", ("市发展改革委",), ("市财政局", "各县区人民政府")),
    ("推进。（省商务厅牵头，合肥海关配合）", ("省商务厅",), ("合肥海关",)),
    ("推进。(市发展改革委、市科技局分别按职责牵头,各县区人民政府等按职责分工负责)",
     ("市发展改革委", "市科技局"), ("各县区人民政府",)),
    ("推进。（省外办负责）", ("省外办",), ()),
    ("推进。(市发展改革委牵头负责)", ("市发展改革委",), ()),
    ("推进。牵头单位：市科技局；配合单位：市财政局、市教育局。", ("市科技局",), ("市财政局", "市教育局")),
    ("推进。（6月底完成，牵头考核单位：市审批服务局）", ("市审批服务局",), ()),
    ("推进。（牵头单位：市国资委；责任单位：产业集团）", ("市国资委",), ("产业集团",)),
    ("推进。（牵头部\n\n门：市交通委、市水务局）", ("市交通委", "市水务局"), ()),
    ("推进。（市经济信息化委、市科委）", ("市经济信息化委", "市科委"), ()),
    # A list closed by 等 goes on with 和: 等 ends an item, not the list.
    ("推进。（市商务局、团中央、市妇联等和各区人民政府负责）", ("市商务局", "团中央", "市妇联", "各区人民政府"), ()),
])
def test_forms(text, leads, cooperating):
    assert extract_responsibility(text) == Responsibility(leads, cooperating)


@pytest.mark.parametrize(("text", "responsible"), [
    ("推进建设。（责任单位：区商务局、区农业农村局）", ("区商务局", "区农业农村局")),
    ("推进。( 责任单位:市商务局、市发展改革委,各县、区,各共建园区)", ("市商务局", "市发展改革委", "各县、区", "各共建园区")),
    ("推进。（责任单位：各县（区）人民政府、市财政局）", ("各县（区）人民政府", "市财政局")),
    ("推进。（责任部门：市科委、市经济信息化委、相关区）", ("市科委", "市经济信息化委", "相关区")),
])
def test_responsible_lists_name_no_lead(text, responsible):
    assert extract_responsibility(text) == Responsibility(responsible=responsible)
    # A document that declares its convention (列第一位的为牵头单位) makes the first one the lead.
    assert extract_responsibility(text, first_leads=True) == Responsibility(responsible[:1], responsible[1:])


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    # The declaration inside the first marker is a note, not a unit; the list before it is ordered by it.
    ("推进。（市交通局、市财政局负责。列第一位者为牵头单位，下同）", ("市交通局",), ("市财政局",)),
    ("推进。（市水务局、市园林局、市城管委负责，排在第一位的部门为牵头部门，下同）",
     ("市水务局",), ("市园林局", "市城管委")),
    # Every later list that gives no role follows it, one list at a time.
    ("推进。（市水务局、市园林局负责）另行推进。（市城管委、市环保局负责）",
     ("市水务局", "市城管委"), ("市园林局", "市环保局")),
    ("推进。（市水务局、市园林局，各区人民政府按职责分工负责）", ("市水务局",), ("市园林局", "各区人民政府")),
    # A list that names its leads keeps them.
    ("推进。（市水务局、市园林局牵头负责）", ("市水务局", "市园林局"), ()),
])
def test_first_lead_convention_orders_unroled_lists(text, leads, cooperating):
    assert extract_responsibility(text, first_leads=True) == Responsibility(leads, cooperating)


def test_convention_note_alone_names_no_unit():
    assert extract_responsibility("推进。（市交通局负责，列第一位者为牵头单位，下同）") == Responsibility(("市交通局",))


@pytest.mark.parametrize("first_leads", [False, True])
def test_lead_joined_by_partners(first_leads):
    # （A会同B负责）: A leads, B joins, whatever the document's convention.
    assert extract_responsibility("推进。（市商务局会同市财政局、有关部门负责）", first_leads=first_leads) \
        == Responsibility(("市商务局",), ("市财政局", "有关部门"))


@pytest.mark.parametrize("note", [
    "（注：各项任务责任单位中，列第一位的为牵头单位，下同）",
    "附件：重点任务分工（排在首位的为牵头单位）",
    "责任单位中第一个为牵头单位。",
    "排名第一的单位为牵头单位",
    "表中责任单位排第一位者为牵头单位",
])
def test_declared_conventions(note):
    assert declares_first_lead("前文。\n" + note + "\n后文。")


def test_no_convention_in_ordinary_text():
    assert not declares_first_lead("各牵头单位要加强统筹，第一时间报告。责任单位要落实。")


@pytest.mark.parametrize(("name", "collective"), [
    ("各县区", True), ("市各相关部门", True), ("有关单位", True), ("各县、区", True), ("相关园区", True),
    ("各共建园区", True), ("市发展改革委", False), ("区商务局", False), ("苏宿园区", False),
])
def test_collectives(name, collective):
    assert is_collective(name) is collective


@pytest.mark.parametrize("text", [
    "宿州市推进长三角一体化发展三年行动计划(2021-2023年)",
    "推进落实工作方案（征求意见稿）",
    "《通知》（宿长三角办〔2022〕2号）等文件精神",
    "成立领导小组（以下简称领导小组）负责统筹",
    "各级党委（党组）要加强领导，乡镇（街道）配合落实。",
    "加强社区（村）建设，鼓励各省（自治区、直辖市）参与。",
    "考核范围（包括牵头单位自身）",
    "明确责任单位和职责，高效推进各项任务。",
    "市政府驻苏州联络处(市承接产业转移办公室)积极加强对接",
])
def test_ordinary_parentheses_are_not_responsibility(text):
    assert not extract_responsibility(text)


def test_split_units():
    assert split_units(" 市发展改革委、市商务局,各县、区，各共建园区等 ") == (
        "市发展改革委", "市商务局", "各县、区", "各共建园区")
    assert split_units("各县、市、区人民政府") == ("各县、市、区人民政府",)


def test_a_bare_collective_and_a_level_after_it_are_one_unit():
    """各区、县 is one collective like 各县、区, though 各区 alone ends like a unit's name; a unit after it is not."""
    assert split_units("市民政局、各区、镇") == ("市民政局", "各区、镇")
    assert split_units("各区、县级市人民政府，市财政局") == ("各区、县级市人民政府", "市财政局")
    assert split_units("各区、市委宣传部") == ("各区", "市委宣传部")


def _extra(extra_dir: Path, pattern: str) -> ParsedDocument:
    files = sorted(extra_dir.glob(pattern))
    assert len(files) == 1, pattern
    return parse_file(files[0])


# (file glob under corpus-extra, a parenthetical exactly as written, leads, cooperating)
EXTRA_TABLE = [
    ("pkulaw-policy-samples/*6476457*", "（合肥海关负责）", ("合肥海关",), ()),
    ("pkulaw-policy-samples/*6476457*", "（合肥海关牵头，省贸促会、省商务厅按职责分工配合）",
     ("合肥海关",), ("省贸促会", "省商务厅")),
    ("pkulaw-policy-samples/*6476457*",
     "（省十大新兴产业推进组工作专班牵头单位牵头，省十大新兴产业推进组工作专班成员单位按职责分工配合）",
     ("省十大新兴产业推进组工作专班牵头单位",), ("省十大新兴产业推进组工作专班成员单位",)),
    ("pkulaw-policy-samples/*6476457*", "（合肥海关牵头，省港航集团、省机场集团按职责分工负责）",
     ("合肥海关",), ("省港航集团", "省机场集团")),
    ("pkulaw-policy-samples/*6476457*", "（省推进“三地一区”建设领导小组改革开放新高地执行小组成员单位按职责分工负责）",
     ("省推进“三地一区”建设领导小组改革开放新高地执行小组成员单位",), ()),
    ("pkulaw-policy-samples/*4638041*", "（责任单位：省通信管理局，省铁塔公司、各基础电信企业，各市人民政府）",
     ("省通信管理局", "省铁塔公司", "各基础电信企业", "各市人民政府"), ()),
    ("pkulaw-policy-samples/*4638041*", "（责任单位：各市人民政府，省经济和信息化厅）",
     ("各市人民政府", "省经济和信息化厅"), ()),
    ("shanghai-policy-md/*科技服务业高质量发展的若干意见》.md", "（责任单位：市科委、各相关单位、各区政府）",
     ("市科委", "各相关单位", "各区政府"), ()),
    ("shanghai-policy-md/*支持企业加强基础研究*", "（责任单位：市科委、市财政局、临港新片区管委会、浦东新区等相关区政府）",
     ("市科委", "市财政局", "临港新片区管委会", "浦东新区等相关区政府"), ()),
    ("shanghai-policy-md/*北斗*", "（牵头部门：市经济信息化委、市科委、市交通委）",
     ("市经济信息化委", "市科委", "市交通委"), ()),
    ("shanghai-policy-md/*脑机接口*", "（责任部门：市科委、市经济信息化委、相关区）",
     ("市科委", "市经济信息化委", "相关区"), ()),
    ("shanghai-policy-md/*高端医疗器械*", "（责任单位：市药品监管局、国家药监局医疗器械技术审评检查长三角分中心）",
     ("市药品监管局", "国家药监局医疗器械技术审评检查长三角分中心"), ()),
    ("shanghai-policy-md/*食品科技*", "（市经济信息化委、市农业农村委、市科委）",
     ("市经济信息化委", "市农业农村委", "市科委"), ()),
]


@pytest.mark.corpus_extra
@pytest.mark.parametrize(("pattern", "paren", "leads", "cooperating"), EXTRA_TABLE,
                         ids=[f"{p.split('/')[0]}:{t[:14]}" for p, t, _, _ in EXTRA_TABLE])
def test_extra_responsibility_golden(extra_dir, pattern, paren, leads, cooperating):
    parsed = _extra(extra_dir, pattern)
    owners = [c for c in parsed.clauses if paren in c.text]
    assert owners, paren
    # 责任单位 / 责任部门 lists name responsible units (none of these documents declares a convention).
    listed = re.search(r"责任(?:单位|部门)[：:]", paren) is not None
    for clause in owners:
        got = (clause.responsible, clause.cooperating) if listed else (clause.leads, clause.cooperating)
        assert got == (leads, cooperating)


@pytest.mark.corpus_extra
def test_rcep_item_with_three_tasks_gives_three_parts(extra_dir):
    parsed = _extra(extra_dir, "pkulaw-policy-samples/*6476457*")
    parts = [c for c in parsed.clauses if c.numbering[-1:] == ("1",) and c.numbering[:1] == ("二",)]
    assert [(c.part, c.leads, c.cooperating) for c in parts] == [
        (0, ("合肥海关",), ()), (1, ("省商务厅",), ("合肥海关",)), (2, ("省商务厅",), ("省农业农村厅",))]


# Real sentences (corpus-extra and the seed corpus) with units in running text and no marker.
@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    ("具体产品目录由市商务委会同相关部门明确。", ("市商务委",), ("相关部门",)),
    ("上海市产业协同创新领导小组办公室会同市级相关部门、各区政府加强协同、形成合力",
     ("上海市产业协同创新领导小组办公室",), ("市级相关部门", "各区政府")),
    ("第三十四条 国家网信部门会同有关主管部门，建立健全信息共享、会商通报、联合执法", ("国家网信部门",), ("有关主管部门",)),
    ("不能形成一致意见的，由本级数据资源主管部门会同有关政务部门协调处理。", ("本级数据资源主管部门",), ("有关政务部门",)),
    ("第十条 　州数据资源主管部门负责全州统一的大数据中心平台、政务云平台的建设", ("州数据资源主管部门",), ()),
    ("本办法由省经济和信息化厅负责解释。", ("省经济和信息化厅",), ()),
    ("推进建设。由市发展改革委、市财政局牵头，各县区人民政府配合。", ("市发展改革委", "市财政局"), ("各县区人民政府",)),
])
def test_running_text_units(text, leads, cooperating):
    assert running_text_units(text) == Responsibility(leads, cooperating)


@pytest.mark.parametrize("text", [
    "近期我办会同市财政局推出汇率避险担保增信产品",
    "我们将会同相关部门持续扩大政府性融资担保覆盖面",
    "由有权机关对直接负责的主管人员和其他直接责任人员，给予行政处分",
    "主管部门将会同依托单位研究处理",
    "加强统筹，各地负责落实。",
    "由市科委牵头，优化部门协同、市区联动工作模式",
])
def test_running_text_that_names_no_unit(text):
    found = running_text_units(text)
    assert not found or found == Responsibility(("市科委",))


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    ("推进。（牵头单位：区城运中心；支撑单位：区大数据中心、各街镇）", ("区城运中心",), ("区大数据中心", "各街镇")),
    ("推进。（主责单位：区科委；协作单位：区经委）", ("区科委",), ("区经委",)),
    ("推进。（牵头部门：区交通委；协助部门：区文旅局）", ("区交通委",), ("区文旅局",)),
])
def test_supporting_labels_name_cooperating_units(text, leads, cooperating):
    assert extract_responsibility(text) == Responsibility(leads, cooperating)


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    # A role noted after a unit's name in a list: the noted unit leads, the others cooperate.
    ("推进。（责任单位：区经委（牵头）、区科委、区财政局）", ("区经委",), ("区科委", "区财政局")),
    ("推进。（责任单位：区经委〔牵头〕、区科委）", ("区经委",), ("区科委",)),
    ("推进。\n责任单位：区经委（牵头），区科委", ("区经委",), ("区科委",)),
    ("推进。（区经委（牵头）、区科委）", ("区经委",), ("区科委",)),
    # Square and lenticular brackets hold markers as round ones do.
    ("推进。[牵头单位：区经委；配合单位：区科委]", ("区经委",), ("区科委",)),
])
def test_roles_noted_after_names_and_other_brackets(text, leads, cooperating):
    assert extract_responsibility(text) == Responsibility(leads, cooperating)


def test_lenticular_brackets_hold_a_responsible_list():
    assert extract_responsibility("推进。【责任单位：区经委、区科委】") == Responsibility(responsible=("区经委", "区科委"))


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    ("推进。（由区经委牵头，区科委配合）", ("区经委",), ("区科委",)),
    ("推进。（区经委牵头负责，区科委协同）", ("区经委",), ("区科委",)),
    ("推进。（区经委牵头，区科委、区财政局参与）", ("区经委",), ("区科委", "区财政局")),
    ("推进。（区经委牵头，各街镇落实）", ("区经委",), ("各街镇",)),
    ("推进。（区经委会同区科委、区财政局）", ("区经委",), ("区科委", "区财政局")),
    ("推进。（区经委为牵头单位，区科委为配合单位）", ("区经委",), ("区科委",)),
    ("推进。（区经委、区科委按职责分工落实）", ("区经委", "区科委"), ()),
])
def test_more_verbs_of_a_verb_list(text, leads, cooperating):
    assert extract_responsibility(text) == Responsibility(leads, cooperating)


@pytest.mark.parametrize(("text", "expected"), [
    ("推进。（责任主体：区发展改革委、区财政局）", Responsibility(responsible=("区发展改革委", "区财政局"))),
    ("推进。（实施主体：各街镇）", Responsibility(responsible=("各街镇",))),
    ("推进。（牵头处室：综合处；配合处室：财务处）", Responsibility(("综合处",), ("财务处",))),
    ("推进。（牵头机构：区金融办）", Responsibility(("区金融办",))),
    # A deadline after the units ends their list.
    ("推进。（责任单位：区经委 完成时限：2024年底）", Responsibility(responsible=("区经委",))),
    ("推进。（牵头单位：区经委；配合单位：区科委；完成时间：2025年）", Responsibility(("区经委",), ("区科委",))),
    # A label names no unit of its own.
    ("推进。（工作要求：按期完成）", Responsibility()),
])
def test_labels_of_other_nouns_and_a_deadline_after_the_units(text, expected):
    assert extract_responsibility(text) == expected


def test_partners_joined_to_a_second_unit_give_no_reading():
    assert extract_responsibility("推进。（区经委牵头，区科委会同区财政局）") == Responsibility()
