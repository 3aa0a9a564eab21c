"""Units named in running text, sentence by sentence: A负责… / 由A、B牵头 / A会同B… / A配合… / A、B按照各自职责….

Regulations and guidelines (办法, 意见, 细则) rarely mark their units in parentheses: each sentence has its
own subject. One clause may give several units several duties:

    数据提供部门负责本部门数据……的安全管理。
    数据使用部门负责共享数据使用全过程安全。

so a clause is read as *duty spans*: a stretch of text (a sentence, or the comma-separated part of one
that has its own subject or agent) with the units that carry it. A question about one duty is answered by
the span that describes it (``qa``); the ledger takes every span's units (``running_text_units``).

Grammar (words in ``role_words.toml``):

* subject — a segment opens with unit names (A、B和C) followed by a predicate (应当 / 负责 / 组织 …):
  they lead; a predicate opening with 配合/参与 makes them cooperating; 会同/联合/委托 B makes B
  cooperating; several subjects 按照各自职责 are *responsible*, none of them the lead;
* agent — 由/交由/经/授权 A (verb) anywhere in a segment: A leads (由建设单位或本级人民政府指定的部门组织验收);
* a segment without either continues the span before it (…负责X，并依托Y；承担Z: one subject).

A unit name ends with a unit suffix (局, 委员会, 部门, 单位 …); a subject's name holds no function word
(我办, 具体目录由… are no subjects).
"""

from __future__ import annotations

import contextvars
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_WORDS_FILE = Path(__file__).with_name("role_words.toml")
_MAX_NAME = 24
# Explanations inside a name's parentheses are not part of it: 上海市科学技术委员会（以下简称市科委）.
_EXPLANATION = re.compile(r"[（(](?:以下简称|以下统称|下称|简称|统称|以下称)[^）)]*[）)]")
_NUMBER_HEAD = re.compile(r"^\s*(?:第[一二三四五六七八九十百零\d]+[条章节]|[（(][一二三四五六七八九十\d]+[)）]|"
                          r"\d+[.、．]|[一二三四五六七八九十]+、)\s*")
_LEVEL_STARTS = ("省", "市", "区", "县", "州", "旗", "镇", "乡", "国家", "中央", "各", "其他", "其它", "有关", "相关", "本级",
                 "上级")
# jieba tags a name never opens with: verbs, adverbs, pronouns (这些), prepositions, conjunctions.
_NOT_NAME_TAGS = frozenset({"v", "vd", "d", "ad", "r", "p", "c", "u"})  # vn (运营单位, 建设单位) may
_SENTENCES = re.compile(r"[^。！？!?\n]+")
_PARTS = re.compile(r"[^；;]+")
_SEGMENTS = re.compile(r"[^，,：:]+")
_FUNCTION_CHARS = re.compile(r"[由我将已对把被向在从为是的了]")
# 职责是： / 负责以下工作： / 履行下列职责：— a heading whose children are its subject's duties.
_DECLARES_DUTIES = re.compile(r"(?:职责|职能|任务|负责|履行|承担)[^。；;]{0,12}[：:]\s*$")
# Quotation and title marks are never part of a name (市“三委两局”), nor an unbalanced bracket.
_QUOTES = re.compile(r"[“”‘’\"'《》〈〉【】\[\]{}]")
# The only quotation a name may hold: whole “…” words (每个“ a ”), in which the name's text continues.
_NAME_QUOTES = re.compile("(?:[^\x01\x02]|\x01[^\x01\x02]+\x02)*")
_DEBRIS = re.compile(r"[“”‘’\"'《》〈〉【】\[\]{}]|[（(][^）)]*$|^[^（(]*[）)]")
# A collective name whose units follow in brackets: 市“三委两局”（A、B、C）.
_COLLECTIVE_LIST = re.compile(r"(?<![\u4e00-\u9fff])(?P<name>[\u4e00-\u9fff“”]{0,3}“[^”]{1,8}”|(?:[省市区县]|有关|相关)"
                              r"[\u4e00-\u9fff]{0,6}?(?:部门|单位))[（(](?P<items>[^（()）]{4,160})[）)]")
_PLACE_ENDS = "区县市州旗镇乡"
# Whether a division's short name (孝昌 for 孝昌县) may be a subject: only where the reader is told the
# text is about counties (a who-question asking which county): 和平 or 东方 are words as well as districts.
_SHORT_PLACES: contextvars.ContextVar[bool] = contextvars.ContextVar("short_places", default=False)
_DEFINED = re.compile(r"(?:是|为)[^，,。；;：:]*?的(?P<name>[\u4e00-\u9fff]{2,12})[，,]")


def _quote_kind(m: re.Match[str]) -> str:
    """“ and ” → \\x01 and \\x02 (for ``_NAME_QUOTES``); any other quotation or title mark → ``|``."""
    return {"“": "\x01", "”": "\x02"}.get(m[0], "|")


@dataclass(frozen=True, slots=True)
class RoleWords:
    """The vocabulary of ``role_words.toml``, compiled."""

    unit_suffix: re.Pattern[str]
    long_suffix: re.Pattern[str]    # the suffixes of two characters or more
    agent: re.Pattern[str]          # 由 / 交由 / 授权 (not inside 自由), or 经 opening a segment
    predicate_starts: tuple[str, ...]
    not_name_starts: tuple[str, ...]
    cooperating_verbs: tuple[str, ...]
    joint_verbs: tuple[str, ...]
    separate_remits: tuple[str, ...]
    list_joiners: tuple[str, ...]
    narrative_doc_types: frozenset[str]
    not_markers: tuple[str, ...]
    not_unit_endings: tuple[str, ...]
    never_in_names: tuple[str, ...]
    strong_predicates: tuple[str, ...]
    authority_markers: tuple[str, ...]
    authority_verbs: tuple[str, ...]
    sector_list: re.Pattern[str]    # 网信、发展改革、公安等部门
    enabling_verbs: tuple[str, ...] = ()
    transmittal: tuple[str, ...] = ()
    partner_verbs: tuple[str, ...] = ()
    enabled_actor_verbs: tuple[str, ...] = ()
    actor_verb_enablers: tuple[str, ...] = ()
    bare_bodies: tuple[str, ...] = ()
    actor_endings: tuple[str, ...] = ()
    person_roles: tuple[str, ...] = ()
    mechanism_nouns: tuple[str, ...] = ()
    mechanism_verbs: tuple[str, ...] = ()
    review_verbs: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def role_words() -> RoleWords:
    """The bundled ``role_words.toml``."""
    data = tomllib.loads(_WORDS_FILE.read_text(encoding="utf-8"))

    def longest_first(key: str) -> tuple[str, ...]:
        return tuple(sorted(data[key], key=len, reverse=True))

    return RoleWords(
        unit_suffix=re.compile("(?:" + "|".join(map(re.escape, longest_first("unit_suffixes"))) + ")$"),
        long_suffix=re.compile("(?:" + "|".join(re.escape(x) for x in longest_first("unit_suffixes") if len(x) > 1)
                               + ")$"),
        agent=re.compile("(?<![自理缘])(?:" + "|".join(map(re.escape, longest_first("agent_markers"))) + ")|^(?:"
                         + "|".join(map(re.escape, longest_first("opening_agent_markers"))) + ")"),
        predicate_starts=longest_first("predicate_starts"),
        not_name_starts=longest_first("not_name_starts"),
        cooperating_verbs=longest_first("cooperating_verbs"),
        joint_verbs=longest_first("joint_verbs"), separate_remits=longest_first("separate_remits"),
        list_joiners=longest_first("list_joiners"), narrative_doc_types=frozenset(data["narrative_doc_types"]),
        not_markers=longest_first("not_markers"), not_unit_endings=longest_first("not_unit_endings"),
        never_in_names=longest_first("never_in_names"), strong_predicates=longest_first("strong_predicates"),
        authority_markers=longest_first("authority_markers"), authority_verbs=longest_first("authority_verbs"),
        sector_list=re.compile(r"^((?:[\u4e00-\u9fff]{2,10}、)+[\u4e00-\u9fff]{2,10})(?:"
                               + "|".join(map(re.escape, longest_first("sector_list_ends"))) + ")"),
        enabling_verbs=longest_first("enabling_verbs"), transmittal=longest_first("transmittal_phrases"),
        partner_verbs=longest_first("partner_verbs"), enabled_actor_verbs=longest_first("enabled_actor_verbs"),
        actor_verb_enablers=longest_first("actor_verb_enablers"), bare_bodies=longest_first("bare_bodies"),
        actor_endings=longest_first("actor_endings"), person_roles=longest_first("person_roles"),
        review_verbs=longest_first("review_verbs"),
        mechanism_nouns=longest_first("mechanism_nouns"), mechanism_verbs=longest_first("mechanism_verbs"))


@dataclass(frozen=True, slots=True)
class Duty:
    """Units of one span: ``leads`` (the subject / agent), ``cooperating`` (配合, or 会同's objects) and
    ``responsible`` (several subjects each in its own remit)."""

    leads: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.leads or self.cooperating or self.responsible)

    def merge(self, other: Duty) -> Duty:
        return Duty(_unique(self.leads + other.leads), _unique(self.cooperating + other.cooperating),
                    _unique(self.responsible + other.responsible))


@dataclass(frozen=True, slots=True)
class DutySpan:
    """A stretch of a clause's text and the units that carry the duty it describes."""

    text: str
    duty: Duty


def assigns_duties(doc_type: str) -> bool:
    """Whether a document of this type gives duties in its sentences (a plan, a regulation), rather than
    narrating (a work report, a news story)."""
    return doc_type not in role_words().narrative_doc_types


def duty_spans(text: str, *, authorities: bool = False, short_places: bool = False) -> list[DutySpan]:
    """The clause's duty spans, in reading order (see the module docstring).

    ``authorities``: also read the unit a matter goes to (向A申报 / 报A批准) where a segment names no
    subject or agent — what a who-question asks for, not a duty of that unit for the ledger.
    ``short_places``: a division's short name is a subject too (孝昌打造… for 孝昌县), for a question that
    asks which county or district.

    Example:
        >>> [(s.text, s.duty.leads) for s in duty_spans("数据提供部门负责采集安全。数据使用部门负责使用安全。")]
        [('数据提供部门负责采集安全', ('数据提供部门',)), ('数据使用部门负责使用安全', ('数据使用部门',))]
    """
    token = _SHORT_PLACES.set(short_places)
    try:
        return _spans(_EXPLANATION.sub("", text), authorities)
    finally:
        _SHORT_PLACES.reset(token)


def _spans(text: str, authorities: bool) -> list[DutySpan]:
    spans: list[DutySpan] = []
    for sentence in _SENTENCES.findall(text):
        if any(p in sentence for p in role_words().transmittal):
            continue
        open_span: list[str] = []      # segments of the span being read
        open_duty = Duty()
        lead_in: list[str] = []        # segments before the sentence's first duty (涉及联合共建的，…)
        parts = _PARTS.findall(_NUMBER_HEAD.sub("", sentence.strip()))
        places = _place_list(parts)
        for part in parts:
            for segment, duty in _read_segments(_SEGMENTS.findall(part), places):
                if duty:
                    if open_duty:
                        spans.append(DutySpan("，".join(open_span), open_duty))
                    open_span, open_duty = lead_in + [segment], duty
                    lead_in = []
                elif open_duty:
                    open_span.append(segment)
                else:
                    lead_in.append(segment)
        if open_duty:
            spans.append(DutySpan("，".join(open_span), open_duty))
        elif authorities:
            # Only a sentence that gives no unit a duty is read for its authority: in A负责审核，并报B备案
            # the duty is A's.
            spans.extend(_authority_spans(sentence))
    return spans


# A sentence that gives at least this many places their own tasks (凤凰打造…；泸溪发展…；花垣…) is a list of
# places with their tasks: each place that opens a segment is its subject, whatever verb follows it.
_PLACE_LIST_MIN = 3


def _opening_place(segment: str) -> str:
    """The division's name (full or short: 孝昌县, 孝昌) a segment opens with as its subject, or ""."""
    from policyqa.ingest.metadata.places import find_places

    text = "".join(segment.split())
    text = text[len(next((v for v in role_words().enabling_verbs if text.startswith(v)), "")):]
    found = find_places(text[:8], district_short_names=True)
    if not found or found[0].start != 0:
        return ""
    after = text[found[0].end:]
    # 孝昌、大悟 / 孝昌的 / 孝昌县: a list of places, a possessive or a longer name is no subject here.
    if not after or not re.match(r"[\u4e00-\u9fff]", after) or after.startswith(("的", "和", "与", "及", "等")):
        return ""
    # 某江医学院更名… / 某仙某某矿业有限公司…: nouns after the place that close like a body make it the
    # opening of that body's name, and the body is the subject, not the place.
    from jieba import posseg

    words, name = role_words(), found[0].name
    for word, flag in posseg.cut(after[:12]):
        if not (flag.startswith("n") or flag == "g"):
            break
        name += word
        if _ends_like_an_actor(name, words):
            return ""
    return found[0].name


def _place_list(parts: list[str]) -> frozenset[str]:
    """The places a sentence gives their own tasks, one segment each (see ``_PLACE_LIST_MIN``), or none."""
    names = [_opening_place(seg) for part in parts for seg in _SEGMENTS.findall(part)]
    found = frozenset(n for n in names if n)
    return found if len(found) >= _PLACE_LIST_MIN else frozenset()


def _read_segments(segments: list[str], places: frozenset[str] = frozenset()) -> list[tuple[str, Duty]]:
    """Each segment with its duty; a segment listing subjects with their own tasks
    (支持咸安区推进老旧小区改造、嘉鱼县加强县域养老服务体系建设) is read item by item, each item its own
    segment: a work report gives its counties their tasks in one list. A list of names sharing one
    predicate (支持A、B创建…) reads at most one item as a duty and stays whole. ``places``: the sentence
    is a list of places with their tasks (``_place_list``)."""
    out: list[tuple[str, Duty]] = []
    words = role_words()
    enabled = False  # the last segment's units were governed by an enabling verb (支持A建设…，B打造…)
    for segment in segments:
        segment = segment.strip(" \t\u3000\xa0")
        if not segment:
            continue
        duty = segment_duty(segment)
        if not duty and enabled:
            duty = _enabled_peer(segment, words)
        enabled = bool(duty) and (_after_enabling(segment, words) >= 0 or enabled)
        place = _opening_place(segment) if places and not duty else ""
        if place and place in places:
            out.append((segment, Duty(leads=(place,))))
            continue
        # A segment read whole keeps its reading (A会同B、C加强…), except a list opening with an enabling
        # verb, whose first item alone gave it.
        enabling = _after_enabling(segment, words)
        # A partnership read whole (支持A与B、C合作…) is one reading, not a list of subjects.
        items = _outside_brackets(segment, "、") if "、" in segment and (not duty or enabling >= 0) \
            and not duty.cooperating else []
        if items and enabling >= 0:
            read = _enabled_list(segment[:enabling], items, words)
        else:
            # The list's opening verb (推动 …) governs every item; the first item is read without it.
            opening = next((w for w in words.not_name_starts if items and items[0].startswith(w)), "")
            read = [segment_duty(item.removeprefix(opening) if i == 0 else item) for i, item in enumerate(items)]
        if sum(map(bool, read)) >= 2:
            out.extend(zip(items, read))
        else:
            out.append((segment, duty))
    return out


def _enabled_list(verb: str, items: list[str], words: RoleWords) -> list[Duty]:
    """支持甲公司争创…、乙县创建…: the enabling verb governs every item; each is read with it. A list's
    items share their kind: where one names an actor (支持甲米业争创…), a peer named before a verb of its
    own (、乙食品打造…) is one too, though its name has no unit's ending."""
    read = [segment_duty(item if i == 0 else verb + item) for i, item in enumerate(items)]
    if not any(read):
        return read
    bodies = [item[len(verb):] if i == 0 else item for i, item in enumerate(items)]
    return [Duty(leads=names) if not duty and (names := _actors_before_verb(body, words, peers=True)) else duty
            for body, duty in zip(bodies, read)]


def _enabled_peer(segment: str, words: RoleWords) -> Duty:
    """支持甲学院建设…，乙学院打造…: after a segment whose enabling verb governs an actor, a segment
    opening with another actor's name and a verb of its own is governed by the same verb. Its name must
    end like an actor or open with a place: the verb stands far from it."""
    names = _actors_before_verb(segment, words, peers=True)
    if names and all(_ends_like_an_actor(n, words) or _opens_with_a_place(n) for n in names):
        return Duty(leads=names)
    return Duty()


def _authority_spans(sentence: str) -> list[DutySpan]:
    body = _NUMBER_HEAD.sub("", sentence.strip())
    segments = [seg.strip(" \t\u3000\xa0") for part in _PARTS.findall(body) for seg in _SEGMENTS.findall(part)]
    segments = [seg for seg in segments if seg]
    for segment in segments:
        duty = segment_duty(segment, authorities=True)
        if duty:
            return [DutySpan("，".join(segments), duty)]
    return []


def segment_duty(segment: str, *, authorities: bool = False) -> Duty:
    """The units one comma-separated segment names: its agent (由A…), its subject (A负责…), a subject
    inside it before a strong predicate (…即A牵头…) or, with ``authorities``, the unit a matter goes to."""
    words = role_words()
    compact = _expand_collective_lists("".join(_EXPLANATION.sub("", segment).split()), words)
    for m in words.agent.finditer(compact):
        if not _is_marker_word(compact, m.start(), words):
            continue
        sectors = _sector_list(compact[m.end():], words)
        if sectors:
            return Duty(responsible=sectors)
        names, rest = _names(compact[m.end():], allow_function_chars=True)
        if names and rest:
            return _with_predicate(names, rest, words)
    sectors = _sector_list(compact, words)
    if sectors:
        return Duty(responsible=sectors)
    reviewer = _reviewer(compact, words)
    if reviewer:
        return reviewer
    partners = _partnership(compact, words)
    if partners:
        return partners
    names, rest = _names(compact, allow_function_chars=False)
    if names and rest:
        return _with_predicate(names, rest, words)
    enabled = _enabled_actors(compact, words)
    if enabled:
        return enabled
    inner = _inner_subject(compact, words) or _role_phrase(compact, words)
    if inner:
        return inner
    return _authority(compact, words) if authorities else Duty()


# Not after 未 / 非 / 不: 未经A批准，不得… forbids others to act unapproved; it gives A no task.
_WITHIN_SEGMENT_JING = re.compile(r"(?<=[\u4e00-\u9fff])(?<![未非不])经(?=[\u4e00-\u9fff])")


def _reviewer(segment: str, words: RoleWords) -> Duty:
    """…经A审核(同意)…: inside a segment, the unit named after 经 and followed by a review verb reviews the
    matter (经 opening a segment is an agent marker of its own, ``RoleWords.agent``)."""
    for m in _WITHIN_SEGMENT_JING.finditer(segment):
        if not _is_marker_word(segment, m.start(), words):
            continue
        names, rest = _names(segment[m.end():], allow_function_chars=False, need_predicate=False)
        if names and rest.startswith(words.review_verbs):
            return Duty(leads=names)
    return Duty()


# 发挥A(的)…作用: A is given the role the sentence goes on to describe (发挥市融资担保公司作用，对…提供担保).
_PLAYS_ROLE = re.compile(r"发挥(?P<rest>[^，,；;。]{2,40}?)作用")
# 成立/组建/设立 U, the segment ending with the body's name: the new body does what the sentence says next
# (组建乡村振兴工作专班，统筹…). The object of 成立 is a body, so its name may open with a verb.
_SETS_UP = re.compile(r"(?:成立|组建|设立)(?P<rest>[^，,；;。]{3,30})$")
# 压实A、B(的)主体责任: the units the responsibility is pressed on carry it. The construction says they are
# actors, so a bare kind of actor (县区, 园区) is a name here.
_PRESSES = re.compile(r"压实(?P<rest>[^，,；;。]{2,40}?)的?(?:主体|属地|主管|监管|领导|直接|主要)?责任")

# 依托A(、B)打造/建设…: the body relied on does the building (依托龙头企业打造产业联合体). Only a name with a
# unit's ending counts: 依托 is as often followed by a resource (依托资源优势打造…).
_RELIES_ON = re.compile(r"依托(?P<rest>[^，,；;。]{2,30}?)(?:打造|建设|建立|组建|创建|搭建|构建|建成|筹建)")


# An enabling verb may follow a short adverbial (全力支持 / 积极鼓励 / 举全省之力支持).
_MAX_ENABLING_LEAD = 6


def _after_enabling(text: str, words: RoleWords, verbs: tuple[str, ...] = ()) -> int:
    """Where the object of the segment's enabling verb (or of one of ``verbs``) begins (支持|A创建…), or -1."""
    for verb in verbs or words.enabling_verbs:
        at = text.find(verb)
        if at < 0 or at > _MAX_ENABLING_LEAD:
            continue
        lead = text[:at]
        if at == 0 or not (_FUNCTION_CHARS.search(lead) or "、" in lead or _has_unit_ending(lead, words)):
            return at + len(verb)
    return -1


def _enabled_actors(text: str, words: RoleWords) -> Duty:
    """支持A(、B等)创建… / 全力支持A申报…: the units an enabling verb governs are the subject of the verb
    after them. Their names need no unit's ending where the verb is one only an organisation does
    (``enabled_actor_verbs``), or where the name opens with a place (某市师范学院, 某县): a company's
    brand name is an actor here."""
    at = _after_enabling(text, words)
    if at < 0:
        # 推动某县创建…: a weaker enabling verb governs an actor only before an organisation's own act, and
        # only one named like a body or a place (推动某塔申报文物保护单位 nominates a monument).
        at = _after_enabling(text, words, words.actor_verb_enablers)
        actors = _actors_before_verb(text[at:], words, actor_verbs_only=True) if at >= 0 else ()
        named_like_bodies = actors and (_list_kind(text[at:], actors[-1]) or all(
            _ends_like_an_actor(a, words) or _opens_with_a_place(a) for a in actors))
        return Duty(leads=actors) if named_like_bodies else Duty()
    body = text[at:]
    names, rest = _names(body, allow_function_chars=False)
    actors = _actors_before_verb(body, words)
    # 支持A学院开展…单位建设 / 支持A、B县创建… / 支持A等重点企业…: the names end at the first verb
    # after them, not at a later unit word or at a name the unit grammar does not read. The grammar's
    # reading is kept where it agrees (支持A会同B…: B cooperates).
    if names and rest.startswith(words.predicate_starts) and (not actors or actors == names):
        return _with_predicate(names, rest, words)
    # A role phrase about the same actors says more (鼓励A依托B建设…: B is A's partner).
    role = _role_phrase(body, words) if actors else Duty()
    return role if role.leads == actors else Duty(leads=actors) if actors else Duty()


def _actors_before_verb(body: str, words: RoleWords, *, peers: bool = False,
                        actor_verbs_only: bool = False) -> tuple[str, ...]:
    """The names before the first verb of ``body`` that reads as their predicate (see ``_enabled_actors``):
    the shortest stretch whose items end like units (or whose list has one that does: a list's items share
    their kind), else the shortest whose items open with a place or are followed by an actor's verb (or,
    for ``peers`` of an actor in a list, by any verb with its object). ``actor_verbs_only``: only names
    followed by an actor's verb."""
    verbs = words.predicate_starts + words.not_name_starts + words.enabled_actor_verbs + words.partner_verbs
    readings = []
    for i in range(2, min(len(body), _MAX_NAME) + 1):
        verb = next((v for v in verbs if body.startswith(v, i)), "")
        if not verb or body.startswith(words.list_joiners + ("等",), i):
            continue
        if body.startswith("以") and verb == "为":
            continue  # 以A为龙头的…: a frame naming what something centres on, not an actor
        items, kind = _actor_items(body[:i], words)
        if items:
            # A verb other than an actor's needs its object (支持某园区建设 is the park's construction).
            # 牵头组建 / 负责申报: a strong predicate before an actor's verb is the actor's too.
            actor_verb = verb in words.enabled_actor_verbs or (
                verb in words.strong_predicates and body.startswith(words.enabled_actor_verbs, i + len(verb)))
            if actor_verb or not actor_verbs_only:
                readings.append((items, kind, actor_verb, actor_verb or len(body) - i - len(verb) >= 2))
    for items, kind, _, acts in readings:
        ends = [_ends_like_an_actor(item, words) for item in items]
        if acts and (all(ends) or (any(ends) and len(items) > 1) or _ends_like_an_actor(kind, words)):
            return items
    for items, _, actor_verb, acts in readings:
        if actor_verb or (acts and (peers or all(_opens_with_a_place(item) for item in items))):
            return items
    return ()


def _list_kind(body: str, last: str) -> str:
    """The kind a list closes with after 等 (甲、乙等企业 → 企业), its last name being ``last``, or ''."""
    words = role_words()
    rest = body[body.find(last) + len(last):]
    if not rest.startswith("等"):
        return ""
    # A kind may be a bare suffix (企业, 院所): the suffix itself, not a name's ending, is looked for.
    return next((rest[1:end] for end in range(min(len(rest), 8), 2, -1)
                 if words.unit_suffix.search(rest[1:end]) or rest[1:end].endswith(words.actor_endings)), "")


def _actor_items(stretch: str, words: RoleWords) -> tuple[tuple[str, ...], str]:
    """A、B和C等重点企业: the names of a stretch before a verb and the kind after 等 (重点企业), or
    ``((), "")`` where it is no list of names."""
    names, _, kind = stretch.partition("等") if not stretch.startswith("等") else (stretch, "", "")
    # 、 separates names; 和 / 及 only where each side is a name (甲县和乙县), for they join words inside
    # one name as often (经济和信息化局, 和…生物).
    items = tuple(part for item in _outside_brackets(names, "、") for part in _joined_names(item, words))
    for item in items:
        if not 2 <= len(item) <= 12 or _FUNCTION_CHARS.search(item) or _QUOTES.search(item) \
                or _opens_with_a_predicate(item, words) or item.endswith(words.not_unit_endings) \
                or any(w in item for w in words.never_in_names):
            return (), ""
    return items, kind


def _joined_names(item: str, words: RoleWords) -> list[str]:
    """甲县和乙县 → 甲县, 乙县: split at a joiner whose both sides are names (太和县 holds 和 itself)."""
    for joiner in words.list_joiners:
        for m in re.finditer(re.escape(joiner), item):
            left, right = item[:m.start()], item[m.end():]
            if all(len(side) >= 2 and (_ends_like_an_actor(side, words) or _opens_with_a_place(side))
                   for side in (left, right)):
                return [left, *_joined_names(right, words)]
    return [item]


def _outside_brackets(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` (a pattern) where it stands outside brackets: 县（市、区） is one name."""
    parts, depth, start = [], 0, 0
    for m in re.finditer(rf"[（(]|[）)]|{separator}", text):
        if m[0] in "（(":
            depth += 1
        elif m[0] in "）)":
            depth -= 1
        elif depth <= 0:
            parts.append(text[start:m.start()])
            start = m.end()
    return parts + [text[start:]]


def _opens_with_a_predicate(item: str, words: RoleWords) -> bool:
    """Whether a stretch opens with a verb or adverb (推动…, 要…): a word of two characters or more that
    jieba cuts off, or a single one other than a joiner's character (和 opens 和…生物 as well as a list)."""
    first = _words(item)[0]
    if len(first) > 1:
        return first in words.not_name_starts
    return first in words.not_name_starts and first not in words.list_joiners


def _ends_like_an_actor(name: str, words: RoleWords) -> bool:
    return _has_unit_ending(name, words) or name.endswith(words.actor_endings)


def _opens_with_a_place(name: str) -> bool:
    from policyqa.ingest.metadata.places import find_places, is_place_name

    if is_place_name(name, district_short_names=True):
        return True
    found = find_places(name[:6], district_short_names=True)
    return bool(found) and found[0].start == 0


def _role_phrase(text: str, words: RoleWords) -> Duty:
    """The unit a segment gives a role without a predicate of duty: 发挥A作用 / 成立A / 压实A责任 / 依托A建设."""
    m = _PLAYS_ROLE.search(text)
    if m:
        names, after = _names(m["rest"], allow_function_chars=False, need_predicate=False)
        if names and len(after) <= 4:  # the name, then the role's kind (发挥龙头企业带动作用)
            return Duty(leads=names)
    m = _SETS_UP.search(text)
    if m and words.long_suffix.search(m["rest"]) and not _FUNCTION_CHARS.search(m["rest"]) \
            and not _DEBRIS.search(m["rest"]) and not m["rest"].startswith(words.not_name_starts):
        return Duty(leads=(m["rest"],))
    m = _PRESSES.search(text)
    if m:
        items = tuple(re.split("[、和及]", m["rest"]))
        if all(2 <= len(i) <= _MAX_NAME and not _FUNCTION_CHARS.search(i) and not _DEBRIS.search(i)
               and (words.unit_suffix.search(i) or i[-1] in _PLACE_ENDS) for i in items):
            return Duty(leads=items)
    m = _RELIES_ON.search(text)
    if m:
        items = tuple(re.split("[、和及]", m["rest"]))
        if all(2 <= len(i) <= _MAX_NAME and not _FUNCTION_CHARS.search(i) and not _DEBRIS.search(i)
               and words.long_suffix.search(i) and not i.endswith(words.not_unit_endings) for i in items):
            before = text[:m.start()]
            before = before[len(next((v for v in words.enabling_verbs if before.startswith(v)), "")):]
            if not before:
                return Duty(leads=items)
            # A依托B建设…: A builds, B is what it builds on. A must be a whole name before 依托 (the verb
            # after B stands in for whatever follows it, so ``_names`` sees a name and its predicate).
            subject, rest = _names(before + "建设", allow_function_chars=False, follow=("建设",))
            if subject and rest == "建设":
                return Duty(leads=subject, cooperating=items)
    return _mechanism_actor(text, words)


# 市长负责制 / 首问负责制: the system makes the person before it answerable.
_ANSWERABLE = re.compile(r"(?P<before>[^，,；;。]{2,20}?)负责制")


def _mechanism_actor(text: str, words: RoleWords) -> Duty:
    """The person a mechanism or system names as its actor: 落实区领导包联园区机制 → 区领导; 实行乡长负责制 →
    乡长. A segment (or the last item of its list) that is such a mechanism says who does its work, though
    no predicate of duty follows the name."""
    m = _ANSWERABLE.search(text)
    if m:
        before = m["before"]
        for start in range(len(before) - 2, -1, -1):
            name = before[start:]
            if _QUOTES.search(name) or _FUNCTION_CHARS.search(name):
                break
            if _names_a_person(name, words, bare=True):
                return Duty(leads=(name,))
    body = _outside_brackets(text, "、")[-1]
    noun = next((n for n in words.mechanism_nouns if body.endswith(n)), "")
    if not noun:
        return Duty()
    body = body[:-len(noun)]
    while verb := next((v for v in words.mechanism_verbs if body.startswith(v)), ""):
        body = body[len(verb):]
    # The shortest name that ends in a person and leaves the mechanism's own words after it.
    for end in range(2, min(len(body) - 2, _MAX_NAME) + 1):
        name = body[:end]
        if _DEBRIS.search(name) or _FUNCTION_CHARS.search(name):
            continue
        if _names_a_person(name, words, bare=False):
            return Duty(leads=(name,))
    return Duty()


def _names_a_person(name: str, words: RoleWords, *, bare: bool) -> bool:
    """Whether ``name`` is a person's role (县（市、区）长 reads as 县长), with a qualifier before it unless
    ``bare`` (市领导, 县级领导; a bare 领导 is anyone)."""
    plain = re.sub(r"[（(][^）)]*[）)]", "", name)
    role = next((r for r in words.person_roles if plain.endswith(r)), "")
    return bool(role) and (bare or len(plain) > len(role) or role[-1] == "长")


def _partnership(text: str, words: RoleWords) -> Duty:
    """A与B、C合作… (支持A与B合作建设…): A does it, B and C are its partners. A list's items share their
    kind, so a partner list with one unit name in it (甲集团、乙科技) is a list of units."""
    body = text[len(next((v for v in words.enabling_verbs if text.startswith(v)), "")):]
    for m in re.finditer("与|同", body):
        verb = next((v for v in words.partner_verbs if body.startswith(v, m.end())), None)
        if verb is not None:
            continue  # 与合作: no partner named
        tail = body[m.end():]
        at = min((tail.find(v) for v in words.partner_verbs if tail.find(v) > 0), default=-1)
        if at < 0:
            continue
        partners = tuple(p for p in re.split("[、和及]", tail[:at]) if p)
        if not partners or not all(2 <= len(p) <= _MAX_NAME for p in partners) \
                or any(_FUNCTION_CHARS.search(p) or _QUOTES.search(p) for p in partners) \
                or not any(_has_unit_ending(p, words) for p in partners):
            continue
        verb = words.partner_verbs[0]
        leads, rest = _names(body[:m.start()] + verb, allow_function_chars=False, follow=(verb,))
        if leads and rest == verb:
            return Duty(leads=leads, cooperating=partners)
    return Duty()


def _sector_list(text: str, words: RoleWords) -> tuple[str, ...]:
    """网信、发展改革、工业和信息化等部门: a regulation's sectors, each a unit as the document writes it."""
    m = words.sector_list.match(text)
    if not m or text.startswith(words.not_name_starts):
        return ()
    items = tuple(m[1].split("、"))
    if any(_FUNCTION_CHARS.search(i) or i.startswith(words.not_name_starts) for i in items):
        return ()
    rest = text[m.end():]
    return items if not rest or rest.startswith(words.predicate_starts + words.separate_remits) else ()


def _inner_subject(text: str, words: RoleWords) -> Duty:
    """A subject that does not open its segment but stands right before a strong predicate: “五牵头”即
    省委政法委牵头… / 抓紧推进高新区牵头负责… (narrative sentences put their subject anywhere)."""
    for at in sorted({m.start() for p in words.strong_predicates for m in re.finditer(re.escape(p), text)}):
        if at == 0:
            continue
        # A name starts where a word does (抓紧/推进/高新区, not 紧推进高新区).
        starts, pos = [], 0
        for word in _words(text[:at]):
            starts.append(pos)
            pos += len(word)
        starts += [i for i in range(at) if text.startswith(_LEVEL_STARTS, i)]  # 即市…: jieba joins 即市
        found = []
        for start in sorted(set(starts)):
            if at - start > _MAX_NAME * 2 or text.startswith(words.not_name_starts, start):
                continue
            names, rest = _names(text[start:], allow_function_chars=False)
            if names and rest and start + len(text[start:]) - len(rest) - text[:at].endswith("等") == at:
                found.append((not text.startswith(_LEVEL_STARTS, start), start, names, rest))
        if found:
            # A name opening with its level (市商务委) over a longer one swallowing a noun (机制即市商务委).
            _, _, names, rest = min(found)
            return _with_predicate(names, rest, words)
    return Duty()


def _authority(text: str, words: RoleWords) -> Duty:
    """向海关申报 / 报国务院电信主管部门批准 / 通过A批准设立的: the unit the matter goes to."""
    # 接入A的监测… / 接入A有关监测…: a linking word may stand between the authority and the matter.
    follow = words.authority_verbs + tuple(link + v for link in ("的", "有关", "相关") for v in words.authority_verbs)
    for marker in words.authority_markers:
        at = text.find(marker)
        while at >= 0:
            if not _is_marker_word(text, at, words):
                at = text.find(marker, at + 1)
                continue
            names, rest = _names(text[at + len(marker):], allow_function_chars=True, follow=follow)
            # The whole list must be followed by the matter: in 向各位老领导、老同志…表示感谢 the list
            # runs on past the names and no matter goes to them.
            if names and rest.startswith(follow):
                return Duty(leads=names)
            named = _named_authority(text[at + len(marker):], words)
            if named:
                return Duty(leads=named)
            at = text.find(marker, at + 1)
    return Duty()


def _named_authority(text: str, words: RoleWords) -> tuple[str, ...]:
    """报A复审 / 向A提交…: the matter's verb need not be a listed one where the authority is plainly a unit
    (a qualified name with a unit's ending, not a bare 企业 or 部门) and a verb follows it."""
    names, rest = _names(text, allow_function_chars=True, need_predicate=False)
    if not names or not rest or any(not _named_like_a_unit(n, words) or words.long_suffix.fullmatch(n)
                                    for n in names):
        return ()
    first = _word_tags(rest[:8])
    return names if first and first[0][1] in ("v", "vn") and len(first[0][0]) >= 2 else ()


def _expand_collective_lists(text: str, words: RoleWords) -> str:
    """市“三委两局”（市发展改革委、市经济信息化委、…）: the units in the brackets stand for the name."""
    def expand(m: re.Match[str]) -> str:
        items = m["items"].split("、")
        if len(items) < 2 or not all(words.unit_suffix.search(i) and not _DEBRIS.search(i) for i in items):
            return m[0]
        return m["items"]
    return _COLLECTIVE_LIST.sub(expand, text)


def declared_duties(heading: str) -> Duty:
    """The units whose duties a heading introduces (…是重点实验室的依托单位，主要职责是：), or nothing.

    Its children are then that unit's duties: the heading is the subject of the list under it.
    """
    text = _EXPLANATION.sub("", _NUMBER_HEAD.sub("", heading.strip()))
    if not _DECLARES_DUTIES.search(text):
        return Duty()
    first = _SEGMENTS.findall(text)
    own = segment_duty(first[0]) if first else Duty()
    if own:
        return Duty(leads=own.leads + own.responsible + own.cooperating)
    m = _DEFINED.search("".join(text.split()))
    if m and role_words().unit_suffix.search(m["name"]):
        return Duty(leads=(m["name"],))
    return Duty()


def _with_predicate(names: tuple[str, ...], rest: str, words: RoleWords) -> Duty:
    verb = next((v for v in words.cooperating_verbs if rest.startswith(v)), "")
    if verb:
        # A、B配合 / C参与做好…; but 优化部门协同、市区联动 is a list of aims, not a unit that cooperates.
        after = rest[len(verb):]
        return Duty(cooperating=names) if not after or re.match(r"[\u4e00-\u9fff]", after) else Duty()
    rest = rest.removeprefix("要").removeprefix("应当")
    for verb in words.joint_verbs:
        if rest.startswith(verb):
            partners, _ = _names(rest[len(verb):], allow_function_chars=False, need_predicate=False)
            # A会同有关方面…: the partners need not be named for A to lead.
            return Duty(leads=names, cooperating=partners)
    if len(names) > 1 and any(w in rest[:12] for w in words.separate_remits):
        return Duty(responsible=names)
    return Duty(leads=names)


def _names(text: str, *, allow_function_chars: bool, need_predicate: bool = True,
           follow: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], str]:
    """The unit names that open ``text`` (A、B和C) and the text after them; ``((), "")`` when it does
    not open with a unit name followed by a predicate (or, without ``need_predicate``, by anything)."""
    words = role_words()
    names: list[str] = []
    pos = 0
    while not text.startswith(words.not_name_starts, pos):
        end = _name_end(text, pos, words, allow_function_chars=allow_function_chars,
                        need_predicate=need_predicate, follow=follow)
        if end < 0:
            break
        names.append(text[pos:end])
        pos = end
        joiner = "、" if text.startswith("、", pos) else next((j for j in words.list_joiners
                                                             if text.startswith(j, pos)), "")
        if not joiner:
            break
        nxt = _name_end(text, pos + len(joiner), words, allow_function_chars=allow_function_chars,
                        need_predicate=need_predicate, follow=follow)
        if nxt < 0:
            # 各市党委和政府每年…: a bare suffix after the joiner is the same place's other body, one name
            # with the first (a government alone names no one).
            bare = next((x for x in words.bare_bodies if text.startswith(x, pos + len(joiner))), "")
            after = pos + len(joiner) + len(bare)
            if bare and joiner == "和" and text.startswith(words.predicate_starts, after):
                names[-1] += joiner + bare
                pos = after
            break  # 与企业对接: the joiner starts the predicate
        pos += len(joiner)
    if not names:
        return (), ""
    rest = text[pos:].removeprefix("等")
    return tuple(names), rest


def _name_end(text: str, start: int, words: RoleWords, *, allow_function_chars: bool, need_predicate: bool,
              follow: tuple[str, ...] | None = None) -> int:
    """The end of the shortest unit name at ``start`` that is followed by a list joiner or a predicate
    (市政府办公室负责 → after 办公室, not after 市政府; or by one of ``follow``), or -1."""
    limit = min(len(text), start + _MAX_NAME)
    for end in range(start + 2, limit + 1):
        name = text[start:end]
        if _closes_unopened(name) or any(w in name for w in words.never_in_names):
            return -1
        relies = name.find("依托")
        if relies >= 0 and not text.startswith("依托单位", start + relies):
            return -1  # A依托B建设: A is one name, B another (a 依托单位 is a host institution's name)
        if _QUOTES.search(name):
            # A quoted word inside a name (“领航”团队, “链主”企业) is part of it; a name never opens with
            # a title mark or ends inside a quotation.
            marks = _QUOTES.sub(_quote_kind, name)
            if not _NAME_QUOTES.fullmatch(marks):
                if _NAME_QUOTES.fullmatch(marks + "字\x02"):
                    continue  # inside a quotation: the name goes on past it
                return -1
            if name.endswith("”"):
                continue
        if name.count("（") + name.count("(") != name.count("）") + name.count(")"):
            continue  # 县（ → 县（市）数据资源主管部门: a bracket inside a name closes later
        if any(len(piece) > 2 for piece in _BRACKETED.sub("", name).split("、")[:-1]):
            # 、 separates names (物流园区、配送中心); within one it joins only levels (各县、区人民政府,
            # 省、市（州）生态环境部门) or sits inside brackets (县（市、区）).
            return -1
        if not _has_unit_ending(name, words):
            continue
        if not allow_function_chars and _FUNCTION_CHARS.search(name):
            return -1
        if not allow_function_chars and not _named_like_a_unit(name, words):
            continue
        after = text[end:]
        if follow is not None:
            if after.startswith(("、", "等")) or after.startswith(words.list_joiners) or after.startswith(follow):
                return end
            continue
        if not need_predicate and after and _has_unit_ending(name + after[0], words):
            continue  # 市级相关部|门: the name goes on
        if after.startswith(("、", "等")) or after.startswith(words.list_joiners) \
                or after.startswith(words.predicate_starts) or not need_predicate:
            return end
    return -1


_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


def _closes_unopened(name: str) -> bool:
    """市发展改革委）…: a bracket closed that the name never opened is debris of the text around it."""
    depth = 0
    for ch in name:
        depth += ch in "（("
        depth -= ch in "）)"
        if depth < 0:
            return True
    return False


def _has_unit_ending(name: str, words: RoleWords) -> bool:
    """Ends like a unit (局, 部门, 领导 …) but not like a part or a group of people (内部, 干部), or is a
    division's name (杨浦区)."""
    from policyqa.ingest.metadata.places import is_place_name

    if len(name) == 2 and _SHORT_PLACES.get() and is_place_name(name, district_short_names=True):
        return True
    if len(name) < 3 and not name.endswith("海关"):
        return False
    if name.endswith(words.not_unit_endings):
        return False
    if words.unit_suffix.search(name):
        return True
    return name[-1] in _PLACE_ENDS and is_place_name(name)


def _named_like_a_unit(name: str, words: RoleWords) -> bool:
    """A subject without 由 must look like a unit's name, not a phrase that ends in 局 (着眼更好稳大局):
    a suffix of two characters or more (…部门, …委员会, …海关), or a level or a place in front (市科委,
    省商务厅, 北京市经济和信息化局)."""
    from policyqa.ingest.metadata.places import find_places, is_place_name

    if name.startswith(_LEVEL_STARTS) or (_SHORT_PLACES.get() and is_place_name(name, district_short_names=True)):
        return True

    found = find_places(name[:6])
    if found and found[0].start == 0:
        return True
    # …部门 / …中心 after a verb is a predicate's object (建成科创中心, 继续发挥政府), not a subject; so is
    # a verb with an object before the suffix (打造科创中心), while 建设单位 / 使用部门 name a role.
    tagged = _word_tags(name)
    # A name jieba knows as one word (财政部, 海关总署) or a unit word itself (经开区) is a unit's.
    if len(tagged) == 1 or words.long_suffix.fullmatch(name):
        return True
    # A one-character suffix (部, 委) ends a unit's name when the name is long: 工业和信息化部, 发展改革委.
    if not words.long_suffix.search(name) and len(name) < 5:
        return False
    if not tagged or tagged[0][1] in _NOT_NAME_TAGS:
        return False
    first, tag = tagged[0]
    rest = name[len(first):]
    return not (tag in ("v", "vn") and words.long_suffix.search(rest) and not words.long_suffix.fullmatch(rest))


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(jieba.cut(text))


@functools.lru_cache(maxsize=4096)
def _word_tags(text: str) -> tuple[tuple[str, str], ...]:
    import logging

    import jieba
    from jieba import posseg

    jieba.setLogLevel(logging.WARNING)
    return tuple((w.word, w.flag) for w in posseg.cut(text))


def _is_marker_word(text: str, at: int, words: RoleWords) -> bool:
    """Whether the marker at ``text[at:]`` marks an agent (由市科委) rather than opening a word (由于, 经营)."""
    return not text.startswith(words.not_markers, at)


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
