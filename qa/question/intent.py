"""What a question asks for, from its wording alone: intent, language, figures and content terms.

Intents (see ``qa.answer.INTENTS``):

- ``responsibility``: 谁牵头 / 哪个部门 / 哪些部门负责 / 责任单位 / 由谁 / who leads / which department;
- ``fact``: 多少 / 几 / 哪年 / 何时 / 目标 / how many / when / what is the target;
- ``compare``: 各地 / 分别 / 对比 / 比较 / 哪些城市 / across cities / compare;
- ``unit_tasks``: the inverse question, a unit's tasks: 市发改委牵头哪些任务 / 财政局要承担哪些工作 /
  宿州海关参与了哪些任务 / which tasks does … lead (answered from the ledger, ``qa.ledger_answer``);
- ``general``: anything else.

Example:
    >>> detect_intent("宿州市冷链物流项目由哪个部门牵头？")
    'responsibility'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.qa.question.language import is_english

# Strong compare cues always mean "answer per document"; 分别 only does when the question names
# several places, because "…分别不低于多少" is a plain fact question about one plan.
_COMPARE_STRONG = re.compile(
    # 各地 asks across places, but 各地政府… / 各地要… is the subject of a task the question quotes
    # (各地政府性基金要优先…，由谁牵头), unless the question also sets them apart (分别 / 不同).
    r"各地(?!政府|人民政府|党委|要|应|须|必须|可以|可)|各地.*(?:分别|各自|不同|差异)|各城市|各市|各个城市|各文件|不同城市|不同地区|哪些城市|哪些地方|哪些地区"
    # across cities / across the documents; "across the province" is within one place.
    r"|\bacross (?:the |all |different |several )?(?:cities|regions|documents|places|provinces|plans|reports)\b"
    r"|\beach (?:city|region|document|place)\b",
    re.IGNORECASE,
)
# Words that set things side by side, but are also ordinary nouns of a task (对比清单, 比较优势): they
# mean compare unless the question asks for the unit of one task in fewer than two places.
_COMPARE_WORDS = re.compile(r"对比|比较|异同|区别|\bcompare\b|\bcomparison\b|\bdiffer", re.IGNORECASE)
# With several places named, wording that sets them side by side: 分别 / 各 (each) / 有何不同 (两地 is not:
# "两地…交流" is one topic of both places).
_COMPARE_WEAK = re.compile(r"分别|各|不同|差异|有何区别"
                           r"|\brespectively\b|\beach\b|\bboth\b", re.IGNORECASE)
# Between two places of a list: 芜湖、深圳和成都 / Hefei and Wuhan (one place right after another, as in
# 宿州市埇桥区, is one place named by its levels, not a list).
_LIST_JOIN = re.compile(r"^\s*(?:、|，|,|和|与|及|以及|同|跟|, and|and|,)\s*$", re.IGNORECASE)

# "负责哪些工作 / 牵头哪些任务" asks for a unit's tasks, not for a unit: checked before the cues below.
_TASKS_OF_UNIT = re.compile(
    r"(?:负责|牵头|承担|参与|参加|配合|协助)(?:了|的)?(?:哪些|什么|何种|哪几[项个条]|哪一?项)(?:工作|任务|事项|内容)?"
    r"|\b(?:which|what) (?:tasks|work|duties|responsibilities|measures|items)\b"
    r"|\btasks? (?:of|for|assigned to|led by)\b|\bwhat (?:does|do|did|must|should) .{2,80}\b(?:lead|take part in|"
    r"participate in|cooperate on|work on|handle|approve|regulate|oversee|supervise)\b", re.IGNORECASE)
# A unit's task list, asked in any word order once the question names a unit the ledger knows:
# X负责哪些任务 / X牵头的任务有哪些 / X参与了…哪些任务 / 哪些工作由X承担 / X的职责是什么 / What does X lead?
# Three general signals together: a duty verb or a task noun, a which/what word, and no question for a unit.
_DUTY = re.compile(r"负责|牵头|承担|参与|参加|配合|协助|协同|会同|主管|职责|职能|分工|任务|工作|事项|事|做|指标|条款|条|涉及"
                   r"|安排|部署|支持|要求"
                   r"|\b(?:lead|leads|led|responsible|charge|handle|handles|participate|cooperate|tasks?|duties|work"
                   r"|plans?|planned|assigns?|assigned|arranges?|arranged)\b",
                   re.IGNORECASE)
_WHICH = re.compile(r"哪些|哪几|有哪|何种|何项|什么(?:工作|任务|事项|职责|内容)|(?:职责|任务|分工)是什么|(?:做|干)(?:什么|啥)"
                    r"|列出|列举|罗列|全部|所有|\b(?:what|which|list|all)\b", re.IGNORECASE)
# Wording that asks for a unit's duties or the clauses naming it, not merely for "work" in general
# (市政府有哪些工作 asks for a plan's contents): needed before a unit named only in running text counts.
_DUTY_STRONG = re.compile(r"负责|牵头|承担|参与|参加|配合|协助|协同|会同|主管|职责|职能|分工|任务|[管办]哪些|要管|涉及|条款"
                          r"|哪几条|哪些条|\b(?:lead|leads|led|responsible|charge|handle|handles|participate|cooperate"
                          r"|tasks?|duties|approve|regulate|oversee|supervise)\b", re.IGNORECASE)
# The kinds of body a who-question may ask for besides a department: work reports give tasks to districts
# and counties, parks, enterprises, task forces (哪个区 / 哪家企业 / 什么专班 / 哪个园区).
# Schools, hospitals, museums and scenic areas are bodies too (哪所大学 / 哪个医院 / 哪座纪念馆), and a report
# names the town, city or area that is to do a task (哪个镇 / 哪些城市 / 哪片区域). 市场, 市民 and 乡村 are no
# places.
_PLACE_KINDS = r"(?:县区|区县|县市|地市|城市|乡镇|街道|市(?![场民级])|镇|乡(?![村土])|区|县)"
_AGENT_KINDS = (r"(?:部门|单位|机构|机关|园区|开发区|新区|企业|国企|央企|车企|药企|公司|集团|学校|高校|学院|大学|院校"
                r"|院所|医院|纪念馆|博物馆|图书馆|文化馆|场馆|公园|景区|团队|专班|领导|组织|主体|区域|片区"
                rf"|{_PLACE_KINDS})")
# 由哪些高校 / 由哪些骨干企业: 由 makes the bodies asked for the doers (哪些企业 alone may ask who qualifies);
# places asked for are the doers (哪些县要…): no place qualifies for a task as a firm does for a grant.
# 哪三个区 counts them; 哪所高职院校 / 哪家本地企业 put a modifier between the classifier and the kind.
_WHICH_AGENT = (rf"(?:(?:哪|什么)[一两二三四五几]?(?:个|家|级|片|所|类|座|块|位)?{_AGENT_KINDS}"
                rf"|哪一?[所家座][\u4e00-\u9fff]{{1,3}}?{_AGENT_KINDS}|由哪些[\u4e00-\u9fff]{{0,3}}?{_AGENT_KINDS}|哪些{_PLACE_KINDS})")
# English kinds of body besides a department's (which college / which Wuhu firm / which city).
_AGENT_KINDS_EN = (r"(?:department|agency|agencies|unit|units|office|bureau|body|bodies|organi[sz]ations?"
                   r"|county|counties|district|districts|enterprises?|compan(?:y|ies)|firms?|teams?|parks?|zones?"
                   r"|institutions?|colleges?|universit(?:y|ies)|schools?|hospitals?|institutes?|scenic areas?"
                   r"|cit(?:y|ies)|towns?|museums?|memorial halls?)")
_ASKS_UNIT = re.compile(r"谁|由何|哪个?(?:一个|几个)?(?:部门|单位|机构|机关)|哪些(?:部门|单位|机构|机关)|哪几个?(?:部门|单位)"
                        rf"|{_WHICH_AGENT}"
                        r"|哪几?家|(?:单位|部门|机构|机关)(?:有|是|为)?(?:哪些|哪几个?|哪个|谁)"
                        r"|\bwho\b|\bwhich (?:\w+ ){0,2}(?:department|agency|agencies|unit|units|office|bureau|body|bodies)",
                        re.IGNORECASE)
_ASKS_AMOUNT = re.compile(r"多少|几分|何时|什么时候|哪年|哪一年|\bhow (?:many|much)\b|\bwhen\b", re.IGNORECASE)
# 负责同志 / 负责人 are people ("市级负责同志先后18次带队"), not a question about who is responsible.
_NOT_RESPONSIBILITY = re.compile(_TASKS_OF_UNIT.pattern + r"|负责同志|负责人")
_RESPONSIBILITY = re.compile(
    r"谁|由何|哪个?(?:一个|几个)?(?:部门|单位|机构|机关)|哪些(?:部门|单位|机构|机关)|哪几个?(?:部门|单位)"
    r"|责任单位|牵头单位|牵头部门|配合单位|责任部门|主管部门|负责单位|负责部门|牵头|负责"
    rf"|{_WHICH_AGENT}|哪几?家"
    rf"|\bwho\b|\bwhich (?:[\w-]+ ){{0,2}}{_AGENT_KINDS_EN}\b"
    r"|\bresponsib|\bin charge\b|\blead(?:s|ing)?\b|\bled by\b",
    re.IGNORECASE,
)
_FACT = re.compile(
    r"多少|几(?:个|次|家|年|项|名|批|亿|万|公里|倍)?|哪年|哪一年|何年|何时|什么时候|哪天|日期|时间"
    r"|目标|比例|比率|规模|数量|金额|不低于|不少于|达到|多大|多长|多久|名称|叫什么|是什么|是哪|哪里|在哪"
    r"|\bhow (?:many|much|long|large|big)\b|\bwhen\b|\bwhat (?:year|date|size|share|proportion)\b"
    r"|\bwhich year\b|\bby when\b|\btarget|\bgoal"
    r"|\bwhat (?:is|was|are|were)\b|\bwhere\b|\bpercent|\bnumber of\b|\bamount\b",
    re.IGNORECASE,
)

# Figures in a question: years, counts, amounts. A figure the corpus never states cannot be supported.
_FIGURE = re.compile(r"\d+(?:\.\d+)?")

# Wording that says *what kind* of answer is wanted, not what it is about: removed before
# content terms are taken, so "由哪个部门牵头" does not count as evidence for any clause.
_QUESTION_WORDS = re.compile(
    r"由哪个部门|由哪些部门|哪个部门|哪些部门|哪个单位|哪些单位|哪几个部门|责任单位|牵头单位|配合单位|"
    r"主管部门|由谁|是谁|谁来|谁|牵头|负责|配合|多少[个家项条所座批套处台辆件种次名]?|哪一年|哪年|何时|什么时候|什么|哪些|哪个|哪里|"
    r"哪家|哪一级|哪一片|哪一类|哪一个|哪一|哪|"
    r"怎么|如何|怎样|是否|有没有|分别|各自|请问|其中|提出|要求|规定|明确|安排|计划中|方案中|文件中|"
    # how-long / how-many / which-kind wording: 多久, 几条, 多少个 (its measure word goes with it: 多少个停车位
    # asks for 停车位, and 个停 is no bigram of any sentence stating 新增停车位3000个), 文号, 年份, 区别
    r"多长时间|多久|多长|多大(?!程度)|多高|多快|多远|几[个条名项次家年批天月小时倍]*|文号|年份|日期|区别|不同|异同|"
    r"根据|按照|关于|有关|相关|主要|具体|工作|情况|内容|方面|问题|目标是|达到|"
    # how a user asks for what one receives or may do (最多能拿多少 / 能领到几天): the document writes
    # 给予最高… / 享受…, so these words are no evidence for any sentence.
    # a demonstrative pointing back at the matter just described (…，这块 / 这项工作 / 那件事): no matter itself
    r"[这那]一?(?:块|项|件|类|个|方面)(?:事情|事儿|事|工作|任务|政策)?|"
    r"最多能|最多可|最高能|最高可|至少要|最少要|能拿到|能拿|能领到|能领|能得到|能获得|能享受|可以拿|可以领|"
    r"吗|呢|的|了|是"
)
_PUNCT = re.compile(r"[\s\W_]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_YEARS = re.compile(r"\d+年?")
# What is left of the question words when they are all the question says (主要目标是什么).
_INTERROGATIVES = re.compile(r"是什么|什么|多少|几|哪些|哪个|哪|有没有|是否|如何|怎么|怎样|请问|吗|呢|的|了|是|有")


@dataclass(frozen=True, slots=True)
class QuestionAnalysis:
    """A question's wording, analysed once and shared by retrieval, answering and abstention."""

    question: str
    intent: str
    english: bool
    figures: tuple[str, ...]
    content: str  # the question minus question words, places and punctuation
    kind: str = ""  # a who-question's kind of answer (``asked_kind``): 哪所高职院校 → 高职院校


def listed_places(question: str, places: tuple[str, ...]) -> int:
    """How many places the question lists side by side (芜湖、深圳和成都 → 3); 0 without a list."""
    found = sorted({(question.find(p), p) for p in places if p and question.find(p) >= 0})
    longest = run = 1
    for (at, name), (nxt, _) in zip(found, found[1:]):
        run = run + 1 if nxt >= at + len(name) and _LIST_JOIN.match(question[at + len(name):nxt]) else 1
        longest = max(longest, run)
    return longest if longest >= 2 else 0


def detect_intent(question: str, *, place_count: int = 0, unit_tasks: bool = True, listed: int = 0) -> str:
    """Classify a question by its wording.

    Args:
        question: The user's question, Chinese or English.
        place_count: How many distinct places the question names; "分别" means compare only
            when it names several.
        listed: How many places it lists side by side (``listed_places``): three or more are the
            documents to compare whatever the wording; two with 分别 / 各 / 对比 are too.
        unit_tasks: Recognise the inverse question; ``False`` gives the intent to fall back on
            when the question names no unit the ledger knows.

    Returns:
        One of ``responsibility``, ``fact``, ``compare``, ``unit_tasks``, ``general``.
    """
    if _COMPARE_STRONG.search(question) or listed >= 3:
        return "compare"
    if _COMPARE_WORDS.search(question) and (place_count >= 2 or not _ASKS_UNIT.search(question)):
        return "compare"
    if place_count >= 2 and _COMPARE_WEAK.search(question):
        return "compare"
    if is_english(question) and place_count >= 3 and not _ASKS_UNIT.search(question):
        # Shanghai, Hangzhou and Shenzhen: an English list is read from its places; "In Suqian, which
        # departments … from Suzhou in Jiangsu" names three places but asks for one place's units.
        return "compare"
    if unit_tasks and _TASKS_OF_UNIT.search(question):
        return "unit_tasks"
    if _asks_for_someone(_NOT_RESPONSIBILITY.sub(" ", question)):
        return "responsibility"
    if _FACT.search(question):
        return "fact"
    return "general"


def _asks_for_someone(question: str) -> bool:
    """Wording of a who-question (``_RESPONSIBILITY``), other than a kind of place that opens a compound
    noun: 哪个县域经济 asks for an economy, 哪个市县财政 for budgets, not for a county."""
    for m in _RESPONSIBILITY.finditer(question):
        if not (_ENDS_WITH_PLACE_KIND.search(m.group(0)) and _noun_follows(question, m.end())):
            return True
    return False


_ENDS_WITH_PLACE_KIND = re.compile(rf"{_PLACE_KINDS}$")
# jieba's flags of a plain noun (not a place's or a person's name, nor a verb's noun use: 哪个镇建设…).
_PLAIN_NOUN = frozenset({"n", "nz", "ng", "nl"})


def _noun_follows(question: str, end: int) -> bool:
    """Whether the kind ending at ``end`` opens a compound noun: the word holding its last character is a
    longer plain noun (县域, 市县), or the next word is one (城市 定位)."""
    from jieba import posseg

    at = 0
    for token in posseg.cut(question):
        start, at = at, at + len(token.word)
        if at < end:
            continue
        if start < end < at:  # the kind is glued to what follows (县域, 镇去)
            return token.flag in _PLAIN_NOUN
        if start >= end:
            return token.flag in _PLAIN_NOUN
    return False


def asks_for_tasks(question: str) -> bool:
    """The wording of a unit-tasks question once a unit is named: a duty verb or task noun and a
    which/what word, and neither a question for a unit (谁 / 哪个部门 / who) nor for an amount.

    Example:
        >>> asks_for_tasks("哪些工作由市财政局承担？"), asks_for_tasks("这项工作由哪个部门牵头？")
        (True, False)
    """
    if _ASKS_UNIT.search(question) or _ASKS_AMOUNT.search(question):
        return False
    return bool(_DUTY.search(question) and _WHICH.search(question)) or bool(_TASKS_OF_UNIT.search(question))


def names_duty(question: str) -> bool:
    """Whether a unit-tasks question asks for duties or the clauses naming the unit (X负责哪些 / X涉及哪些条款
    / what must X approve), not for a plan's work in general."""
    return asks_for_tasks(question) and bool(_DUTY_STRONG.search(question))


_CLAUSE_BREAK = re.compile(r"[，,。；;：:？?！!\s]")


def asked_predicate(question: str) -> str:
    """The content words a who-question puts right around its question for a unit: the matter or duty it
    asks about (要向哪个部门申报查验 → 申报查验; 接受哪个部门的监测 → 监测; 由谁牵头联系调度 → 联系调度).

    A clause may name several units for several matters; these words tell which matter is asked.
    """
    m = _ASKS_UNIT.search(question)
    if not m:
        return ""
    after = content_text(_CLAUSE_BREAK.split(question[m.end():])[0][:6])
    # 批准设立的出入口由哪个部门？— nothing after it: the words before it say the matter.
    return after or content_text(_CLAUSE_BREAK.split(question[: m.start()])[-1][-6:])


# 哪所 / 哪家 / 哪一级 / 哪几家 …: an interrogative with its measure word, before the kind of thing asked for;
# the kind is a kind of body (``_AGENT_KINDS``) with at most a short modifier (哪所高职院校, 哪家本地企业).
_WHICH_KIND = re.compile(r"哪[一两二三四五几]?[个家所位些级片类种座块支名]?")
_KIND_NAMED = re.compile(rf"[\u4e00-\u9fff]{{0,2}}?{_AGENT_KINDS}")
# Characters that end a division's name: a kind that is one of them (哪个县) asks for a place.
DIVISION_ENDS = "省市区县州旗盟乡镇村"
_GENERIC_KINDS = frozenset({"部门", "单位", "机构", "机关"})


def asked_kind(question: str) -> str:
    """The kind of thing a who-question asks for, in the question's words (哪所高职院校 → 高职院校,
    哪家银行 → 银行, 哪一级干部 → 干部, 哪个县 → 县), or ''. A document names an instance (某某职业技术学院,
    某某银行, a county's name), rarely the kind: the kind is held by a sentence naming an actor of it, not by
    its words. A kind of body with its modifier, or else the one noun jieba reads right after the interrogative; the
    kinds every unit is (部门, 单位) are question wording, no kind."""
    from jieba import posseg

    for m in _WHICH_KIND.finditer(question):
        rest = question[m.end(): m.end() + 8]
        named = _KIND_NAMED.match(rest)
        if named:
            kind = named.group(0)
        else:
            first = next(iter(posseg.cut(rest)), None)
            kind = first.word if first and first.flag.startswith(("n", "j")) and _HAN.fullmatch(first.word[0]) else ""
        if kind and kind not in _GENERIC_KINDS:
            return kind
    return ""


def is_place_kind(kind: str) -> bool:
    """Whether a which-question's kind is a level of division (县, 城市, 乡镇): its instances are places."""
    return _PLACE_KIND.fullmatch(kind) is not None


_PLACE_KIND = re.compile(_PLACE_KINDS)


def of_kind(name: str, kind: str) -> bool:
    """Whether a unit's name is an instance of a which-question's ``kind``: it shares a character with it
    (高职院校 / 某某职业技术学院, 药企 / 某某药业), or the kind is a division's level (县, 城市) and the name a
    place (a county written without its 县, a city without its 市)."""
    from policyqa.ingest.metadata.places import is_place_name

    if is_place_kind(kind):  # 市交通运输局 shares 市 with 城市 and is no city
        return name[-1] in DIVISION_ENDS or is_place_name(name, district_short_names=True)
    return bool(set(kind) & set(name))


def question_figures(question: str) -> tuple[str, ...]:
    """The numbers a question states (e.g. 2025, 400), in order, without duplicates."""
    return tuple(dict.fromkeys(_FIGURE.findall(question)))


def content_text(question: str, *, drop: tuple[str, ...] = ()) -> str:
    """The question minus question words, the given names (places) and punctuation.

    Args:
        question: The question (in search form, i.e. simplified, half width).
        drop: Further strings to remove first, longest first (e.g. the places it names).
    """
    text = question
    for name in sorted(drop, key=len, reverse=True):
        text = text.replace(name, " ")
    content = _PUNCT.sub(" ", _QUESTION_WORDS.sub(" ", text)).strip()
    if not _HAN.search(_YEARS.sub("", content)):
        # 某县的主要任务是什么: the wording words are the whole subject (主要任务); only the
        # interrogative itself goes.
        content = _PUNCT.sub(" ", _INTERROGATIVES.sub(" ", text)).strip()
    return content


def analyse(question: str, *, places: tuple[str, ...] = ()) -> QuestionAnalysis:
    """Analyse a question once: intent, language, figures, content terms.

    Args:
        question: The question in search form.
        places: The place names found in it (``qa.places``); they count for the intent
            (several places + 分别 = compare) and are removed from the content.
    """
    return QuestionAnalysis(
        question=question,
        intent=detect_intent(question, place_count=len(set(places)), listed=listed_places(question, places)),
        english=is_english(question),
        figures=question_figures(question),
        content=content_text(question, drop=places),
        kind=asked_kind(question),
    )
