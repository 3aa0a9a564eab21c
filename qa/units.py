"""Every task of one unit: the 责任分工表 view (``policyqa tasks 区财政局``).

Unit names are matched after normalisation, so one query finds a unit however a document writes it:

- ``市财政局`` matches 市财政局 only; ``财政局`` matches 市财政局, 区财政局, 县财政局 …;
- a place in front narrows the documents: ``埇桥区财政局`` = 区财政局 in documents of 埇桥区,
  ``宿州市财政局`` = 市财政局 in documents of 宿州市 (their own region, not a district's);
- width, script (繁→简) and whitespace never matter; a trailing 等 is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Clause
from ingest.normalize import to_search_form
from qa.corpus import CorpusView
from qa.places import place_stem

_LEVELS = "省市区县"


@dataclass(frozen=True, slots=True)
class UnitName:
    """A unit name split into place (宿州市), level (市) and core (财政局)."""

    place: str
    level: str
    core: str


def parse_unit(name: str, places: tuple[str, ...] = ()) -> UnitName:
    """Split a unit name; ``places`` are the place names it may start with (longest first)."""
    text = "".join(to_search_form(name).split()).removesuffix("等")
    place = ""
    for candidate in sorted(places, key=len, reverse=True):
        for prefix in (candidate, place_stem(candidate)):
            if len(prefix) >= 2 and text.startswith(prefix) and len(text) > len(prefix) + 1:
                place, text = candidate, text[len(prefix):]
                break
        if place:
            break
    level = ""
    if place and place[-1] in _LEVELS and not (text[:1] in _LEVELS):
        level = place[-1]  # 埇桥区财政局 = 区财政局 of 埇桥区
    if text[:1] in _LEVELS and len(text) > 2:
        level, text = text[0], text[1:]
    return UnitName(place, level, text)


def _matches(query: UnitName, unit: str) -> bool:
    other = parse_unit(unit)
    if other.core != query.core:
        return False
    return not query.level or not other.level or other.level == query.level


def unit_tasks(corpus: CorpusView, unit: str, *, doc_ids: tuple[str, ...] = ()) -> list[Clause]:
    """Clauses whose leads or cooperating units include ``unit``, by document and reading order.

    Args:
        corpus: The index's corpus view.
        unit: A unit name, e.g. 市发展改革委, 区财政局, 财政局, 埇桥区财政局.
        doc_ids: Only these documents (default: all).

    Returns:
        Complete, in index order; a long clause split into parts appears once.
    """
    names = tuple({n for d in corpus.documents.values() for n in (d.province, d.city, d.district) if n})
    query = parse_unit(unit, names)
    if not query.core:
        return []
    allowed = set(doc_ids) if doc_ids else set(corpus.documents)
    if query.place:
        allowed &= {d.doc_id for d in corpus.documents.values() if _own_place(d) == query.place
                    or (query.level and query.place in (d.province, d.city, d.district))}
    out: list[Clause] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for clause in corpus.clauses:
        key = (clause.doc_id, clause.numbering)
        if clause.doc_id not in allowed or key in seen:
            continue
        if any(_matches(query, u) for u in clause.leads + clause.cooperating):
            seen.add(key)
            out.append(clause)
    return out


def _own_place(doc: object) -> str:
    return getattr(doc, "district", "") or getattr(doc, "city", "") or getattr(doc, "province", "")
