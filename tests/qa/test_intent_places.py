"""Intent from wording, places from the documents' regions: pure functions plus the seed corpus view."""

from __future__ import annotations

import pytest

from policyqa.qa.question.intent import analyse, asks_for_tasks, content_text, detect_intent


@pytest.mark.parametrize(("question", "intent"), [
    ("宿州市冷链物流项目由哪个部门牵头？", "responsibility"),
    ("这件事归哪些部门管？责任单位是哪些", "responsibility"),
    ("Which department leads cold-chain logistics?", "responsibility"),
    ("宿杭携手以来，宿州市级负责同志先后多少次带队赴杭州考察对接？", "fact"),
    ("到哪一年要形成全领域合作？", "fact"),
    ("How many cadres were sent?", "fact"),
    ("Until what date are these measures valid?", "fact"),
    ("各地在干部挂职交流上分别怎么安排？", "compare"),
    ("How do the documents compare on industrial parks?", "compare"),
    ("埇桥区结对合作帮扶工作有哪些保障措施？", "general"),
])
def test_intent_from_wording(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("建立国别商品税率对比清单是谁的任务？", "responsibility"),   # 对比 names the task, one place
    ("合肥和南京的低空经济举措有何对比？", "compare"),
    ("各地的比较优势产业有哪些？", "compare"),
    # 各地政府… / 各地要… is the subject of the task quoted, not a question across places.
    ("各地政府性基金要优先投向科技企业，这项工作谁牵头？", "responsibility"),
    ("各地要设立服务专窗，由哪个部门负责？", "responsibility"),
    ("各地政府在人才引进上分别有什么做法？", "compare"),
])
def test_compare_words_in_a_who_question_name_the_task(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


@pytest.mark.parametrize(("question", "tasks"), [
    ("用政府数据帮中小企业解决贷款难，这项工作是哪几家牵头？", False),
    ("这一任务的责任单位有哪些？", False),
    ("Which Baotou unit is responsible for the fitness platform?", False),
    ("市经信局在数据专区建设中要做哪些事？", True),
    ("哪些工作由市发改委负责？", True),
    ("市发改委要做什么？", True),
])
def test_asking_for_a_unit_is_not_asking_for_its_tasks(question: str, tasks: bool) -> None:
    assert asks_for_tasks(question) is tasks


def test_fen_bie_is_compare_only_with_several_places() -> None:
    question = "宿州要求各县区产业发展基金规模2021年和2023年分别不低于多少？"
    assert detect_intent(question, place_count=1) == "fact"
    assert detect_intent("宿州市和埇桥区在养老服务合作上分别有什么安排？", place_count=2) == "compare"


def test_content_drops_question_words_and_places() -> None:
    a = analyse("埇桥区养老康养合作由谁负责？", places=("埇桥区",))
    assert a.content == "养老康养合作"
    assert a.figures == ()


def test_a_question_made_only_of_wording_keeps_its_wording_as_content() -> None:
    # 主要目标是什么: 主要 and 目标是 are question words elsewhere, but here they are all it asks.
    assert analyse("德州市2024年的主要目标是什么？", places=("德州市",)).content == "2024年 主要目标"
    assert analyse("2024年是多少？").content == "2024年"


@pytest.mark.parametrize(("question", "intent"), [
    ("这项任务交给哪个区？", "responsibility"),
    ("是靠哪家机构来做的？", "responsibility"),
    ("组建的是什么专班？", "responsibility"),
    ("Which county is meant to become the sleep capital?", "responsibility"),
    ("江西“一办五牵头”里省司法厅牵头哪项工作？", "unit_tasks"),
    # Schools, hospitals and scenic areas are bodies; a count or a modifier may stand before the kind.
    ("新校区由哪所大学承建？", "responsibility"),
    ("哪个医院牵头组建医联体？", "responsibility"),
    ("哪三个区要试点老旧小区改造？", "responsibility"),
    ("扩招的任务落到哪所高职院校？", "responsibility"),
    ("Which Hubei college is backed to become a university?", "responsibility"),
    ("Which local firm is to build the new cold store?", "responsibility"),
])
def test_a_who_question_may_ask_for_a_district_a_body_or_a_task_force(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("新建的养老院由哪些企业来运营？", "responsibility"),
    ("职业培训由哪些学校承办？", "responsibility"),
    ("哪些企业可以申请技改补贴？", "general"),  # who qualifies, not who does the work
])
def test_by_which_bodies_asks_for_the_doers(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


def test_places_resolve_to_the_most_specific_document(engine) -> None:  # noqa: ANN001
    gaz = engine.corpus.gazetteer
    assert gaz.documents_for(gaz.find("宿州市埇桥区农产品产销体系")) == ("yongqiao-pairing-plan-2022",)
    assert "suzhou-yrd-action-plan-2021" in gaz.documents_for(gaz.find("宿州市冷链物流"))
    assert "yongqiao-pairing-plan-2022" not in gaz.documents_for(gaz.find("宿州市冷链物流"))
    assert gaz.documents_for(gaz.find("宿迁每年争取苏州转移项目")) == ("suqian-north-south-opinions-2020",)


def test_places_the_corpus_never_mentions_are_unknown(engine) -> None:  # noqa: ANN001
    gaz = engine.corpus.gazetteer
    assert gaz.find("亳州市与哪个城市结对").unknown == ("亳州市",)
    found = gaz.find("与杭州市上城区结对")
    assert "上城区" in found.mentioned and not found.unknown


def test_english_places_resolve_like_their_chinese_names(engine) -> None:  # noqa: ANN001
    from policyqa.qa.question.language import english_places

    gaz = engine.corpus.gazetteer
    # Suzhou is 宿州 or 苏州: the reading some document is about wins; a province decides it.
    assert english_places("Who leads cold-chain logistics in Suzhou?", gaz) == "宿州"
    assert english_places("industries transferred from Suzhou in Jiangsu to Suqian", gaz) == "苏州 江苏 宿迁"
    both = gaz.find(english_places("How do the Suzhou city plan and the Suqian opinions differ?", gaz))
    assert set(gaz.documents_each(both)) >= {"suzhou-yrd-action-plan-2021", "suqian-north-south-opinions-2020"}
    assert gaz.documents_for(gaz.find(english_places("elderly care in Yongqiao District", gaz))) == (
        "yongqiao-pairing-plan-2022",)
    assert gaz.find(english_places("Which city is Bozhou paired with?", gaz)).unknown == ("亳州",)
    assert english_places("宿州市冷链物流", gaz) == ""


def test_a_compound_the_corpus_writes_apart_is_not_missing() -> None:
    """信贷政策 is one jieba word; a corpus with 信贷 and 政策 apart still covers it (no false abstention)."""
    from policyqa.index.lexicon import Lexicon, count_lexicon
    from policyqa.qa.question.support import Vocabulary

    def vocabulary(texts: list[str]) -> Vocabulary:
        return Vocabulary(Lexicon(count_lexicon(texts), lambda term: any(term in t for t in texts)))

    question = "企业可以纳入哪些信贷政策"
    assert "信贷政策" not in vocabulary(["将企业纳入科技信贷支持范围。", "落实相关政策。"]).missing_terms(question)
    assert "信贷政策" in vocabulary(["将企业纳入科技支持范围。", "落实相关政策。"]).missing_terms(question)


def test_a_league_is_a_scope_by_its_short_name_too() -> None:
    from policyqa.qa.question.places import scope_keys

    assert {"阿拉善盟", "阿拉善", "阿盟"} <= scope_keys("阿拉善盟")


@pytest.mark.parametrize(("question", "kind"), [("开封哪所高职院校争取升本？", "高职院校"), ("由哪家银行提供贷款？", "银行"),
                                                ("由哪一级领导包联重点项目？", "领导"), ("哪个县要建物流园区？", "县"),
                                                ("由哪个部门牵头？", ""), ("项目建在哪里？", "")])
def test_the_kind_a_who_question_asks_for(question: str, kind: str) -> None:
    from policyqa.qa.question.intent import asked_kind

    assert asked_kind(question) == kind


@pytest.mark.parametrize(("question", "kind"), [("哪些县区要建设物流园区？", "县区"), ("哪座博物馆要升级改造？", "博物馆"),
                                                ("哪座城市将承办科创大会？", "城市"), ("哪片区域要设立综合保税区？", "区域"),
                                                ("哪个镇将建设污水处理厂？", "镇")])
def test_a_question_for_a_place_or_an_institution_is_a_who_question(question: str, kind: str) -> None:
    from policyqa.qa.question.intent import asked_kind, detect_intent

    assert (detect_intent(question), asked_kind(question)) == ("responsibility", kind)


@pytest.mark.parametrize("question", ["哪个市场主体可以申请贷款贴息？", "哪些乡村振兴项目获得了补助？"])
def test_a_market_or_the_countryside_is_no_place_asked_for(question: str) -> None:
    from policyqa.qa.question.intent import asked_kind

    assert asked_kind(question) not in {"市", "乡"}


def test_a_name_is_of_the_kind_asked_by_a_shared_character_or_as_a_place() -> None:
    from policyqa.qa.question.intent import of_kind

    assert of_kind("红枫纪念馆", "博物馆") and of_kind("青禾职业学院", "院校") and of_kind("太和县", "县区")
    assert of_kind("阜阳", "城市") and not of_kind("远航集团", "大学") and not of_kind("市长", "县")
    assert not of_kind("市交通运输局", "城市")


@pytest.mark.parametrize("question", ["哪个市县财政要配套资金？", "哪个县域经济增速最快？"])
def test_a_kind_of_place_opening_a_compound_noun_asks_for_no_one(question: str) -> None:
    from policyqa.qa.question.intent import detect_intent

    assert detect_intent(question) != "responsibility"


@pytest.mark.parametrize(("question", "content"), [("全市新建多少家养老机构？", "全市新建 养老机构"),
                                                   ("今年改造多少个老旧小区？", "今年改造 老旧小区")])
def test_the_measure_word_of_how_many_is_no_part_of_the_subject(question, content):
    assert content_text(question) == content


@pytest.mark.parametrize(("question", "content"), [
    # A demonstrative pointing back at the matter (这块 / 这项工作) and 谁来 are how the question asks.
    ("冷库建设这块谁来负责？", "冷库建设"),
    ("社区食堂这项工作由谁负责？", "社区食堂"),
])
def test_the_question_s_pointing_words_are_no_content(question: str, content: str) -> None:
    assert analyse(question).content == content
