"""Who is responsible for a clause: （责任单位：…）, （…牵头，…配合）, （…负责） -> leads, cooperating, responsible.

The grammar, applied to each parenthetical of a clause (and to bare ``牵头单位：…`` labels in its text):

* labelled lists — ``责任单位：A、B`` / ``牵头单位：A；配合单位：B`` / ``牵头部门：…`` / ``牵头考核单位：…``.
  A 牵头/主办/主责 label gives leads; 配合/协办/参与/协同/协助/协作/支撑/支持 labels give cooperating; a 责任 label gives
  *responsible* units (a 责任单位 list does not say which of them leads), unless the same parenthetical
  also has a 牵头 label, in which case it names the cooperating units. Where the document declares
  that the first unit listed leads (列第一位的为牵头单位 …, see :func:`declares_first_lead`), the first
  responsible unit is the lead and the others cooperate.
* verb lists — comma-separated segments ``A、B牵头`` / ``A牵头负责`` / ``A负责`` / ``C配合`` /
  ``D等按职责分工负责``. 牵头 makes leads; 配合 makes cooperating; 负责 makes cooperating after a
  牵头 in the same parenthetical, otherwise leads.
* bare trailing lists — ``（市经济信息化委、市科委）`` at the end of a clause, when every item looks
  like the name of a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.ingest.duty_spans import duty_spans

_OPEN, _CLOSE = "（(【[", "）)】]"
# A role written after a unit's name in a list: 区经委（牵头）、区科委 / 区财政局〔配合〕.
_ROLE_NOTE = re.compile(r"[（(〔【\[](牵头|主责|配合|协办|参与)[）)〕】\]]")
_NOTED = "«»"  # what a role note is rewritten to, so no bracket splits the list at it
_WS = re.compile(r"\s+")
_TOP_SEPARATORS = "，,；;"
_STOPS = "。；;！？!?"
_PADDING = " \t\u3000\u2003\xa0"  # skipped when looking for what precedes or follows a parenthetical
_UNIT_SEPARATORS = "、，,；;"
_LIST_RESUMED = re.compile(r"等(?:单位|部门)?(?:和|以及|及|与)")
# A label such as 责任单位： 牵头部门： 牵头考核单位： 配合单位：
_LABEL = re.compile(r"(牵头|主办|主责|责任|实施|配合|协办|参与|协同|协助|协作|支撑|支持)[^：:，,；;、（()）]{0,4}?"
                    r"(单位|部门|主体|处室|科室|机构)[：:]")
# Other labels a marker may hold after its units (完成时限：2024年底): they end the list before them.
_OTHER_LABEL = re.compile(r"(?:完成|计划|工作)?(?:时限|时间|期限|节点|进度)[：:]")
_VERB_SEGMENT = re.compile(
    r"^由?(?P<units>.+?)(?:分别|共同|具体)?(?:按(?:照)?(?:各自)?(?:职责|职能)(?:分工)?)?"
    r"(?P<verb>牵头负责|牵头落实|牵头|配合|协同|协助|协办|参与|负责|落实|"
    r"为(?:牵头|配合|协办|责任)(?:单位|部门))$"
)
# The verbs of a verb list that make cooperating units; 牵头 makes leads, 负责 / 落实 either (see _verb_list).
_COOPERATING_VERBS = ("配合", "协同", "协助", "协办", "参与")
# （A会同B、C）: A leads the duty, B and C join it, with or without a verb after them.
_JOINED = re.compile(r"^由?(?P<lead>.+?)会同(?P<partners>.+?)(?:共同)?(?:负责|落实|推进|实施)?$")
# Words that close a unit list but are not part of any unit name.
_UNIT_TAILS = ("等单位", "等部门", "等")
# Suffixes of unit names (局, 委, 政府, 管委会, 海关, 公司 …); used only where no keyword says so.
_UNIT_SUFFIX = re.compile(
    r"(局|委|办|厅|部|府|中心|会|公司|集团|海关|行|园区|单位|部门|组|院|所|校|联|协|署|处|站|队|室|社|"
    r"企业|机构|专班|总部|分中心|政府|区|中央)$"
)
# Bare parentheticals with these words are explanations (以下简称…), not unit lists.
_NOT_UNITS = re.compile(r"简称|以下|包括|含|即|指|如|年|号|稿|见|第|：|:")
# One-character administrative pieces such as the 区 of 各县、区 belong to the unit before them.
_ADMIN_TAIL = re.compile(r"^[县区市镇乡]$|^[县区市]（[^）]*）$")
_ADMIN_HEAD = re.compile(r"^[县区市镇乡](?:$|（|[^\u4e00-\u9fff]|人民政府|政府|委|直|级)")
# 各区 is a whole collective, but 各区、县级市 and 各市、县 name one collective of two levels.
_BARE_COLLECTIVE = re.compile(r"^各[省市区县镇乡]$")
_BARE_LEVEL = re.compile(r"^[县区市镇乡](?:级市)?(?:人民政府|政府)?$")


# A document's own convention for 责任单位 lists: 列第一位的为牵头单位 / 列第一位者为牵头单位 / 排在首位的为
# 牵头单位 / 第一个为牵头单位 / 排名第一的单位为牵头单位 (in a note, an annex heading or a footnote).
_FIRST_LEADS = re.compile(
    r"(?:列|排|排名|排序)?(?:在|于)?(?:第一位|首位|第一个|第一家|第一)(?:的|者)?(?:单位|部门)?(?:为|是)(?:牵头|主责)(?:单位|部门)")
# The same declaration written inside the first marker, （A、B负责，列第一位者为牵头单位，下同）: a note, not a unit.
_CONVENTION_NOTE = re.compile(r"[，,。；;]?" + _FIRST_LEADS.pattern + r"(?:[，,]?(?:下同|以下同|后同))?[。；;]?")
# Collective names: every county, all relevant departments … — kept, but not a named unit.
_COLLECTIVE = re.compile(r"^(?:[省市区县]?(?:各|全|有关|相关|其他|其它)|各有关|各相关)|(?:有关|相关|各)(?:单位|部门)$")


@dataclass(frozen=True, slots=True)
class Responsibility:
    """The units a clause names: ``leads`` (牵头), ``cooperating`` (配合, or 按职责分工负责 after a 牵头)
    and ``responsible`` (a 责任单位 list that names no lead)."""

    leads: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.leads or self.cooperating or self.responsible)

    def merge(self, other: Responsibility) -> Responsibility:
        """Every list of ``self`` followed by ``other``'s, without repeating a unit within a list."""
        return Responsibility(_unique(self.leads + other.leads), _unique(self.cooperating + other.cooperating),
                              _unique(self.responsible + other.responsible))

    def first_leads(self) -> Responsibility:
        """The document's convention applied: the first responsible unit leads, the others cooperate."""
        if not self.responsible:
            return self
        head, *rest = self.responsible
        return Responsibility(_unique((*self.leads, head)), _unique((*self.cooperating, *rest)))


def running_text_units(text: str) -> Responsibility:
    """Leads, cooperating and responsible units a clause names in its sentences rather than in a marker:
    every duty span's units (``ingest.duty_spans``: A负责… / 由A、B牵头 / A会同B / A配合 / A、B按照各自职责).

    Example:
        >>> running_text_units("具体产品目录由市商务委会同相关部门明确。")
        Responsibility(leads=('市商务委',), cooperating=('相关部门',), responsible=())
    """
    found = Responsibility()
    for span in duty_spans(text):
        found = found.merge(Responsibility(span.duty.leads, span.duty.cooperating, span.duty.responsible))
    # A unit that leads one duty of the clause is its lead, whatever else it does in another sentence.
    coop = tuple(u for u in found.cooperating if u not in found.leads)
    resp = tuple(u for u in found.responsible if u not in found.leads + coop)
    return Responsibility(found.leads, coop, resp)


def declares_first_lead(text: str) -> bool:
    """Whether a document says that the first unit of each list leads (列第一位的为牵头单位 …)."""
    return bool(_FIRST_LEADS.search(_WS.sub("", text)))


def is_marker_line(line: str) -> bool:
    """Whether a line only says who does the task above it: （责任单位：A、B） / 牵头单位：A；配合单位：B /
    （A牵头，B配合）. Such a line closes the paragraph before it; it is never a heading of its own."""
    text = _WS.sub("", line)
    if not text:
        return False
    if text[0] in _OPEN and parenthetical_spans(text) == [(0, len(text))]:
        return bool(parse_parenthetical(text[1:-1], trailing=False))
    label = _LABEL.match(text)
    return bool(label) and bool(_labelled(text, in_parentheses=False))


def is_collective(name: str) -> bool:
    """各县区、市各相关部门、有关单位、各县、区: a collective, not the name of one unit."""
    return bool(_COLLECTIVE.search(name))


def extract_responsibility(text: str, *, first_leads: bool = False) -> Responsibility:
    """Leads, cooperating and responsible units named by a clause's own parentheticals and labels.

    Args:
        text: a clause's original text, e.g. ``"…建设。(市发展改革委牵头,市财政局等按职责分工负责)"``.
        first_leads: the document declares that the first unit listed leads (:func:`declares_first_lead`).

    Returns:
        ``Responsibility(leads=("市发展改革委",), cooperating=("市财政局",))``; empty when the text names
        no responsible unit. Ordinary parentheses such as ``(2021-2023年)`` give nothing.
    """
    result = Responsibility()
    consumed: list[tuple[int, int]] = []
    for start, end in parenthetical_spans(text):
        inner = _CONVENTION_NOTE.sub("", _WS.sub("", text[start + 1:end - 1]))
        found = parse_parenthetical(inner, trailing=is_sentence_final(text, start, end), first_leads=first_leads)
        if found:
            # Each list's own first unit leads, not the first of the clause's lists.
            result = result.merge(found.first_leads() if first_leads else found)
            consumed.append((start, end))
    labelled = _labelled(_blank(text, consumed), in_parentheses=False)
    return result.merge(labelled.first_leads() if first_leads else labelled)


def parse_parenthetical(inner: str, *, trailing: bool = True, first_leads: bool = False) -> Responsibility:
    """Parse the content of one parenthetical (without its brackets and whitespace).

    Args:
        inner: e.g. ``"责任单位：区商务局、区农业农村局"`` or ``"省商务厅牵头，合肥海关配合"``.
        trailing: whether the parenthetical ends its clause; only then may a bare unit list count.
        first_leads: the document declares that the first unit listed leads; a list that gives no
            role (（A、B负责）, （A、B）) then names *responsible* units, for the convention to order.

    Returns:
        The responsibility it states, or an empty ``Responsibility``.
    """
    if _LABEL.search(inner):
        return _labelled(inner, in_parentheses=True)
    verbs = _verb_list(inner)
    if verbs:
        # A list in which every unit merely 负责 says who is responsible, not who leads.
        unroled = first_leads and not verbs.cooperating and "牵头" not in inner
        return Responsibility(responsible=verbs.leads) if unroled else verbs
    units = _bare_list(inner, trailing=trailing, first_leads=first_leads)
    noted = tuple(u for u in _noted_roles(split_units(_marked_notes(inner)))[0] if u in units)
    if noted:
        return Responsibility(noted, tuple(u for u in units if u not in noted))
    if units:
        return Responsibility(responsible=units) if first_leads else Responsibility(leads=units)
    return Responsibility()


def _bare_list(inner: str, *, trailing: bool, first_leads: bool) -> tuple[str, ...]:
    """（区科委、区经委） at a clause's end; under the first-lead convention also
    （A、B，各省级人民政府按职责分工负责）, whose last item carries the verb for all."""
    if not trailing or _NOT_UNITS.search(inner):
        return ()
    units = split_units(_ROLE_NOTE.sub("", inner))
    # Without a keyword only a list of unit-like names of 3+ characters counts: （社区） is not one.
    if units and all(len(u) >= 3 and _looks_like_unit(u) for u in units):
        return units
    if first_leads:
        head, _, last = inner.rpartition("，")
        verb = _VERB_SEGMENT.match(last)
        if head and verb and not verb.group("verb").startswith(("牵头", "配合")):
            return _bare_list(f"{head}，{verb.group('units')}", trailing=True, first_leads=False)
    return ()


def split_units(text: str) -> tuple[str, ...]:
    """Split a list of unit names on 、，,；; and clean each name.

    Whitespace, a trailing 等, and the phrases 分别按职责 / 按职责分工负责 are removed; 各县、区 stays one
    unit, and so do names with their own parentheses such as 各县（区）人民政府.

    Args:
        text: e.g. ``"市发展改革委、市商务局,各县、区,各共建园区等"``.

    Returns:
        ``("市发展改革委", "市商务局", "各县、区", "各共建园区")``.
    """
    units: list[str] = []
    # A list closed by 等 may go on with 和 / 以及 (…全国妇联等和各省级人民政府): 等 ends an item there.
    for piece in _split_top(_LIST_RESUMED.sub("、", _WS.sub("", text)), _UNIT_SEPARATORS):
        name = _clean_unit(piece)
        if not name:
            continue
        if units and _continues_admin_list(units[-1], name):
            units[-1] = f"{units[-1]}、{name}"
        else:
            units.append(name)
    return _unique(tuple(units))


def parenthetical_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost balanced parenthetical, brackets included; （ and ( mix freely."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _labelled(text: str, *, in_parentheses: bool) -> Responsibility:
    text = _marked_notes(text)
    labels = list(_LABEL.finditer(text))
    if not labels:
        return Responsibility()
    has_lead_label = any(m.group(1) in ("牵头", "主办", "主责") for m in labels)
    leads: list[str] = []
    cooperating: list[str] = []
    responsible: list[str] = []
    for i, m in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[m.end():stop]
        other = _OTHER_LABEL.search(value)
        value = value[:other.start()] if other else value
        if not in_parentheses:
            value = re.split(r"[。\n（(）)]", value, maxsplit=1)[0]
        noted, units = _noted_roles(split_units(value.rstrip("；;，,")))
        kind = "责任" if m.group(1) == "实施" else m.group(1)  # 实施主体 / 实施单位 say who is responsible
        if kind in ("牵头", "主办", "主责"):
            leads.extend(units)
        elif kind == "责任" and noted:
            # 责任单位：A（牵头）、B: the note says who leads, the others cooperate.
            leads.extend(noted)
            cooperating.extend(u for u in units if u not in noted)
        elif kind == "责任" and not has_lead_label:
            responsible.extend(units)
        else:
            cooperating.extend(units)
    return Responsibility(_unique(tuple(leads)), _unique(tuple(cooperating)), _unique(tuple(responsible)))


_NOTE_WRITTEN = re.compile(f"{_NOTED[0]}(\\w+){_NOTED[1]}")


def _marked_notes(text: str) -> str:
    """``text`` with each role note rewritten (区经委（牵头） → 区经委«牵头»), for ``_noted_roles`` to read."""
    return _ROLE_NOTE.sub(lambda m: f"{_NOTED[0]}{m.group(1)}{_NOTED[1]}", text)


def _noted_roles(units: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the units noted as leads, every unit without its note) of a list read by ``_labelled``."""
    leads = tuple(_NOTE_WRITTEN.sub("", u) for u in units
                  if (m := _NOTE_WRITTEN.search(u)) and m.group(1) in ("牵头", "主责"))
    return leads, tuple(_NOTE_WRITTEN.sub("", u) for u in units)


def _verb_list(inner: str) -> Responsibility:
    segments = [s for s in _split_top(inner, _TOP_SEPARATORS) if s]
    matches = [_VERB_SEGMENT.match(s) for s in segments]
    joins = [_JOINED.match(s) for s in segments]
    if not matches or not all(m or j for m, j in zip(matches, joins)):
        return Responsibility()
    lead_seen = False
    leads: list[str] = []
    cooperating: list[str] = []
    for m, joined in zip(matches, joins):
        if joined and not lead_seen:
            partners = split_units(joined.group("partners"))
            if not partners or not all(_looks_like_unit(u) or is_collective(u) for u in partners):
                return Responsibility()
            cooperating.extend(partners)
            named, verb = joined.group("lead"), "牵头"
        elif m is not None:
            named, verb = m.group("units"), m.group("verb").removeprefix("为")
        else:
            return Responsibility()  # （A牵头，B会同C）: a second lead's partners, no reading of ours
        units = split_units(named)
        if not units or not all(_looks_like_unit(u) or is_collective(u) for u in units):
            return Responsibility()
        if verb.startswith("牵头") or (not verb.startswith(_COOPERATING_VERBS) and not lead_seen):
            leads.extend(units)
            lead_seen = lead_seen or verb.startswith("牵头")
        else:
            cooperating.extend(units)
    return Responsibility(_unique(tuple(leads)), _unique(tuple(cooperating)))


def _continues_admin_list(previous: str, name: str) -> bool:
    """各县、区 and 各县、市、区人民政府 are one unit: a bare level (区, 市人民政府) continues a
    previous piece that is not yet a unit name of its own (各县)."""
    last = previous.split("、")[-1]
    return bool(_ADMIN_HEAD.match(name)) and (
        not _UNIT_SUFFIX.search(last) or bool(_BARE_COLLECTIVE.match(previous) and _BARE_LEVEL.match(name)))


def _clean_unit(piece: str) -> str:
    name = piece.strip()
    for phrase in ("按职责分工负责", "按职能分工负责", "分别按职责", "按职责分工", "按职能分工"):
        name = name.replace(phrase, "")
    changed = True
    while changed:
        changed = False
        for tail in _UNIT_TAILS:
            if name.endswith(tail) and len(name) > len(tail):
                name, changed = name[: -len(tail)], True
    return name.strip("“”\"' ")


def _looks_like_unit(name: str) -> bool:
    if len(name) < 2:
        return False
    head, _, tail = name.partition("、")  # 各县、区 is one unit: judge it by 各县 and 区
    return bool(_UNIT_SUFFIX.search(head) or (tail and _ADMIN_TAIL.match(tail) and len(head) >= 2))


def is_sentence_final(text: str, start: int, end: int, *, limit: int | None = None) -> bool:
    """Whether the parenthetical ``text[start:end]`` closes a sentence: it follows a full stop
    (``…建设。（市科委）``) or ends the text (or ``text[:limit]``), a line or a sentence
    (``…建设（市科委）。``).

    Scans from the parenthetical outwards instead of slicing ``text``: a clause with thousands of
    parentheticals would otherwise cost time quadratic in its length.
    """
    limit = len(text) if limit is None else limit
    before = start
    while before > 0 and text[before - 1] in _PADDING:
        before -= 1
    if before == 0 or text[before - 1] in _STOPS:
        return True
    after = end
    while after < limit and text[after] in _PADDING + "*":
        after += 1
    return after >= limit or text[after] in _STOPS + "\n"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the (sorted, disjoint) ``spans`` replaced by spaces, offsets unchanged."""
    parts, pos = [], 0
    for start, end in spans:
        parts += [text[pos:start], " " * (end - start)]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _split_top(text: str, separators: str) -> list[str]:
    """Split on separators outside parentheses, so 各县（区，开发区） stays whole."""
    parts: list[str] = []
    depth, current = 0, []
    for ch in text:
        depth += ch in _OPEN
        depth -= ch in _CLOSE and depth > 0
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def looks_like_unit(name: str) -> bool:
    """Whether ``name`` ends like the name of a unit (局, 委, 政府, 管委会 …), as 市自然资源和规划 does not."""
    return _looks_like_unit(name)
