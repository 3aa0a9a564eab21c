"""The inverse question answered from the ledger: "宿州海关参与了哪些任务？" lists *all* its tasks.

Retrieval returns a few similar clauses; a unit's task list must be complete, so it comes from
``qa.ledger`` and every task is cited. The unit is found in the question by the longest of the
ways a question may write it (市发改委, 宿州市发展改革委, 区财政局 …); places named in the question
narrow it to that region, and a place with no such unit is said so, never answered from another
region's unit of the same name. 牵头 / "lead" restricts to lead tasks, 配合 / "cooperate" to
cooperating ones.

Example:
    >>> engine.ask("宿州海关参与了哪些任务？").citations   # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import groupby

from policyqa.ingest.duty_spans import segment_duty
from policyqa.ingest.metadata.places import is_place_name
from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import is_collective
from policyqa.qa.answer import Answer, Citation
from policyqa.qa.answerers.citations import shorten
from policyqa.qa.ledger.duty_table import clause_number
from policyqa.qa.answerers.extractive import ABSTAIN_PREFIX, Retrieval
from policyqa.model import Clause
from policyqa.qa.ledger.ledger import ROLE_ZH, Ledger, Task, Unit
from policyqa.qa.ledger.mentions import mention_pattern, mentioned_tasks, question_unit, role_in
from policyqa.qa.question.intent import DIVISION_ENDS, asks_for_tasks, names_duty
from policyqa.qa.question.places import place_stem
from policyqa.qa.ledger.unit_names import fold

_LEAD = re.compile(r"牵头|\blead(?:s|ing)?\b|\bled\b|\bin charge of\b", re.IGNORECASE)
_COOPERATING = re.compile(r"配合|协助|协同|\bco-?operat|\bassist|\bsupport(?:s|ing)?\b", re.IGNORECASE)
_ROLE_EN = {"lead": "leads", "cooperating": "cooperates on", "responsible": "is responsible for",
            "any": "takes part in"}
_TASK_ROLES = ("lead", "cooperating", "responsible")
_ROLE_LABEL_EN = {"lead": "Lead:", "cooperating": "Cooperating:", "responsible": "Responsible:"}


@dataclass(frozen=True, slots=True)
class UnitMention:
    """The unit(s) a question names, after its places; ``absent`` says why there are none."""

    written: str                       # the text of the question that named the unit
    units: tuple[Unit, ...]
    absent: str = ""                   # e.g. 苏州市: a named place where no such unit has tasks
    elsewhere: tuple[Unit, ...] = ()   # units of that name in other regions
    note: str = ""                     # how an ambiguous English place name was read


def question_role(question: str) -> str:
    """lead when the question says 牵头 / lead, cooperating for 配合 / cooperate, else any."""
    lead, coop = bool(_LEAD.search(question)), bool(_COOPERATING.search(question))
    return "lead" if lead and not coop else "cooperating" if coop and not lead else "any"


def find_units(ledger: Ledger, r: Retrieval) -> UnitMention | None:
    """The units a question asks about, or None when it names no unit the ledger knows."""
    # An English question may write the unit in Chinese ("What does 市教育局 lead?"): the name as written
    # is the surest reading; English names of units are read only when it has none.
    found = _find_chinese(ledger, r)
    if found is not None or not r.analysis.english:
        return found
    return _find_english(ledger, r.question)


def _find_chinese(ledger: Ledger, r: Retrieval) -> UnitMention | None:
    text = fold(r.query)
    found = [(form, pos) for form in ledger.forms() if len(form) >= 2 for pos in [text.find(form)] if pos >= 0]
    # The unit the question gives a role (某局牵头了哪些 / 由某局负责的) is the one asked about, though a
    # longer name also stands in it (口岸经济区 in the name of the document asked about).
    bound = [(form, pos) for form, pos in found if _given_a_role(text, form, pos)]
    if not found:
        return None
    best, _ = min(bound or found, key=lambda fp: (-len(fp[0]), fp[1]))
    same = tuple(u for u in ledger.units() if u.uid in ledger.forms()[best])
    # A place inside a unit's own name (泗县 in 泗县人民政府, or in another unit the question names) is part of
    # the name, not a filter.
    def naming(place: str) -> bool:
        return any(place in form or place_stem(place) in form for form, _ in found)

    scopes = {p for p in r.places.scopes if p in best or not naming(p)}
    others = tuple(p for p in r.places.mentioned + r.places.unknown if not naming(p))
    return _narrow(best, same, scopes, others)


_ROLE_AFTER = re.compile(r"(?:[了的]|作为|所)?(?:牵头|负责|参与|配合|承担|主办|协办|协同|会同)")


def _given_a_role(text: str, form: str, pos: int) -> bool:
    return bool(_ROLE_AFTER.match(text, pos + len(form))) or text[max(0, pos - 1):pos] == "由"


def _naming_sentence(text: str, name: str) -> str:
    """Of a long clause (a work report's paragraph), the sentence that names the unit: its task, the
    first where a duty span gives it a role, else the first that names it."""
    pattern = mention_pattern(name)
    naming = [s.strip() for s in re.split(r"(?<=[。；;！!])", text) if pattern.search(to_search_form(s))]
    return next((s for s in naming if role_in(s, pattern)), naming[0] if naming else text)


_TIME_WORDS = re.compile(r"今年|明年|年内|本年度|目前|当前|近期")


_INTERROGATIVE = re.compile(r"哪|谁|什么|何")


def unknown_unit(ledger: Ledger, r: Retrieval) -> str:
    """A unit the question names as doing something (包头市交通运输局牵头考核哪些指标) that no document
    gives a task, or ''. Such a question is answered "no tasks of X", never with another unit's clause."""
    if r.analysis.english:
        return ""
    forms = ledger.forms()
    for segment in re.split(r"[，,。？?！!；;：:\s]+", r.query):
        # 某市发改委今年牵头…: a time word between the unit and its duty.
        duty = segment_duty(_TIME_WORDS.sub("", segment))
        for name in duty.leads + duty.cooperating + duty.responsible:
            if _is_own_place(r, name):
                continue  # 某市给某县的部署: the documents' own city is where, not who
            if _INTERROGATIVE.search(name):
                continue  # 由哪家机构承办…: the unit is what is asked, not named
            if not is_collective(name) and not any(form in fold(name) for form in forms if len(form) >= 3):
                return name
    return ""


def _is_own_place(r: Retrieval, name: str) -> bool:
    """``name`` is a place the question names that is the asked documents' own (a scope), not a unit."""
    return name in r.places.spans and any(scope.startswith(name) for scope in r.places.scopes)


def _find_english(ledger: Ledger, question: str) -> UnitMention | None:
    cores = ledger.names.english_cores(question)
    if not cores:
        return None
    phrase, key = cores[0]
    level = ledger.names.english_level(question)
    same = tuple(u for u in ledger.units() if u.key == key and (not level or u.level == level))
    if not same:
        return None
    scopes: set[str] = set()
    others: list[str] = []
    notes = []
    for word, places in english_regions(ledger, question).items():
        known = [p for p in places if p in ledger.regions]
        scopes.update(known)
        if not known:
            others.append(places[0])
        elif len(places) > 1:
            notes.append(f"“{word.title()}” read as {'、'.join(known)} "
                         f"(the corpus has no documents of {'、'.join(p for p in places if p not in known)})")
    mention = _narrow(phrase, same, scopes, tuple(others))
    return mention if not notes else UnitMention(mention.written, mention.units, mention.absent,
                                                 mention.elsewhere, "; ".join(notes))


def english_regions(ledger: Ledger, question: str) -> dict[str, tuple[str, ...]]:
    """The places an English question names → the ledger regions each may stand for (Suzhou → 宿州市,
    苏州市), read by ``qa.question.language`` (glossary places and romanised region names); a place
    no region has keeps its Chinese reading, so the answer can say there is no such unit there."""
    from policyqa.qa.question.language import glossary_place_words, place_readings, romanised_places

    by_stem: dict[str, list[str]] = {}
    for region in ledger.regions:
        if region:
            by_stem.setdefault(place_stem(region), []).append(region)
    groups = place_readings(question) + romanised_places(question, list(by_stem),
                                                         skip=glossary_place_words(question))
    out: dict[str, tuple[str, ...]] = {}
    for group in groups:
        regions = tuple(r for stem in group for r in by_stem.get(place_stem(stem), ()))
        out.setdefault(group[0], regions + tuple(g for g in group if place_stem(g) not in by_stem))
    return out


def _narrow(written: str, same: tuple[Unit, ...], scopes: set[str], others: tuple[str, ...]) -> UnitMention:
    if scopes:
        units = tuple(u for u in same if u.region in scopes)
        absent = "" if units else "、".join(sorted(scopes))
    elif others:
        units, absent = (), "、".join(others)
    else:
        units, absent = same, ""
    return UnitMention(written, units, absent, tuple(u for u in same if u not in units))


def unit_tasks_answer(ledger: Ledger, r: Retrieval) -> Answer | None:
    """The answer listing every task of the units the question names; None when it names none."""
    mention = find_units(ledger, r)
    role = question_role(r.question)
    if mention is None:
        return text_tasks_answer(ledger, r, role)
    english = r.analysis.english
    if not english and names_duty(r.query):
        # The question may name a more specific unit than the ledger's form inside it (国务院市场监管部门
        # holds 市场监管部门, which another clause's sector list made a ledger unit): the clauses naming the
        # whole name are its tasks, not the shorter unit's.
        longer = question_unit(r.query, scope_clauses(ledger, r.doc_ids))
        if len(longer) > len(mention.written) and mention.written in longer:
            named = text_tasks_answer(ledger, r, role, name=longer)
            if named is not None:
                return named
    flags = (mention.note,) if mention.note else ()
    if not mention.units:
        where = "、".join(u.label for u in mention.elsewhere)
        text = (f"{ABSTAIN_PREFIX}：{mention.absent}没有“{mention.written}”的任务记录"
                + (f"（同名单位在：{where}）" if where else "") + "。")
        return Answer(r.question, text, "unit_tasks", abstained=True, role=role, flags=flags)
    per_unit = [(u, ledger.tasks((u,), doc_ids=r.doc_ids, role=role)) for u in mention.units]
    if r.doc_ids and not any(tasks for _, tasks in per_unit):
        # The documents asked about name the unit in running text only (主动向海关申报); where the ledger
        # has it in another role there (宿州海关 cooperates, the question asks what it leads), it says so below.
        in_scope = any(ledger.tasks((u,), doc_ids=r.doc_ids) for u in mention.units)
        named = None if in_scope else text_tasks_answer(ledger, r, role, name=mention.written)
        if named is not None:
            return named
        # The documents the question points to (a place in the unit's own name: 芜湖海关) hold none.
        per_unit = [(u, ledger.tasks((u,), role=role)) for u in mention.units]
    if not any(tasks for _, tasks in per_unit):
        other = [(u, ledger.tasks((u,))) for u in mention.units]
        related = _citations([t for _, tasks in other for t in tasks])
        text = (f"{ABSTAIN_PREFIX}：{'、'.join(u.label for u in mention.units)}没有{ROLE_ZH[role]}的任务"
                f"（其参与的任务共 {sum(len(t) for _, t in other)} 项，见相关条款）。")
        return Answer(r.question, text, "unit_tasks", abstained=True, related=related, role=role,
                      units=tuple((u.region, u.name) for u in mention.units), flags=flags)
    lines, ordered = _listing(per_unit, role, english=english)
    return Answer(r.question, "\n".join(lines), "unit_tasks", citations=_citations(ordered), role=role,
                  units=tuple((u.region, u.name) for u in mention.units), flags=flags)


def scope_clauses(ledger: Ledger, doc_ids: tuple[str, ...]) -> list[Clause]:
    """The clauses of the documents asked about (every clause when none is)."""
    corpus = ledger.corpus
    return [c for d in doc_ids for c in corpus.doc_clauses(d)] if doc_ids else corpus.clauses


def text_unit(ledger: Ledger, r: Retrieval) -> str:
    """A unit the question names that no ledger row has but the asked documents' text names, or ''."""
    if not asks_for_tasks(r.query) or unknown_unit(ledger, r):
        return ""
    return _asked_text_unit(r, scope_clauses(ledger, r.doc_ids))


def _asked_text_unit(r: Retrieval, clauses: list[Clause]) -> str:
    """``question_unit``, where the question asks for duties (``names_duty``) — 市政府有哪些工作 asks for a
    plan's contents — or where the unit is a place inside the asked documents' own (某县 of a city's
    report): what a report gives one of its counties to do is that county's tasks, however it is asked
    (让某县干哪些事 / 给某县部署什么工作)."""
    rest = r.query
    for span in r.places.spans:
        if _is_own_place(r, span):
            rest = rest.replace(span, " ")  # the documents' own place (眉山市 of 眉山市给某县…) is no unit
    if names_duty(r.query):
        # 某市报告给某县哪些任务: the unit is the county, unless the own place is all it names.
        return question_unit(rest, clauses) or question_unit(r.query, clauses)
    name = question_unit(rest, clauses)
    # A town or a zone (某镇, 某高新区) is no division of the gazetteer but is a place all the same.
    if name and (name in r.places.spans or name[-1] in DIVISION_ENDS or is_place_name(name, district_short_names=True)):
        return name
    # A place the question names short (南陵 for 南陵县) with any verb after it, named by the asked
    # documents' text: one of their counties or districts.
    whole = "\n".join(c.search_text for c in clauses)
    named = [s for s in r.places.spans if not _is_own_place(r, s) and s in whole
             and is_place_name(s, district_short_names=True)]
    return max(named, key=len, default="")


def text_tasks_answer(ledger: Ledger, r: Retrieval, role: str, *, name: str = "") -> Answer | None:
    """Every clause of the asked documents whose text names the unit (``qa.ledger.mentions``): the
    tasks of a unit written in running text. None when no clause names it."""
    clauses = scope_clauses(ledger, r.doc_ids)
    # The subject of the question's duty (包头市交通运输局牵头考核…) is the unit asked about, if it has one.
    name = name or unknown_unit(ledger, r) or _asked_text_unit(r, clauses)
    if not name:
        return None
    tasks: list[Task] = []
    heading_role = role
    for written in _without_place(ledger, name):
        # 芜湖市委信访局 is written 市委信访局 in 芜湖's own documents (the question's place picked them).
        tasks = mentioned_tasks(clauses, written, role=role)
        if not tasks and role != "any":
            # 省委信访局牵头哪些工作 where no sentence makes it the lead: the clauses that name it, said so.
            tasks, heading_role = mentioned_tasks(clauses, written), "any"
        if tasks:
            name = written
            break
    if not tasks:
        return None
    acting: list[Task] = []
    if heading_role == "any" and (name[-1] in DIVISION_ENDS or is_place_name(name, district_short_names=True)):
        # A county's work in a plan is first the clauses that make it an actor (支持某县创建…); the others
        # name it as where a project is (某县抽水蓄能电站). Both are listed, the actor's first: a complete list
        # is what a 分工表 keeps, and which of them is the county's work is the reader's call.
        pattern = mention_pattern(name)
        acting = [t for t in tasks if role_in(t.text, pattern)]
        if len({t.clause.doc_id for t in tasks}) > 1:
            acting = []  # several documents are listed each in its reading order
        if acting:
            tasks = acting + [t for t in tasks if t not in acting]
    english = r.analysis.english
    ordered = tasks
    head = (f"Clauses naming {name} ({len(tasks)}):" if english
            else f"提到“{name}”的条款共 {len(tasks)} 项" + (f"（未写明其{ROLE_ZH[role]}）" if heading_role != role else "") + "：")
    if acting and len(acting) < len(tasks):
        first = "[1]" if len(acting) == 1 else f"[1]–[{len(acting)}]"
        head = (f"Clauses naming {name} ({len(tasks)}): {first} give it a task, the rest name it as a place:"
                if english else f"提到“{name}”的条款共 {len(tasks)} 项，其中 {first} 由其承担，其余只提到其地名：")
    lines = [head]
    for doc_id, doc_tasks in groupby(ordered, key=lambda t: t.clause.doc_id):
        doc_tasks = list(doc_tasks)
        lines.append(f"《{doc_tasks[0].clause.doc_title or doc_id}》")
        for t in doc_tasks:
            n = ordered.index(t) + 1
            lines.append(f"[{n}] {clause_number(t.clause)} {shorten(_naming_sentence(t.task_text, name), 70)}")
    return Answer(r.question, "\n".join(lines), "unit_tasks", citations=_citations(ordered), role=role,
                  units=(("", name),))


def _without_place(ledger: Ledger, name: str) -> list[str]:
    """The name as written, then without the place it opens with (芜湖市委信访局 → 市委信访局)."""
    out = [name]
    for place in ledger.places:
        for head in (place_stem(place), place):
            rest = name[len(head):]
            if head and name.startswith(head) and len(rest) >= 3 and rest not in out:
                out.append(rest)
    return out


def _listing(per_unit: list[tuple[Unit, list[Task]]], role: str, *, english: bool) -> tuple[list[str], list[Task]]:
    """Answer lines grouped by unit, document and role, and the tasks in the order they are numbered."""
    lines: list[str] = []
    ordered: list[Task] = []
    numbers: dict[str, int] = {}  # a clause shared by two of the units keeps one number
    if len(per_unit) > 1:
        lines.append("The question names no region; each unit of that name:" if english
                     else "问题未指明地区，同名单位分别列出：")
    for unit, tasks in per_unit:
        lines.append(_unit_heading(unit, tasks, role, english=english))
        for _, doc_tasks in groupby(tasks, key=lambda t: t.clause.doc_id):
            doc_tasks = list(doc_tasks)
            lines.append(f"《{doc_tasks[0].clause.doc_title or doc_tasks[0].clause.doc_id}》")
            for task_role in _TASK_ROLES:
                group = [t for t in doc_tasks if t.role == task_role]
                if group and role == "any":
                    lines.append(_ROLE_LABEL_EN[task_role] if english else f"{ROLE_ZH[task_role]}：")
                for t in group:
                    if t.clause.clause_id not in numbers:
                        ordered.append(t)
                        numbers[t.clause.clause_id] = len(ordered)
                    n = numbers[t.clause.clause_id]
                    lines.append(f"[{n}] {clause_number(t.clause)} {shorten(t.task_text, 70)}")
    return lines, ordered


def _unit_heading(unit: Unit, tasks: list[Task], role: str, *, english: bool) -> str:
    """区商务局参与的任务共 5 项（责任单位 5 项）：— counts by role only where the question asks any role."""
    if not tasks:
        # Another unit of that name has the role; this one has tasks in other roles only.
        other = [(r, n) for r, n in (("lead", unit.leads), ("cooperating", unit.cooperating),
                                     ("responsible", unit.responsible)) if n]
        if english:
            return f"{unit.label} has no task it {_ROLE_EN[role].split()[0]}s" + (
                f" ({', '.join(f'{_ROLE_EN[r]} {n}' for r, n in other)})" if other else "") + "."
        return f"{unit.label}没有{ROLE_ZH[role]}的任务" + (
            f"（另有{'，'.join(f'{ROLE_ZH[r]} {n} 项' for r, n in other)}）" if other else "") + "。"
    counts = [(r, sum(t.role == r for t in tasks)) for r in _TASK_ROLES]
    if english:
        detail = ", ".join(f"{_ROLE_EN[r]} {n}" for r, n in counts if n)
        return f"{unit.label} {_ROLE_EN[role]} {len(tasks)} task(s)" + (f" ({detail})" if role == "any" else "") + ":"
    detail = "，".join(f"{ROLE_ZH[r]} {n} 项" for r, n in counts if n)
    return f"{unit.label}{ROLE_ZH[role]}的任务共 {len(tasks)} 项" + (f"（{detail}）" if role == "any" else "") + "："


def _citations(tasks: list[Task]) -> tuple[Citation, ...]:
    out: list[Citation] = []
    seen: set[str] = set()
    for t in tasks:
        if t.clause.clause_id not in seen:
            seen.add(t.clause.clause_id)
            # The whole task is cited: a long clause's later parts hold what its first part does not.
            whole = t.clause if t.text == t.clause.text else replace(t.clause, text=t.text,
                                                                        search_text=to_search_form(t.text))
            out.append(Citation(n=len(out) + 1, clause=whole, score=1.0))
    return tuple(out)
