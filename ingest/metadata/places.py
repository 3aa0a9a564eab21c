"""Place names in a piece of text, looked up in the division table (leftmost-longest scan).

Full names (宿州市, 埇桥区) are found everywhere; short names of provinces and cities (宿州, 宁夏) too;
short names of districts and counties (埇桥, 朝阳) only where the caller asks (a file name that *is* a
place), because as words they are everyday vocabulary (振兴, 和平, 开发). Two-character full names of
districts (城区, 郊区, 矿区) are generic words and never matched in running text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from policyqa.ingest.metadata.divisions import DivisionTable, Place, division_table

_LEVEL_RANK = {"province": 0, "city": 1, "district": 2}


@dataclass(frozen=True, slots=True)
class Mention:
    """One place name in a text: where it is and every place it may stand for."""

    start: int
    end: int
    name: str
    places: tuple[Place, ...]


def find_places(text: str, *, district_short_names: bool = False,
                table: DivisionTable | None = None) -> list[Mention]:
    """Place names in ``text``, left to right, longest match first at each position.

    Args:
        text: Simplified-script text.
        district_short_names: also match 埇桥 for 埇桥区 (only for text that is a place name).
        table: the division table (the shared one by default).
    """
    table = table or division_table()
    out: list[Mention] = []
    i = 0
    while i < len(text):
        found = _longest_at(text, i, table, district_short_names)
        if found is None:
            i += 1
            continue
        out.append(found)
        i = found.end
    return out


@lru_cache(maxsize=8192)
def is_place_name(text: str, *, district_short_names: bool = False) -> bool:
    """Whether ``text`` is, whole, the name of one place (杨浦区; with ``district_short_names`` also 孝昌)."""
    found = find_places(text, district_short_names=district_short_names)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(text)


def _longest_at(text: str, i: int, table: DivisionTable, district_short: bool) -> Mention | None:
    for length in table.lengths_from(text[i]):
        if i + length > len(text):
            continue
        name = text[i:i + length]
        places = tuple(p for p in table.lookup(name) if _usable(p, name, district_short))
        if places:
            return Mention(i, i + length, name, places)
    return None


def _usable(place: Place, name: str, district_short: bool) -> bool:
    if name == place.name:
        # Two-character district names are also common words (城区, 郊区, 矿区); a county's (泗县, 沛县,
        # 萧县) or a banner's never is.
        return place.level != "district" or len(name) >= 3 or district_short or name[-1] in "县旗"
    return place.level != "district" or district_short


def disambiguate(mention: Mention, context: list[Place], level: str = "") -> tuple[Place, ...]:
    """The places a mention can be, narrowed by other places known about the document.

    A candidate inside, or containing, a context place wins (朝阳区 with 北京 in context); between a place
    and one it contains (阿坝州 / 阿坝县, 吉林省 / 吉林市) a short name means the larger one; otherwise
    the higher level (中山 → 中山市, not a 中山区). A ``level`` the document declares (a speech on behalf of
    the 市人民政府) picks among levels first (吉林 → 吉林市). Several candidates left means ambiguous.
    """
    places = mention.places
    if len(places) > 1 and level:
        places = tuple(p for p in places if p.level == level) or places
    if len(places) > 1 and context:
        related = tuple(p for p in places if any(p.within(c) or c.within(p) for c in context))
        places = related or places
    if len(places) > 1:
        outer = tuple(p for p in places if not any(p.within(o) and p != o for o in places))
        places = outer
    if len(places) > 1 and mention.name != places[0].name:
        top = min(_LEVEL_RANK[p.level] for p in places)
        places = tuple(p for p in places if _LEVEL_RANK[p.level] == top)
    return places
