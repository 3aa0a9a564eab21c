"""Units named only in running text have tasks (qa.ledger.mentions), unit-task wording, and compare
topics, over documents written for this test in the style of a regulation and of work reports."""

from __future__ import annotations

import pytest

from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import extract_responsibility
from policyqa.model import Clause
from policyqa.qa.answerers.compare import compare_topic, topic_coverage
from policyqa.qa.ledger.mentions import mention_pattern, mentioned_tasks, question_unit
from policyqa.qa.question.intent import asks_for_tasks, content_text, names_duty
from policyqa.qa.question.shorthand import spelled_out
from tests.conftest import _embed_cache_path
from tests.index.index_helpers import write_file

RULES = """电动自行车充电设施安全管理规定

各省、自治区、直辖市应急管理厅（局）、住房城乡建设厅（委）、市场监管局（厅、委），海关总署各直属海关：

第一条 为了加强电动自行车充电设施安全管理，保障人民群众生命财产安全，制定本规定。

第二条 国务院应急管理、住房城乡建设、市场监管部门按照职责分工负责全国充电设施安全监督管理工作。

第三条 充电设施运营单位应当建立安全巡查制度，发现隐患及时整改，并向所在地消防救援机构报告。

第四条 进口充电设备的，收货人应当主动向海关申报，并提供产品安全认证证明。

第五条 住房城乡建设、消防救援、市场监管等部门应当建立信息共享和联合检查机制，定期通报检查结果。

第六条 本规定自发布之日起施行。
"""

WUHU_2024 = """芜湖市2024年政府工作报告

一、2023年工作回顾
过去一年，全市地区生产总值增长6.5%，城镇新增就业7.2万人。

二、2024年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，一般公共预算收入增长5%，城镇新增就业7万人以上。
全面开展消费品以旧换新，汽车以旧换新补贴全年发放8万辆次，家电以旧换新带动消费40亿元。
推进信访工作法治化，市委信访局牵头受理法治化和办理法治化工作，市公安局牵头维护秩序法治化工作。
支持南陵县建设现代农业产业园，争创国家级农业现代化示范区。
推动南陵县、繁昌区创建省级学前教育普及普惠县区。
"""

BENGBU_2024 = """蚌埠市2024年政府工作报告

一、2023年工作回顾
过去一年，全市地区生产总值增长5.8%，粮食总产量稳定在300万吨以上。

二、2024年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，规模以上工业增加值增长8%。
加快建设现代化产业体系，新增规模以上工业企业200家，培育专精特新企业50家。
"""

BENGBU_2025 = """蚌埠市2025年政府工作报告

一、2024年工作回顾
过去一年，全市地区生产总值增长6.1%。消费品以旧换新成效明显，汽车以旧换新3.5万辆，以旧换新带动消费超过60亿元。

二、2025年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长6%以上。
"""


@pytest.fixture(scope="module")
def mention_engine(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.qa.engine import QAEngine

    folder = tmp_path_factory.mktemp("mention-docs")
    for name, text in (("充电设施安全管理规定.txt", RULES), ("芜湖市2024年政府工作报告.txt", WUHU_2024),
                       ("蚌埠市2024年政府工作报告.txt", BENGBU_2024), ("蚌埠市2025年政府工作报告.txt", BENGBU_2025)):
        write_file(folder, name, text)
    root = tmp_path_factory.mktemp("mention-index") / "index"
    index = ClauseIndex.open(root, make_embedder(DEFAULT_EMBEDDER), create=True,
                             cache_path=_embed_cache_path(request.config, root))
    report = ingest_paths([folder])
    assert len(report.parsed) == 4 and not report.skipped
    index.add(report.parsed, progress=False)
    yield QAEngine(index)
    index.close()


def _clause(number: str, text: str) -> Clause:
    duty = extract_responsibility(text)
    return Clause(doc_id="d", numbering=(number,), path=(number,), text=text, search_text=to_search_form(text),
                  start=0, end=len(text), leads=duty.leads, cooperating=duty.cooperating, responsible=duty.responsible)


# --- a name in a list that shares its ends -------------------------------------------------------
@pytest.mark.parametrize(("name", "text"), [
    ("国务院市场监管部门", "国务院应急管理、住房城乡建设、市场监管部门按照职责分工负责"),
    ("市场监管部门", "住房城乡建设、消防救援、市场监管等部门应当建立信息共享机制"),
    ("住房城乡建设部门", "住房城乡建设、消防救援、市场监管等部门应当建立信息共享机制"),
    ("海关", "收货人应当主动向海关申报"),
])
def test_a_name_is_found_whole_or_as_an_item_of_a_list(name, text):
    assert mention_pattern(name).search(to_search_form(text))


@pytest.mark.parametrize(("name", "text"), [
    ("国务院市场监管部门", "住房城乡建设、消防救援、市场监管等部门应当建立信息共享机制"),  # no 国务院 before the list
    ("市场监管部门", "加强市场监管，完善部门协同"),                                   # not one list
    ("网信部门", "市网信办负责网络安全"),
])
def test_words_of_a_name_apart_are_no_mention(name, text):
    assert not mention_pattern(name).search(to_search_form(text))


def test_the_question_names_the_longest_unit_the_text_names():
    clauses = [_clause("第二条", "国务院应急管理、住房城乡建设、市场监管部门按照职责分工负责监督管理工作。")]
    assert question_unit("国务院市场监管部门在规定里负责哪些工作？", clauses) == "国务院市场监管部门"
    # 数字政府指标: a unit suffix that opens a longer noun names no unit.
    assert question_unit("哪些数字政府指标要考核？", [_clause("一", "推进数字政府建设。")]) == ""


def test_a_county_named_after_its_city_is_the_unit_asked():
    # 宿州的泗县: the county is the unit, its city only says where; a two-character county name is a place.
    clauses = [_clause("一", "宿州市推进产业园区建设。"), _clause("二", "泗县建设运河文化旅游区。")]
    assert question_unit("宿州的泗县今年要承担哪些工作？", clauses) == "泗县"


def test_lead_role_is_the_sentence_s_subject():
    clause = _clause("三", "市委信访局牵头受理法治化工作，市公安局牵头维护秩序法治化工作。")
    other = _clause("四", "各地发现问题及时报告市委信访局。")
    assert [t.clause.path for t in mentioned_tasks([clause, other], "市委信访局", role="lead")] == [("三",)]
    assert len(mentioned_tasks([clause, other], "市委信访局")) == 2


# --- unit-task wording ---------------------------------------------------------------------------
@pytest.mark.parametrize("question", ["列出充电设施规定中市场监管部门承担的全部任务", "海关要管哪些事？",
                                      "市商务局在方案里涉及哪些条款？", "有市财政局名字的是哪几条？"])
def test_unit_task_wording(question):
    assert asks_for_tasks(question) and names_duty(question)


def test_work_in_general_is_no_duty_question():
    # 有哪些工作 asks for a plan's contents: a unit named only in running text does not make it a task list.
    assert asks_for_tasks("市政府今年有哪些工作？") and not names_duty("市政府今年有哪些工作？")


# --- answers over the documents ------------------------------------------------------------------
def test_a_unit_in_a_list_of_a_regulation_gets_its_clauses(mention_engine):
    answer = mention_engine.ask("充电设施安全管理规定中，国务院市场监管部门负责哪些工作？")
    assert answer.intent == "unit_tasks" and not answer.abstained
    assert [c.clause.path[-1] for c in answer.citations] == ["第二条"]


def test_the_addressees_of_a_notice_are_no_task(mention_engine):
    answer = mention_engine.ask("充電設施安全管理規定裡，海關要管哪些事？")  # Traditional script
    assert [c.clause.path[-1] for c in answer.citations] == ["第四条"]


def test_a_unit_a_work_report_names_leads_its_work(mention_engine):
    answer = mention_engine.ask("芜湖市委信访局牵头哪些工作？")
    assert not answer.abstained
    assert all("市委信访局" in c.clause.text for c in answer.citations) and len(answer.citations) == 1


def test_a_unit_no_document_names_is_no_task_record(mention_engine):
    answer = mention_engine.ask("芜湖市交通运输局牵头哪些工作？")
    assert answer.abstained and "市交通运输局" in answer.text


# --- compare topics ------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "topic"), [
    ("芜湖、蚌埠两地2024年GDP增长目标有什么不同？", "地区生产总值增长目标"),
    ("芜湖、蚌埠、滁州三市的以旧换新成效对比", "以旧换新成效"),
])
def test_compare_topic_drops_place_counts_and_years(mention_engine, question, topic):
    query = to_search_form(question)
    places = mention_engine.corpus.gazetteer.find(query).spans
    assert compare_topic(spelled_out(content_text(query, drop=places))) == topic


def test_two_joined_topics_are_covered_by_either(mention_engine):
    vocab = mention_engine.corpus.vocabulary
    clause = _clause("5", "积极推广产业基金招商模式，设立各类产业投资基金。（市财政局牵头）")
    assert topic_coverage(vocab, "金融合作和产业基金", clause) > vocab.coverage("金融合作和产业基金", clause.search_text)
    # A joined topic matched only by a unit's name is no evidence: 人力资源 in 市人力资源社会保障局.
    staffed = _clause("6", "定期组织干部交流挂职。（责任单位：市人力资源社会保障局）")
    assert topic_coverage(vocab, "人力资源和劳务协作", staffed) == vocab.coverage("人力资源和劳务协作",
                                                                                   staffed.search_text)


def test_compare_shows_each_listed_place(mention_engine):
    rows = {row.doc_title: row for row in mention_engine.compare("芜湖、蚌埠2024年GDP增长目标分别是多少？").rows}
    assert set(rows) == {"芜湖市2024年政府工作报告", "蚌埠市2024年政府工作报告"}, rows
    assert any("增长6%左右" in c.text for c, _ in rows["蚌埠市2024年政府工作报告"].clauses)
    assert any("增长6.5%左右" in c.text for c, _ in rows["芜湖市2024年政府工作报告"].clauses)


def test_a_place_without_the_topic_in_the_asked_year_shows_its_other_report(mention_engine):
    comparison = mention_engine.compare("芜湖、蚌埠2024年以旧换新各取得什么成效？")
    shown = {row.doc_title: row for row in comparison.rows if row.clauses}
    assert any("以旧换新带动消费超过60亿元" in c.text for row in shown.values() for c, _ in row.clauses)
    assert "芜湖市2024年政府工作报告" in shown


def test_a_question_naming_a_unit_with_a_long_suffix_is_read_whole():
    # 委员会: the runs that start inside the suffix (员会) name nothing and must not break the search.
    clauses = [_clause("一", "市人民代表大会常务委员会负责监督检查。")]
    assert question_unit("市人民代表大会常务委员会负责哪些任务？", clauses) == "市人民代表大会常务委员会"


def test_a_question_may_name_a_county_level_city_or_a_zone_as_the_unit():
    clauses = [_clause("一", "支持松滋市创建全国“四好农村路”示范县。"), _clause("二", "支持济宁经开区发展医疗装备产业。")]
    assert question_unit("荆州松滋市牵头的任务有哪些？", clauses) == "松滋市"
    # A time word between the unit and its duty (今年负责) still ends the name.
    assert question_unit("济宁经开区今年负责哪些任务？", clauses) == "济宁经开区"
    # A place the clauses never name is no unit of theirs.
    assert question_unit("荆州江陵县牵头的任务有哪些？", clauses) == ""


def test_a_work_report_s_review_of_past_years_gives_no_tasks():
    def clause(section: str, text: str) -> Clause:
        return Clause(doc_id="r", numbering=(section, "1"), path=(section,), text=text, search_text=to_search_form(text),
                      start=0, end=len(text), doc_title="某市2024年政府工作报告")

    past = clause("一、2023年工作回顾", "支持松滋市创成省级卫生城市，成效明显。")
    plan = clause("二、2024年工作安排", "支持松滋市创建全国“四好农村路”示范县。")
    assert [t.clause.path for t in mentioned_tasks([past, plan], "松滋市")] == [("二、2024年工作安排",)]


def test_a_county_may_be_named_short_and_the_last_place_named_is_the_unit():
    clauses = [_clause("一", "支持临清申建保税物流中心。"), _clause("二", "聊城推进轴承产业整合。")]
    assert question_unit("聊城的临清今年要承担哪些工作？", clauses) == "临清"


@pytest.mark.parametrize("question", ["芜湖今年让南陵县干哪些事？", "芜湖市对南陵县提出了哪些要求？",
                                      "What is planned for Nanling County (南陵县) in the Wuhu report?"])
def test_what_a_report_gives_one_of_its_counties_is_its_task_list(mention_engine, question):
    # A county of the report's city, asked without duty words: its tasks are the clauses naming it.
    answer = mention_engine.ask(question)
    assert answer.intent == "unit_tasks" and not answer.abstained
    cited = {c.clause.text for c in answer.citations}
    assert len(cited) == 2 and all("南陵县" in t for t in cited)


@pytest.mark.parametrize(("text", "named"), [
    ("支持繁昌、南陵创建省级全域旅游示范区。", True),    # short, before a list's separator
    ("繁昌争创国家级农业现代化示范区。", True),          # short, before its verb
    ("推动繁昌区建设物流园区。", True),                  # whole
    ("加快繁昌东站建设。", False),                      # a station's name says where it is
    ("做好繁昌窑遗址保护利用。", False),
])
def test_a_county_written_short_is_named_where_it_is_the_subject(text, named):
    assert bool(mention_pattern("繁昌区").search(to_search_form(text))) is named


def test_a_county_the_text_writes_short_is_the_unit_asked_whole():
    clauses = [_clause("一", "支持繁昌、南陵创建省级全域旅游示范区。"), _clause("二", "加快繁昌东站建设。")]
    assert question_unit("芜湖的繁昌区今年要承担哪些工作？", clauses) == "繁昌区"
    assert [t.clause.numbering for t in mentioned_tasks(clauses, "繁昌区")] == [("一",)]


def test_a_county_asked_short_before_any_verb_is_the_unit(mention_engine):
    # 南陵 for 南陵县, followed by a verb of the asker's own (做): a county of the report's city.
    answer = mention_engine.ask("芜湖安排南陵做哪些事？")
    assert answer.intent == "unit_tasks" and not answer.abstained
    assert len(answer.citations) == 2 and all("南陵县" in c.clause.text for c in answer.citations)


def test_a_row_leads_with_the_plan_s_clause_and_with_the_review_s_when_results_are_asked(mention_engine):
    def first(question: str, title: str) -> str:
        row = next(r for r in mention_engine.compare(question).rows if r.doc_title == title)
        return row.clauses[0][0].text

    # Both clauses of 芜湖's report state growth; the plan's target is what each place is to do.
    assert "左右" in first("芜湖、蚌埠地区生产总值增长各是多少？", "芜湖市2024年政府工作报告")
    assert "过去一年" in first("芜湖、蚌埠地区生产总值增长实现了多少？", "芜湖市2024年政府工作报告")
