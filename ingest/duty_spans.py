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
_DEFINED = re.compile(r"(?:是|为)[^，,。；;：:]*?的(?P<name>[\u4e00-\u9fff]{2,12})[，,]")


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
        not_markers=longest_first("not_markers"))


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


def duty_spans(text: str) -> list[DutySpan]:
    """The clause's duty spans, in reading order (see the module docstring).

    Example:
        >>> [(s.text, s.duty.leads) for s in duty_spans("数据提供部门负责采集安全。数据使用部门负责使用安全。")]
        [('数据提供部门负责采集安全', ('数据提供部门',)), ('数据使用部门负责使用安全', ('数据使用部门',))]
    """
    text = _EXPLANATION.sub("", text)
    spans: list[DutySpan] = []
    for sentence in _SENTENCES.findall(text):
        open_span: list[str] = []      # segments of the span being read
        open_duty = Duty()
        lead_in: list[str] = []        # segments before the sentence's first duty (涉及联合共建的，…)
        for part in _PARTS.findall(_NUMBER_HEAD.sub("", sentence.strip())):
            for segment in _SEGMENTS.findall(part):
                segment = segment.strip(" \t\u3000\xa0")
                if not segment:
                    continue
                duty = segment_duty(segment)
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
    return spans


def segment_duty(segment: str) -> Duty:
    """The units one comma-separated segment names: its agent (由A…) or its subject (A负责…)."""
    words = role_words()
    compact = "".join(_EXPLANATION.sub("", segment).split())
    for m in words.agent.finditer(compact):
        if not _is_marker_word(compact, m.start(), words):
            continue
        names, rest = _names(compact[m.end():], allow_function_chars=True)
        if names and rest:
            return _with_predicate(names, rest, words)
    names, rest = _names(compact, allow_function_chars=False)
    if names and rest:
        return _with_predicate(names, rest, words)
    return Duty()


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
    for verb in words.joint_verbs:
        if rest.startswith(verb):
            partners, _ = _names(rest[len(verb):], allow_function_chars=False, need_predicate=False)
            return Duty(leads=names, cooperating=partners) if partners else Duty()
    if len(names) > 1 and any(w in rest[:12] for w in words.separate_remits):
        return Duty(responsible=names)
    return Duty(leads=names)


def _names(text: str, *, allow_function_chars: bool, need_predicate: bool = True) -> tuple[tuple[str, ...], str]:
    """The unit names that open ``text`` (A、B和C) and the text after them; ``((), "")`` when it does
    not open with a unit name followed by a predicate (or, without ``need_predicate``, by anything)."""
    words = role_words()
    names: list[str] = []
    pos = 0
    while not text.startswith(words.not_name_starts, pos):
        end = _name_end(text, pos, words, allow_function_chars=allow_function_chars,
                        need_predicate=need_predicate)
        if end < 0:
            break
        names.append(text[pos:end])
        pos = end
        joiner = "、" if text.startswith("、", pos) else next((j for j in words.list_joiners
                                                             if text.startswith(j, pos)), "")
        if not joiner:
            break
        nxt = _name_end(text, pos + len(joiner), words, allow_function_chars=allow_function_chars,
                        need_predicate=need_predicate)
        if nxt < 0:
            break  # 与企业对接: the joiner starts the predicate
        pos += len(joiner)
    if not names:
        return (), ""
    rest = text[pos:].removeprefix("等")
    return tuple(names), rest


def _name_end(text: str, start: int, words: RoleWords, *, allow_function_chars: bool, need_predicate: bool) -> int:
    """The end of the shortest unit name at ``start`` that is followed by a list joiner or a predicate
    (市政府办公室负责 → after 办公室, not after 市政府), or -1."""
    limit = min(len(text), start + _MAX_NAME)
    for end in range(start + 3, limit + 1):
        name = text[start:end]
        if not words.unit_suffix.search(name):
            continue
        if not allow_function_chars and _FUNCTION_CHARS.search(name):
            return -1
        if not allow_function_chars and not _named_like_a_unit(name, words):
            continue
        after = text[end:]
        if after.startswith(("、", "等")) or after.startswith(words.list_joiners) \
                or after.startswith(words.predicate_starts) or not need_predicate:
            return end
    return -1


def _named_like_a_unit(name: str, words: RoleWords) -> bool:
    """A subject without 由 must look like a unit's name, not a phrase that ends in 局 (着眼更好稳大局):
    a suffix of two characters or more (…部门, …委员会, …海关), or a level or a place in front (市科委,
    省商务厅, 北京市经济和信息化局)."""
    if name.startswith(_LEVEL_STARTS):
        return True
    from policyqa.ingest.metadata.places import find_places

    found = find_places(name[:6])
    if found and found[0].start == 0:
        return True
    # …部门 / …中心 after a verb is a predicate's object (建成科创中心, 继续发挥政府), not a subject.
    return bool(words.long_suffix.search(name)) and _first_word_tag(name) not in _NOT_NAME_TAGS


def _first_word_tag(text: str) -> str:
    import logging

    import jieba
    from jieba import posseg

    jieba.setLogLevel(logging.WARNING)
    return next((w.flag for w in posseg.cut(text)), "")


def _is_marker_word(text: str, at: int, words: RoleWords) -> bool:
    """Whether the marker at ``text[at:]`` marks an agent (由市科委) rather than opening a word (由于, 经营)."""
    return not text.startswith(words.not_markers, at)


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
