"""The responsibility ledger: every unit of the index and every clause it leads, cooperates on or is
responsible for (责任单位: listed without a lead; see ``ingest.responsibility``).

A unit is its name scoped by a region: 宿州's 市委组织部 and 宿迁's 市委组织部 are two units, and
埇桥区's 区财政局 is not 宿州's 市财政局. The region comes from the name's level and the document:

- a name that starts with a place keeps it (埇桥区人民政府 in the city plan is 埇桥区's);
- 市… is the document's city, 区…/县… its district, 省… its province;
- any other name (宿州海关 aside, which names its place) belongs to the document's own region.

Spellings are joined by ``qa.unit_names`` (市发改委 = 市发展改革委), never by similarity; a unit is
shown as it is most often written. Lists are complete: the ledger reads every clause, not a search.
Collectives (各县区, 市各相关部门, 有关单位) are kept but marked ``collective``: they are not a named unit.

Example:
    >>> ledger = Ledger(engine.corpus)                               # doctest: +SKIP
    >>> [u.label for u in ledger.resolve("宿州市发改委")]              # doctest: +SKIP
    ['宿州市 市发展改革委']
    >>> len(ledger.tasks(ledger.resolve("埇桥区财政局")))               # doctest: +SKIP
    4
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from policyqa.ingest.responsibility import is_collective
from policyqa.qa.errors import UnknownDocumentError, UnknownRegionError, UnknownUnitError
from policyqa.model import Clause, Document
from policyqa.qa.answerers.citations import without_duty
from policyqa.qa.question.corpus_view import CorpusView
from policyqa.qa.question.places import place_stem
from policyqa.qa.ledger.unit_names import UnitNames, fold

ROLES = ("lead", "cooperating", "responsible", "any")
ROLE_ZH = {"lead": "牵头", "cooperating": "配合", "responsible": "责任单位", "any": "参与"}

UnitId = tuple[str, str, str]  # (region, level, key)


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit: region (宿州市), level (市, or ''), key (发展改革委) and how documents write it."""

    region: str
    level: str
    key: str
    name: str                       # the most frequent spelling, e.g. 市发展改革委
    spellings: tuple[str, ...]      # every spelling seen, most frequent first
    leads: int = 0                  # clauses it leads (牵头)
    cooperating: int = 0            # clauses it cooperates on (配合), and does not also lead
    responsible: int = 0            # clauses that list it as 责任单位 with no lead named
    collective: bool = False        # 各县区 / 市各相关部门 / 有关单位: many units, not one

    @property
    def uid(self) -> UnitId:
        return (self.region, self.level, self.key)

    @property
    def total(self) -> int:
        return self.leads + self.cooperating + self.responsible

    @property
    def label(self) -> str:
        """宿州市 市发展改革委; a name that already says its place is shown alone (宿州海关)."""
        stem = place_stem(self.region)
        return self.name if not self.region or self.name.startswith(stem) else f"{self.region} {self.name}"

    def to_dict(self) -> dict[str, object]:
        return {"region": self.region, "name": self.name, "label": self.label, "spellings": list(self.spellings),
                "leads": self.leads, "cooperating": self.cooperating, "responsible": self.responsible,
                "total": self.total, "collective": self.collective}


@dataclass(frozen=True, slots=True)
class Task:
    """One row of the 责任分工表: a clause (all of its parts) with its units.

    ``role`` is the queried units' role in it (lead, then cooperating, then responsible), '' in a
    whole-table view.
    """

    clause: Clause                  # the clause's first part: what is cited
    text: str                       # the whole clause text, every part
    role: str = ""

    @property
    def task_text(self) -> str:
        """The task without its trailing responsibility parenthetical (that is in the unit columns)."""
        return without_duty(self.text)


@dataclass(frozen=True, slots=True)
class _Row:
    task: Task
    leads: tuple[UnitId, ...]
    cooperating: tuple[UnitId, ...]
    responsible: tuple[UnitId, ...] = ()

    def role_of(self, wanted: set[UnitId]) -> str:
        for role, ids in (("lead", self.leads), ("cooperating", self.cooperating),
                          ("responsible", self.responsible)):
            if wanted & set(ids):
                return role
        return ""


class Ledger:
    """Units and their tasks over one corpus view (built once per index version).

    Args:
        corpus: The index's ``CorpusView``.
        names: The alias table (default: the bundled ``corpus/unit_names.toml``).
    """

    def __init__(self, corpus: CorpusView, names: UnitNames | None = None) -> None:
        self.corpus = corpus
        self.names = names or UnitNames.bundled()
        # Places a unit name may start with: the documents' regions and the places the corpus names
        # (芜湖海关 in a provincial plan is 芜湖's customs, whether or not a document is about 芜湖).
        self.places = tuple(sorted({n for d in corpus.documents.values()
                                    for n in (d.province, d.city, d.district) if n}
                                   | set(corpus.gazetteer.place_names()), key=len, reverse=True))
        self._rows: list[_Row] = []
        self._forms: dict[str, set[UnitId]] | None = None
        spellings: dict[UnitId, Counter[str]] = defaultdict(Counter)
        for first, parts in _clause_groups(corpus.clauses):
            doc = corpus.documents.get(first.doc_id)
            ids: dict[str, tuple[UnitId, ...]] = {}
            for name in first.leads + first.cooperating + first.responsible:
                each = distributed(name)
                ids[name] = tuple(self.identify(unit_name, doc) for unit_name in each)
                for unit_name, uid in zip(each, ids[name]):
                    spellings[uid][unit_name] += 1
            leads = tuple(dict.fromkeys(u for n in first.leads for u in ids[n]))
            coop = tuple(dict.fromkeys(u for n in first.cooperating for u in ids[n] if u not in leads))
            resp = tuple(dict.fromkeys(u for n in first.responsible for u in ids[n] if u not in leads + coop))
            text = "".join(p.text for p in parts)
            self._rows.append(_Row(Task(first, text), leads, coop, resp))
        counts = Counter((u, role) for r in self._rows
                         for role, ids in (("lead", r.leads), ("cooperating", r.cooperating),
                                           ("responsible", r.responsible)) for u in ids)
        self._units: dict[UnitId, Unit] = {}
        for uid, seen in spellings.items():
            ordered = tuple(name for name, _ in seen.most_common())
            self._units[uid] = Unit(*uid, name=ordered[0], spellings=ordered, leads=counts[(uid, "lead")],
                                    cooperating=counts[(uid, "cooperating")],
                                    responsible=counts[(uid, "responsible")], collective=is_collective(ordered[0]))

    # --- identity -------------------------------------------------------------------------------
    def identify(self, name: str, doc: Document | None) -> UnitId:
        """The unit a name written in ``doc`` stands for: (region, level, key)."""
        parsed = self.names.parse(name, self.places)
        return (parsed.place or _scope(parsed.level, doc), parsed.level, parsed.key)

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions that have units, in document order."""
        return tuple(dict.fromkeys(u.region for u in self._units.values()))

    def region_name(self, region: str) -> str:
        """A region as the user wrote it (宿州, 宿州市, 安徽省宿州市) → its scope name (宿州市).

        Raises:
            UnknownRegionError: no unit belongs to such a region; names the regions that exist.
        """
        text = fold(region)
        for scope in sorted(self.regions, key=len, reverse=True):
            if text in (scope, place_stem(scope)) or (len(text) > len(scope) and text.endswith(scope)):
                return scope
        raise UnknownRegionError(region, suggestions=_near(region, self.regions) or self.regions,
                                 hint="`policyqa units` lists every region and unit")

    def check_documents(self, doc_ids: tuple[str, ...]) -> None:
        """Raise ``UnknownDocumentError`` (with near ids) for any id the index does not hold."""
        for doc_id in doc_ids:
            if doc_id not in self.corpus.documents:
                ids = tuple(self.corpus.documents)
                raise UnknownDocumentError(doc_id, suggestions=_near(doc_id, ids) or ids,
                                           hint="`policyqa docs` lists the documents")

    # --- views ----------------------------------------------------------------------------------
    def units(self, *, region: str = "") -> list[Unit]:
        """Every unit (of one region), by region in document order, named units before collectives,
        then most tasks first."""
        scope = self.region_name(region) if region else ""
        order = {r: i for i, r in enumerate(self.regions)}
        units = [u for u in self._units.values() if not scope or u.region == scope]
        return sorted(units, key=lambda u: (order[u.region], u.collective, -u.total, -u.leads, u.name))

    def unit(self, uid: UnitId) -> Unit:
        return self._units[uid]

    def resolve(self, query: str, *, region: str = "") -> tuple[Unit, ...]:
        """The units a name stands for: 市发改委 → the 市发展改革委 of every region, 宿州市发改委 → one.

        ``财政局`` (no level) matches every level; a place in front or ``region`` narrows to that region.

        Raises:
            UnknownUnitError: nothing matches; suggests near names (and same-named units elsewhere).
        """
        parsed = self.names.parse(query, self.places)
        scopes = {self.region_name(region)} if region else set()
        if parsed.place:
            if scopes and parsed.place not in scopes:
                raise UnknownUnitError(query, f"in {region}: the name itself says {parsed.place}")
            scopes = {parsed.place}
        same_name = [u for u in self._units.values()
                     if u.key == parsed.key and (not parsed.level or u.level == parsed.level)]
        found = tuple(u for u in self.units() if u in same_name and (not scopes or u.region in scopes))
        if found:
            return found
        where = f"in {'、'.join(sorted(scopes))}" if scopes else ""
        # Suggestions stay inside the asked region (its districts included): a 宿迁 unit is no answer
        # to a 宿州 question. A unit of that very name further away is named in the hint instead.
        inside = self.within(scopes) if scopes else None
        near_units = [u for u in self._units.values() if inside is None or u.region in inside]
        same_inside = tuple(u.label for u in same_name if u in near_units)
        labels = tuple(dict.fromkeys(lbl for u in near_units for lbl in (u.label, u.name)))
        hint = "`policyqa units` lists every unit with its number of tasks"
        farther = [u.label for u in same_name if u not in near_units]
        if farther:
            hint = f"outside it: {'、'.join(farther)}; {hint}"
        raise UnknownUnitError(query, where, suggestions=same_inside or _near(query, labels), hint=hint)

    def within(self, scopes: set[str]) -> set[str]:
        """The scopes and every region inside them, from the documents' province / city / district."""
        inside = set(scopes)
        for doc in self.corpus.documents.values():
            levels = [n for n in (doc.province, doc.city, doc.district) if n]
            for i, name in enumerate(levels):
                if name in scopes:
                    inside.update(levels[i:])
        return inside

    def tasks(self, units: tuple[Unit, ...] | list[Unit] = (), *, doc_ids: tuple[str, ...] = (),
              region: str = "", role: str = "any") -> list[Task]:
        """The 责任分工表: clauses with units, in document and reading order, each once.

        Args:
            units: Only clauses these units lead, cooperate on or are responsible for (default: every
                clause with units).
            doc_ids: Only these documents.
            region: Without ``units``: clauses where some unit of this region has the role.
            role: ``lead`` (牵头), ``cooperating`` (配合), ``responsible`` (责任单位) or ``any``.

        Raises:
            ValueError: an unknown role. UnknownRegionError / UnknownDocumentError: see above.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {role!r}")
        self.check_documents(doc_ids)
        wanted = {u.uid for u in units}
        if not wanted and region:
            scope = self.region_name(region)
            wanted = {uid for uid in self._units if uid[0] == scope}
        out = []
        for row in self._rows:
            if doc_ids and row.task.clause.doc_id not in doc_ids:
                continue
            if not wanted:
                if row.leads or row.cooperating or row.responsible:
                    out.append(row.task)
                continue
            task_role = row.role_of(wanted)
            if task_role and role in ("any", task_role):
                out.append(Task(row.task.clause, row.task.text, task_role))
        return out

    def forms(self) -> dict[str, set[UnitId]]:
        """Every way a question may write each unit (folded): spelling, level+core, place+core, core."""
        if self._forms is None:
            self._forms = self._make_forms()
        return self._forms

    def _make_forms(self) -> dict[str, set[UnitId]]:
        out: dict[str, set[UnitId]] = defaultdict(set)
        for u in self._units.values():
            for spelling in u.spellings:
                out[fold(spelling)].add(u.uid)
            for variant in self.names.variants(u.key):
                heads = {"", u.level, u.region, place_stem(u.region)} if u.region else {"", u.level}
                for head in heads:
                    out[head + variant].add(u.uid)
        return dict(out)


# 州、县（市）数据资源主管部门 / 省、市人民政府: one name for the same unit at several levels.
_LEVEL_LIST = re.compile(r"^((?:[省市州县区旗](?:[（(][^）)]{1,3}[)）])?、)+[省市州县区旗](?:[（(][^）)]{1,3}[)）])?)"
                         r"(?P<unit>[\u4e00-\u9fff].{2,})$")


def distributed(name: str) -> tuple[str, ...]:
    """The units a name stands for: 州、县（市）数据资源主管部门 → 州数据资源主管部门, 县（市）数据资源主管部门;
    any other name (各县、区 included: a collective) → itself."""
    m = _LEVEL_LIST.match(name)
    if not m:
        return (name,)
    levels = m.group(1).split("、")
    return tuple(level + m["unit"] for level in levels)


def _clause_groups(clauses: list[Clause]) -> list[tuple[Clause, list[Clause]]]:
    """Clauses with their continuation parts (a long clause is split at sentences), first part first.

    Parts of one split clause carry the same units; paragraphs under one number that name units of
    their own (（一）… （责任单位：A） … （责任单位：B）) are tasks of their own.
    """
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[Clause]] = {}
    for clause in clauses:
        if not clause.has_responsibility:
            continue
        # Unnumbered paragraphs share the empty numbering: each is its own row.
        key = clause.numbering or (f"@{clause.start}",)
        groups.setdefault((clause.doc_id, key, clause.leads, clause.cooperating, clause.responsible),
                          []).append(clause)
    out = []
    for parts in groups.values():
        parts.sort(key=lambda c: (c.part, c.start))
        out.append((parts[0], parts))
    return out


def _scope(level: str, doc: Document | None) -> str:
    if doc is None:
        return ""
    own = doc.district or doc.city or doc.province
    if level == "省":
        return doc.province or own
    if level == "市":
        return doc.city or own
    if level in ("区", "县"):
        return doc.district or own
    return own


def _near(name: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    """Up to five choices that look like ``name`` (suggestions only: never used to match).

    A choice is compared whole and by its place stem (宿州市 → 宿州); among near ones, those that share
    the name's first character come first: in a Chinese name it is the most distinctive one.
    """
    text = fold(name)

    def likeness(choice: str) -> float:
        forms = {fold(choice), place_stem(fold(choice))}
        return max(difflib.SequenceMatcher(None, text, form).ratio() for form in forms if form)

    scored = [(likeness(c), c) for c in choices]
    near = [(fold(c)[:1] == text[:1], ratio, c) for ratio, c in scored if ratio >= 0.5]
    near.sort(key=lambda t: (not t[0], -t[1]))
    return tuple(c for _, _, c in near[:5])
