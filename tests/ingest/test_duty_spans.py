"""Units in running text, span by span (ingest.duty_spans), on sentences of real regulations and guidelines."""

from __future__ import annotations

import pytest

from policyqa.ingest.duty_spans import Duty, declared_duties, duty_spans, segment_duty
from policyqa.ingest.pipeline import parse_file


@pytest.mark.parametrize(("segment", "duty"), [
    # subject + predicate
    ("数据使用部门负责共享数据使用全过程安全", Duty(leads=("数据使用部门",))),
    ("上海市科学技术委员会（以下简称市科委）负责专家库的总体部署", Duty(leads=("上海市科学技术委员会",))),
    ("运营单位作为数据专区的管理责任主体", Duty(leads=("运营单位",))),
    ("市政府办公室统筹推进", Duty(leads=("市政府办公室",))),
    # 会同 / 委托: the partners cooperate; 和 joins names only where its left side is a unit
    ("北京市经济和信息化局会同专区监管部门、数据提供部门和运营单位建立数据质量反馈机制",
     Duty(leads=("北京市经济和信息化局",), cooperating=("专区监管部门", "数据提供部门", "运营单位"))),
    ("市科委委托专业评估机构进行重点实验室评估", Duty(leads=("市科委",), cooperating=("专业评估机构",))),
    # agents: 由 (names may hold 的 there), 授权, 经 opening a segment
    ("竣工后由建设单位或本级人民政府指定的部门组织验收", Duty(leads=("建设单位", "本级人民政府指定的部门"))),
    ("州人民政府授权州数据资源主管部门负责统筹全州政务数据", Duty(leads=("州数据资源主管部门",))),
    ("经州数据资源主管部门同意", Duty(leads=("州数据资源主管部门",))),
    # several subjects, each in its own remit: responsible, no lead
    ("网信部门、保密部门和其他有关部门应当按照各自职责做好监督管理工作",
     Duty(responsible=("网信部门", "保密部门", "其他有关部门"))),
    ("各县区人民政府配合", Duty(cooperating=("各县区人民政府",))),
    ("经营主体负责自身安全", Duty(leads=("经营主体",))),  # 经营 is a word, not the marker 经
    # 会同 partners the document does not name: the subject still leads
    ("财政部会同有关方面抓紧研究配套政策", Duty(leads=("财政部",))),
    # a ministry's name ends in 部; a modal word ends it (…部要会同…)
    ("商务部、海关总署要会同有关部门完善监管措施", Duty(leads=("商务部", "海关总署"), cooperating=("有关部门",))),
    # a division's own name is a unit
    ("市教委、闵行区牵头组建区域教育联盟", Duty(leads=("市教委", "闵行区"))),
    # a leader or an organ is a unit (…领导, …机关)
    ("由分管副市长等市领导牵头协调", Duty(leads=("分管副市长等市领导",))),
    ("区纪委监委机关牵头开展专项监督", Duty(leads=("区纪委监委机关",))),
    # a subject inside a narrative segment, before 牵头 / 负责
    ("“三个一”机制即市商务委牵头统筹外资招引", Duty(leads=("市商务委",))),
    ("着力推动经开区牵头负责园区体制改革", Duty(leads=("经开区",))),
    # a collective name whose units follow in brackets
    ("经市“两委一局”（市发展改革委、市财政局、市国资委）审定", Duty(leads=("市发展改革委", "市财政局", "市国资委"))),
    # a regulation's sectors closed by 等部门, as the document writes them
    ("由卫生健康、市场监管、中医药等部门依法予以查处", Duty(responsible=("卫生健康", "市场监管", "中医药"))),
    ("教育、人力资源社会保障等部门按照各自职责做好相关工作", Duty(responsible=("教育", "人力资源社会保障"))),
    # a bracket the name closes is part of it
    ("县（区）卫生健康主管部门负责辖区内的监督检查", Duty(leads=("县（区）卫生健康主管部门",))),
])
def test_segment_duty(segment, duty):
    assert segment_duty(segment) == duty


@pytest.mark.parametrize("segment", [
    "推动各地各部门及时报送工作进展",          # a verb opens it: its object is no subject
    "全面落实省委、省政府有关工作要求",
    "北京市经济和信息化局有关情况",            # no predicate after the name
    "优化部门协同、市区联动工作模式",          # 协同 in a list of aims
    "自由贸易试验区管委会",                    # 由 inside 自由 is no agent
    "我们将会同相关部门持续扩大覆盖面",
    "着眼更好稳大局，做好工作",                # ends in 局, named like no unit
    "建成科创中心和托育服务机构",              # a verb opens the name (jieba: 建成/v)
    "由于有关部门未及时处理",
])
def test_segments_that_name_no_duty(segment):
    assert not segment_duty(segment)


@pytest.mark.parametrize("segment", [
    "加快培育经营主体、搭建合作渠道",            # a verb and its object, not a unit
    "持续壮大市场主体",
    "打造一批科创中心",
    "全部干部参加培训",                          # 部 ends no unit here
    "由有权机关依法处理",                        # a competent authority, not a named unit
    "合理确定产业布局和建设时序",                # 布局 ends in 局 and is no bureau
])
def test_ordinary_phrases_are_no_units(segment):
    assert not segment_duty(segment)


@pytest.mark.parametrize("segment, lead", [
    ("申请人应当向市场监督管理部门申请登记", "市场监督管理部门"),
    ("拟订的收费标准应当报省发展改革委审批", "省发展改革委"),
    ("经营者应当通过省通信管理局批准设立的接入点接入", "省通信管理局"),
    ("运营平台应当接受市网信办的监督检查", "市网信办"),
    # any verb after a qualified unit's name: the matter need not be one of the listed verbs
    ("年度计划报县财政局复审", "县财政局"),
    ("申请表及证明材料向区商务局递交", "区商务局"),
])
def test_the_authority_a_matter_goes_to(segment, lead):
    # Read for who-questions only: an applicant's duty to report is not a task of the authority.
    assert segment_duty(segment, authorities=True) == Duty(leads=(lead,))
    assert not segment_duty(segment)


@pytest.mark.parametrize("segment", ["向企业提供上门服务", "向社会公开征求意见", "报部门存档"])
def test_a_bare_kind_of_body_after_a_marker_is_no_authority(segment):
    assert not segment_duty(segment, authorities=True)


def test_unit_names_hold_no_verb_or_quotation_debris():
    spans = duty_spans("国家发展改革委、工业和信息化部要会同有关部门加强督促指导。市“四套班子”领导牵头联系重点企业。",
                       authorities=True)
    for span in spans:
        for unit in span.duty.leads + span.duty.cooperating + span.duty.responsible:
            assert not any(ch in unit for ch in "（）要") and "会同" not in unit, unit
    # A whole quoted word inside a name is part of it; a quotation the name ends inside is not.
    assert spans[-1].duty.leads == ("市“四套班子”领导",)
    assert segment_duty("支持“青年农创”团队牵头建设示范基地") == Duty(leads=("“青年农创”团队",))
    assert not segment_duty("抓好“菜篮子”工程")


@pytest.mark.parametrize("segment, duty", [
    # 发挥A作用: A is given the role the sentence goes on to describe.
    ("充分发挥市融资担保公司作用", Duty(leads=("市融资担保公司",))),
    ("发挥龙头企业带动作用", Duty(leads=("龙头企业",))),
    # 成立/组建 a body: the new body does what follows; its name may open with a verb.
    ("市级层面组建乡村振兴工作专班", Duty(leads=("乡村振兴工作专班",))),
    # 压实A、B主体责任: the units the responsibility is pressed on.
    ("压实各县市、开发区主体责任", Duty(leads=("各县市", "开发区"))),
    # A与B、C合作: A does it, its partners cooperate; a partner list with one unit in it is a list of units.
    ("支持经开区与甲集团、乙科技合作建设数据中心", Duty(leads=("经开区",), cooperating=("甲集团", "乙科技"))),
    # 依托A建设: the body relied on builds; A依托B建设: A builds on B.
    ("依托龙头企业、科研院所打造产业创新联合体", Duty(leads=("龙头企业", "科研院所"))),
    ("鼓励市属国有企业依托科研院所建设中试基地", Duty(leads=("市属国有企业",), cooperating=("科研院所",))),
])
def test_roles_given_without_a_predicate_of_duty(segment, duty):
    assert segment_duty(segment) == duty


@pytest.mark.parametrize("segment", ["发挥市场在资源配置中的决定性作用", "设立产业发展基金", "压实责任",
                                     "加强与周边城市合作", "依托资源优势打造康养旅游目的地"])
def test_role_constructions_without_a_unit_give_none(segment):
    assert not segment_duty(segment)


def test_a_sentence_giving_places_their_tasks_makes_each_place_a_subject():
    text = "支持凤凰打造文旅融合示范区；泸溪打造新材料产业基地；花垣做强锰锌产业，打造绿色矿业基地；保靖发展茶产业。"
    assert [s.duty.leads for s in duty_spans(text)] == [("凤凰",), ("泸溪",), ("花垣",), ("保靖",)]
    # One place opening one segment is not a list of places: 和平 is a word as well as a district.
    assert not duty_spans("和平发展，合作共赢。")


def test_each_sentence_keeps_its_own_units():
    text = ("第三十八条 　数据提供部门负责本部门数据采集、归集的安全管理。\n"
            "　　数据使用部门负责共享数据使用全过程安全。\n"
            "　　数据资源主管部门负责保障大数据中心平台安全运行。")
    assert [s.duty.leads for s in duty_spans(text)] == [("数据提供部门",), ("数据使用部门",), ("数据资源主管部门",)]


def test_a_segment_without_subject_continues_the_span_before_it():
    text = "北京市经济和信息化局负责数据专区的统筹协调，并依托我市信息化基础设施提供支持；承担综合基础类数据专区监管责任。"
    spans = duty_spans(text)
    assert len(spans) == 1 and spans[0].duty.leads == ("北京市经济和信息化局",)
    assert spans[0].text.endswith("承担综合基础类数据专区监管责任")


def test_an_agent_later_in_the_sentence_starts_its_own_span():
    text = "市科委将违法违规交易场所名单报送市地方金融管理部门，由市地方金融管理部门汇总后统一对社会公示。"
    assert [s.duty.leads for s in duty_spans(text)] == [("市地方金融管理部门",)]


@pytest.mark.parametrize(("heading", "leads"), [
    ("第六条 上海市科学技术委员会（以下简称市科委）是重点实验室的主管部门，主要职责是：", ("上海市科学技术委员会",)),
    ("第七条 重点实验室所在的高校、科研院所、企业等单位是重点实验室的依托单位，主要职责是：", ("依托单位",)),
    ("第十条 申请建设重点实验室必须满足以下条件：", ()),
    ("（一）建立专区监督管理体系", ()),
])
def test_headings_that_declare_their_childrens_unit(heading, leads):
    assert declared_duties(heading).leads == leads


@pytest.mark.corpus_extra
def test_items_under_a_duties_heading_are_that_units(extra_dir):
    doc = extra_dir / "shanghai-policy-md" / "关于印发《上海市重点实验室建设与运行管理办法》的通知.md"
    clauses = {c.numbering[1:]: c for c in parse_file(doc).clauses if c.numbering[:1] == ("第二章",)}
    assert clauses[("第六条",)].leads == ("上海市科学技术委员会",)       # …是重点实验室的主管部门，主要职责是：
    assert clauses[("第六条", "（二）")].leads == ("上海市科学技术委员会",)  # （二）批准重点实验室的建立…
    assert clauses[("第七条", "（三）")].leads == ("依托单位",)            # （三）聘任重点实验室主任…
    assert clauses[("第七条", "（七）")].leads == ("第一依托单位",)        # its own subject wins
    conditions = [c for c in parse_file(doc).clauses if c.numbering[:2] == ("第三章", "第十条")]
    assert conditions and not any(c.leads for c in conditions)          # 必须满足以下条件： names no unit


def test_work_reports_narrate_and_assign_no_duty():
    from policyqa.ingest.duty_spans import assigns_duties

    assert not assigns_duties("政府工作报告") and not assigns_duties("新闻报道")
    assert assigns_duties("管理办法") and assigns_duties("指导意见") and assigns_duties("")


def test_a_notice_s_transmittal_sentence_gives_no_unit_a_duty():
    # 经市政府同意: the agent of the approval, not of any task of the plan it hands on.
    assert duty_spans("经市政府同意，现将《某市行动方案》印发给你们，请认真推进落实。", authorities=True) == []


def test_an_enabling_verb_s_object_is_the_actor_and_lists_are_read_item_by_item():
    [span] = duty_spans("支持松滋市、江陵县创建国家卫生城市。")
    assert span.duty.leads == ("松滋市", "江陵县")
    spans = duty_spans("支持咸安区推进老旧小区改造、嘉鱼县加强县域养老服务体系建设。")
    assert [s.duty.leads for s in spans] == [("咸安区",), ("嘉鱼县",)]
    # 支持企业开展…: a bare class of actors is no unit.
    assert duty_spans("支持企业开展技术改造。") == []


@pytest.mark.parametrize(("text", "leads"), [
    # The name ends at the verb after it, not at a later word that ends like a unit (…授权单位).
    ("支持滨江师范学院开展博士学位授权单位建设、重点学科建设。", ("滨江师范学院",)),
    # A company's brand name has no unit's ending: applying for something is what an organisation does.
    ("支持青禾科技申报国家级技术创新中心。", ("青禾科技",)),
    ("全力支持高新区争创国家级创新型园区。", ("高新区",)),
    # A list closed by 等 and its kind: the names before 等 are the actors.
    ("支持星河光电、蓝海材料等重点企业加快股改上市。", ("星河光电", "蓝海材料")),
    # A list's items share their kind: one name ending like a unit makes the others actors too.
    ("支持华东钢铁集团、远航新材等打造智能工厂。", ("华东钢铁集团", "远航新材")),
    # A name opening with a place is an actor before any verb with an object.
    ("支持合肥化纤建设新材料产业基地。", ("合肥化纤",)),
    ("支持甲乙米业争创区域公用品牌、丙丁县申报全国示范县。", ("甲乙米业",)),
    ("支持太和县和临泉县创建示范县。", ("太和县", "临泉县")),
    ("支持市经济和信息化局牵头建设工业互联网平台。", ("市经济和信息化局",)),
    # A list inside brackets is part of one name.
    ("支持县（市、区）创建生态文明建设示范区。", ("县（市、区）",)),
])
def test_the_units_an_enabling_verb_governs_act_without_a_unit_s_ending(text, leads):
    assert duty_spans(text)[0].duty.leads == leads


@pytest.mark.parametrize("text", ["支持产业园区建设。", "支持民营经济发展壮大。", "支持新能源汽车产业发展。",
                                  "积极支持在原机场规划建设产业园。", "支持高校毕业生创业。",
                                  # The names are the object of a noun (…企业技改), not a predicate's subject.
                                  "重点支持骨干企业、优势企业技改。"])
def test_an_enabling_verb_s_object_that_names_no_actor_gives_no_duty(text):
    assert duty_spans(text) == []


def test_a_partnership_after_an_enabling_verb_is_read_whole_not_as_a_list_of_subjects():
    [span] = duty_spans("支持江北新区与甲集团、乙数科合作建设算力中心。")
    assert span.duty == Duty(leads=("江北新区",), cooperating=("甲集团", "乙数科"))


@pytest.mark.parametrize(("text", "leads", "cooperating"), [
    ("支持骨干企业牵头攻关关键技术", ("骨干企业",), ()),
    ("支持链主企业联合高校院所组建产业研究院", ("链主企业",), ("高校院所",)),
    ("推行村党组织领办合作社和供销社", ("村党组织",), ()),
    ("每条产业链由市级领导担任“链长”", ("市级领导",), ()),
])
def test_work_report_wording_gives_enterprises_organisations_and_leaders_their_duty(text, leads, cooperating):
    [span] = duty_spans(text)
    assert (span.duty.leads, span.duty.cooperating) == (leads, cooperating)


def test_thanks_to_a_list_of_people_name_no_authority():
    # 向各位老领导、老同志…表示感谢: the list runs past the names and no matter goes to them.
    assert duty_spans("向各位老领导、老同志，向驻日照部队、武警官兵，表示衷心的感谢！", authorities=True) == []


def test_a_county_s_short_name_is_a_subject_only_when_asked_for_a_county():
    text = "孝南打造全国纸基新材料产业基地，孝昌打造全国微特电机制造名城。"
    assert duty_spans(text, authorities=True) == []
    assert [s.duty.leads for s in duty_spans(text, authorities=True, short_places=True)] == [("孝南",), ("孝昌",)]


def test_a_peer_of_an_enabled_actor_in_one_list_is_an_actor_too():
    # 甲乙米业 acts by its verb (争创); 丙丁食品, the next item of the same list, is named the same way before
    # a verb of its own and has no unit's ending either: the list's items share their kind.
    spans = duty_spans("支持甲乙米业争创省级龙头企业、丙丁食品打造地方特色品牌，新认证绿色食品5个。")
    assert [s.duty.leads for s in spans] == [("甲乙米业",), ("丙丁食品",)]
    # A peer that is a predicate (提升…) is no actor.
    assert [s.duty.leads for s in duty_spans("支持甲乙科技申报专精特新企业、提升企业创新能力。")] == [("甲乙科技",)]


def test_an_unread_first_item_of_an_enabled_list_is_a_peer_of_the_items_that_act():
    # 甲港投 has no unit's ending and 建设 is no actor's verb, but the list's next item (丙物流集团) acts:
    # the items share their kind, the first as much as the later ones.
    spans = duty_spans("支持甲港投建设临江物流枢纽、丙物流集团建设冷链基地。")
    assert [s.duty.leads for s in spans] == [("甲港投",), ("丙物流集团",)]


def test_an_enabling_verb_governs_the_actor_of_the_next_segment_too():
    # 支持A…，B…: the second body's verb is its own, the enabling verb is elided before it.
    spans = duty_spans("支持滨江学院建设应用型大学，滨江职业技术学院打造技能人才培养基地。")
    assert [s.duty.leads for s in spans] == [("滨江学院",), ("滨江职业技术学院",)]
    # A segment after it that opens with a predicate has no actor of its own: it goes on with the first.
    [span] = duty_spans("支持滨江学院建设应用型大学，打造区域人才高地。")
    assert span.duty.leads == ("滨江学院",)


@pytest.mark.parametrize(("text", "leads"), [
    ("落实区领导包联重点园区工作机制", ("区领导",)),
    ("健全县级领导定期走访企业制度", ("县级领导",)),
    # the last item of a list names the mechanism; a bracketed list inside the name is part of it
    ("压实属地责任、乡（镇、街道）长直接抓安全生产机制", ("乡（镇、街道）长",)),
    ("全面落实“米袋子”省长负责制", ("省长",)),
])
def test_a_mechanism_names_the_person_who_runs_it(text, leads):
    [span] = duty_spans(text)
    assert span.duty.leads == leads


@pytest.mark.parametrize("text", ["建立健全企业信用评价机制", "建立部门协同工作机制", "完善市场主体退出制度",
                                  "落实首问负责制"])
def test_a_mechanism_about_bodies_names_no_actor(text):
    # The bodies in these are the mechanism's topic: only a person's role before its verb runs it.
    assert duty_spans(text) == []


def test_a_strong_predicate_before_an_actor_s_verb_is_no_part_of_the_name():
    # 牵头组建: the brand name before it acts; 牵头 never ends up inside the name (青禾科技牵头).
    assert duty_spans("支持青禾科技牵头组建创新联合体。")[0].duty.leads == ("青禾科技",)


def test_a_frame_of_what_something_centres_on_names_no_actor():
    # 以A为龙头的…: A is what the park centres on, not who builds it.
    assert duty_spans("支持以鑫达集团为龙头的产业园建设提速。") == []


@pytest.mark.parametrize(("text", "leads"), [("推动云门镇创建省级卫生镇。", ("云门镇",)),
                                             ("推进红枫纪念馆、白塔博物馆争创国家一级博物馆。", ("红枫纪念馆", "白塔博物馆")),
                                             # Brand names closed by their kind (等企业) are bodies too.
                                             ("推动青禾、远帆等企业组建中试基地。", ("青禾", "远帆"))])
def test_a_weaker_enabling_verb_governs_the_actor_of_an_organisation_s_own_act(text, leads):
    assert duty_spans(text)[0].duty.leads == leads


@pytest.mark.parametrize("text", ["推动数字政府建设。", "推动云门镇建设污水处理厂。", "推动白云塔、青石桥申报文物保护单位。"])
def test_a_weaker_enabling_verb_before_any_other_verb_governs_no_actor(text):
    assert duty_spans(text) == []


def test_a_research_body_or_a_hospital_named_short_acts_after_an_enabling_verb():
    assert duty_spans("支持市三院建设胸痛中心。")[0].duty.leads == ("市三院",)


def test_a_unit_followed_by_how_often_it_acts_is_read_whole():
    assert duty_spans("各市党委和政府每年向省委报告乡村建设进展。")[0].duty.leads == ("各市党委和政府",)
    assert duty_spans("市统计局每季度通报重点指标完成情况。")[0].duty.leads == ("市统计局",)


@pytest.mark.parametrize("text", ["新建一批养老服务中心、社区卫生服务站等设施，提升服务能力。",
                                  "谋划布局若干冷链集配中心，争取快递企业落户。",
                                  # 、 inside a name only within brackets: these are two objects, not one unit.
                                  "规划布局物流园区、物流配送中心等节点设施，争取快递企业落户。"])
def test_the_objects_of_a_verb_are_no_actors_though_they_end_like_bodies(text):
    assert duty_spans(text) == []


def test_a_list_inside_brackets_stays_part_of_one_name():
    assert duty_spans("县（市、区）生态环境部门负责本辖区监测。")[0].duty.leads == ("县（市、区）生态环境部门",)


@pytest.mark.parametrize(("text", "leads"), [("项目资金经市财政局审核后拨付。", ("市财政局",)),
                                             ("共享数据经市大数据中心确认后开放使用。", ("市大数据中心",))])
def test_the_unit_named_after_jing_inside_a_segment_reviews_the_matter(text, leads):
    assert duty_spans(text)[0].duty.leads == leads


def test_jing_inside_a_unit_s_name_is_no_marker():
    assert duty_spans("市经信局负责推进制造业数字化转型。")[0].duty.leads == ("市经信局",)


@pytest.mark.parametrize(("text", "leads"), [("省、市（州）生态环境部门具体负责统筹监测网络建设。",
                                              ("省、市（州）生态环境部门",)),
                                             ("各县、区人民政府负责组织实施。", ("各县、区人民政府",))])
def test_levels_joined_by_a_list_mark_are_one_unit(text, leads):
    assert duty_spans(text)[0].duty.leads == leads


def test_a_prohibition_without_approval_gives_the_approving_body_no_task():
    assert duty_spans("未经市市场监管局批准，不得擅自开展检验检测活动。") == []


def test_a_place_opening_a_body_s_name_is_no_subject_of_its_own():
    # Each segment opens with a county's short name, but the name goes on to a body (医学院, 医院, 公司).
    text = "孝昌医学院更名大学通过考察，大悟人民医院新院区竣工，安陆化工有限公司二期投产。"
    assert duty_spans(text, authorities=True) == []
    assert [s.duty.leads for s in duty_spans("孝昌重点发展食品加工，大悟加快发展文化旅游，安陆建设新材料产业园。")] == [
        ("孝昌",), ("大悟",), ("安陆",)]
