"""A unit named in clause text: the tasks of a unit that no duty marker or duty span put in the ledger.

A regulation or a work report names its units in running text (应当通过国务院电信主管部门批准…,
省委信访局牵头受理…工作, 主动向海关申报): they are units with tasks all the same, so a question for such
a unit's tasks is answered from the clauses that name it, not with "no task record".

Lists share their ends (elliptical coordination): 国务院投资、电信、广播电视主管部门 names 国务院电信主管部门,
and 网信、发展改革、海关等部门 names 网信部门. ``mention_pattern`` matches a name written whole or as one item
of such a list.

Example:
    >>> bool(mention_pattern("网信部门").search("由网信、公安、海关等部门依法处理"))
    True
    >>> bool(mention_pattern("国务院电信主管部门").search("国务院投资、电信、广播电视主管部门"))
    True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from policyqa.ingest.duty_spans import duty_spans, role_words
from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause
from policyqa.qa.ledger.ledger import Task
from policyqa.qa.question.years import reviews_past

# One item of a list of names: no punctuation, short (工业和信息化, 市场监管, 广播电视).
_ITEM = r"[^、，,。；;：:\s（）()“”]{1,12}"
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Words a question uses for "a unit" (哪个部门): a unit suffix alone is no name.
_GENERIC = frozenset({"部门", "单位", "机构", "主体", "中心", "小组", "办公室", "委员会", "公司", "集团"})
_MAX_NAME = 16
# Unit suffixes that are a unit's whole name in national rules (海关; never 政府 or 银行 alone).
_SELF_NAMED = frozenset({"海关", "法院", "检察院"})


@functools.lru_cache(maxsize=256)
def mention_pattern(name: str) -> re.Pattern[str]:
    """Where clause text (search form) names ``name``: whole, or as an item of a list that shares the
    name's head (…、X等部门) and, before it, the name's opening (国务院A、B、X主管部门)."""
    name = to_search_form(name)
    alternatives = [re.escape(name)]
    m = role_words().unit_suffix.search(name)
    suffix = m.group(0) if m and m.start() > 0 else ""
    if suffix:
        # name = opening + item + head, the head ending in the unit suffix: every split where the item
        # is one short list item (two to eight characters).
        for i in range(0, len(name) - len(suffix) - 1):
            for j in range(i + 2, min(i + 8, len(name) - len(suffix)) + 1):
                opening, item, head = name[:i], name[i:j], name[j:]
                if opening:
                    # 国务院投资、电信、广播电视主管部门: the opening before the first item, the head after the last.
                    alternatives.append(re.escape(opening) + rf"(?:{_ITEM}、)+" + re.escape(item)
                                        + rf"(?:、{_ITEM})*等?" + re.escape(head))
                # 网信、发展改革、海关等部门: the item opens the list or follows 、; the list's end carries the head.
                alternatives.append(r"(?:(?<![\u4e00-\u9fff])|(?<=[由和及与或的、]))" + re.escape(opening + item)
                                    + rf"(?:、{_ITEM})+等?" + re.escape(head))
                # …、消防救援、市场监管等部门: the list's last item, right before its head.
                alternatives.append(r"(?<=、)" + re.escape(opening + item) + "等" + re.escape(head))
    short = _division_short_name(name)
    if short:
        # A report writes its counties short as often as whole (甲、乙、丙争创… for 丙县) — as the
        # subject, before a list's separator or a verb; before a noun the short name only says where a
        # thing is (某县东站, 某县经开区, 某县莲藕) and names no task of the county.
        alternatives.append(re.escape(short) + f"(?={_short_name_follows()})")
    return re.compile("|".join(f"(?:{a})" for a in dict.fromkeys(alternatives)))


@functools.lru_cache(maxsize=1)
def _short_name_follows() -> str:
    words = role_words()
    verbs = words.predicate_starts + words.enabled_actor_verbs + words.partner_verbs + words.enabling_verbs
    return "|".join(["[、，,。；;—－-]", "等", "和", "与", "及", "$"] + [re.escape(v) for v in sorted(set(verbs), key=len, reverse=True)])


def _division_short_name(name: str) -> str:
    """A county's, district's or county-level city's name without its level (临湖区 → 临湖), or '' for
    another name or a stem of one character."""
    from policyqa.ingest.metadata.places import is_place_name
    from policyqa.qa.question.places import place_stem

    if name[-1:] not in _PLACE_ENDS or not is_place_name(name):
        return ""
    stem = place_stem(name)
    return stem if stem != name and len(stem) >= 2 else ""


def question_unit(question: str, clauses: Iterable[Clause]) -> str:
    """The unit a question names that clause text names too (the longest such), or ''.

    A candidate is a run of the question's Han characters ending in a unit suffix (局, 委, 部门, 海关 …);
    the longest that some clause names (whole or in a list, ``mention_pattern``) wins.
    """
    suffix = role_words().unit_suffix
    candidates: set[str] = set()
    for run in _HAN_RUN.findall(to_search_form(question)):
        for end in range(2, len(run) + 1):
            if not suffix.search(run[:end]):
                continue
            if end < len(run) and not _ends_name(run[end:]):
                continue  # 数字政府指标: the suffix opens a longer noun, no unit is named
            for start in range(max(0, end - _MAX_NAME), end - 1):
                name = run[start:end]
                ending = suffix.search(name)
                if ending is None:
                    continue  # the run starts inside the suffix (员会 of 委员会): no name
                # A suffix alone (政府, 部门) is a unit only where it names one by itself (海关).
                whole_suffix = ending.start() == 0
                if name not in _GENERIC and not _opens_like_predicate(name) and (not whole_suffix or name in _SELF_NAMED):
                    candidates.add(name)
    texts = [c.search_text for c in clauses]
    whole = "\n".join(texts)
    if not any(n in whole for n in candidates):
        # A work report gives tasks to its counties and districts by name (支持某市创建…, 某县申建…); of
        # several (a city's county), the last named is the most specific, and of names ending there the
        # longest (仁寿县, not the 寿县 inside it).
        named = [n for n in _division_names(question) if n in whole or mention_pattern(n).search(whole)]
        if named:
            asked = to_search_form(question)
            return max(named, key=lambda n: (asked.rfind(n) + len(n), len(n)))
    if not candidates:
        return ""
    literal = [n for n in candidates if n in whole]
    best = max(literal, key=len, default="")
    # A list item (网信…等部门) is looked for only among names longer than the best literal one.
    for name in sorted((n for n in candidates if len(n) > len(best) and n not in literal), key=len, reverse=True):
        if mention_pattern(name).search(whole):
            return name
    return best


# What follows a unit in a question about its duties besides a predicate (省委信访局牵头… / 海关要管…):
# 网信部门的职责 / 市科委有哪些任务 / 海关都管哪些 / 某开发区今年负责….
_AFTER_NAME = ("的", "有", "涉及", "管", "哪", "都", "还", "所", "名", "今年", "明年", "年内", "将", "也", "来")
_PLACE_ENDS = "区县市州旗"
_TOWN_ENDS = "镇乡"


def _division_names(question: str) -> set[str]:
    """Names of divisions (counties, districts, county-level cities; whole or short) in the question; a
    short one followed by what follows a unit asked about (``_ends_name``)."""
    from policyqa.ingest.metadata.places import is_place_name

    found: set[str] = set()
    for run in _HAN_RUN.findall(to_search_form(question)):
        for end in range(2, len(run) + 1):
            goes_on_as_unit = end == len(run) or _ends_name(run[end:])
            for start in range(max(0, end - 8), end - 1):
                name = run[start:end]
                whole = name[-1] in _PLACE_ENDS
                # A short name (某县 written without 县) only where the question goes on as about a unit
                # (…牵头); a whole name (某县) whatever follows it (某县建设…).
                if (whole or goes_on_as_unit) and is_place_name(name, district_short_names=not whole):
                    found.add(name)
                elif goes_on_as_unit and name[-1] in _TOWN_ENDS and len(name) >= 3 and not _opens_like_predicate(name):
                    found.add(name)  # a town (某镇): no division of the gazetteer, named whole
    return found


def _ends_name(rest: str) -> bool:
    return rest.startswith(_AFTER_NAME) or rest.startswith(role_words().predicate_starts)


def _opens_like_predicate(name: str) -> bool:
    return any(name.startswith(w) for w in role_words().not_name_starts)


def mentioned_tasks(clauses: Iterable[Clause], name: str, *, role: str = "any") -> list[Task]:
    """The clauses (each once, all of its parts) whose text names ``name``, in reading order.

    ``role`` lead / cooperating / responsible keeps those where a duty span gives the unit that role
    (``ingest.duty_spans``: 省商务厅牵头受理… leads); ``any`` keeps every clause that names it.
    """
    pattern = mention_pattern(name)
    groups: dict[tuple[str, tuple[str, ...]], list[Clause]] = {}
    for clause in clauses:
        key = clause.numbering or (f"@{clause.start}",)
        groups.setdefault((clause.doc_id, key), []).append(clause)
    out, reviewed = [], []
    for parts in groups.values():
        parts.sort(key=lambda c: (c.part, c.start))
        text = "".join(p.text for p in parts)
        search = "".join(p.search_text for p in parts)
        if not pattern.search(search) or _names_only(search):
            continue
        found = role_in(text, pattern)
        if role == "any" or role == found:
            # A review of past years is no task, unless it is all there is: a report whose plan lost its
            # heading files the plan under the review.
            (reviewed if reviews_past(parts[0].doc_title, parts[0].path) else out).append(
                Task(parts[0], text, found or "responsible"))
    return out or reviewed


# A notice's addressees (各省、自治区…发展改革委、海关总署：) or its issuer line name units and give none a task.
_NAME_LIST = re.compile(r"^[^。；;！？!?]*[：:]$")


_PUNCTUATION = re.compile(r"[，,。；;：:！？!?]")


def _names_only(text: str) -> bool:
    """An addressee list, or a line too short for a task and without punctuation (an issuer: 海关总署)."""
    text = text.strip()
    return bool(_NAME_LIST.match(text)) or (len(text) <= 20 and not _PUNCTUATION.search(text))


def role_in(text: str, pattern: re.Pattern[str]) -> str:
    """The role a duty span of ``text`` gives the unit (lead before cooperating before responsible), or ''."""
    best = ""
    order = ("lead", "cooperating", "responsible")
    for span in duty_spans(text, short_places=True):
        for role, names in zip(order, (span.duty.leads, span.duty.cooperating, span.duty.responsible)):
            if any(pattern.search(to_search_form(n)) for n in names):
                if not best or order.index(role) < order.index(best):
                    best = role
    return best
