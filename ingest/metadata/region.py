"""A document's region (province / city / district) from its title, issuer, 文号, file name and body.

The sources are tried in that order and the first that names a place decides; a national organ as the
issuer (国务院, 中共中央, 工业和信息化部 …) makes the document national and stops the search, so a
national report saved as ``台州.txt`` is not 台州's. Within one source, a place and its parent
(宿州市埇桥区) collapse to the more specific one; between unrelated places (杭州市上城区 … 宿州市埇桥区)
the body decides: the one it names most often, else the last one the source names (a title's subject
comes just before its document type). A name that stays ambiguous (朝阳区 with nothing to tell Beijing's
from Changchun's) is reported, and the region is left at what all readings share.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from policyqa.ingest.metadata.divisions import DivisionTable, Place, division_table
from policyqa.ingest.metadata.places import Mention, disambiguate, find_places

NATIONAL = "national"
# A national organ: the State Council, the Party centre, the NPC, ministries and national bureaus.
_NATIONAL_ORGAN = re.compile(
    r"^(?:中共中央|中央|国务院|全国人民代表大会|全国人大|全国|国家|最高人民|新华社|"
    r"(?:[\u4e00-\u9fff]{1,10}部(?:等|、|和|$)))")
_BODY_CHARS = 20000
_BODY_MIN = 3          # a body count below this is not evidence
_BODY_SHARE = 0.5      # the winner must hold at least this share of the body's province (or city) mentions


@dataclass(frozen=True, slots=True)
class RegionGuess:
    """Where a document belongs: the names, its level, which source said so and any ambiguity."""

    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    source: str = ""
    ambiguous: tuple[str, ...] = field(default=())

    @property
    def place_name(self) -> str:
        """The most specific name (埇桥区), or 国务院 for a national document."""
        return self.district or self.city or self.province


def infer_region(*, title: str = "", issuer: str = "", docnumber: str = "", filename: str = "",
                 body: str = "", level: str = "", table: DivisionTable | None = None) -> RegionGuess:
    """The region of a document (all arguments in Simplified script).

    ``level`` is a level the document declares about itself (a speech given for the 市人民政府: city);
    it decides between same-named places of different levels (吉林省 / 吉林市).

    Returns:
        A ``RegionGuess``; empty names when no source names a place. ``source`` is
        ``inferred:title`` / ``inferred:issuer`` / ``inferred:docnumber`` / ``inferred:filename`` /
        ``inferred:body``.
    """
    table = table or division_table()
    body = body[:_BODY_CHARS]
    counts = _body_counts(body, table)
    for source, text, short in (("title", title, False), ("issuer", issuer, False)):
        guess = _from_mentions(find_places(text, table=table), counts, f"inferred:{source}", level)
        if guess:
            return guess
        if _is_national(text, source):
            return RegionGuess(level=NATIONAL, source=f"inferred:{source}")
    guess = _from_docnumber(docnumber, table, counts)
    if guess:
        return guess
    guess = _from_mentions(find_places(filename, district_short_names=_is_place_name(filename, table),
                                       table=table), counts, "inferred:filename", level)
    return guess or _from_body(counts, body)


def _is_national(text: str, source: str) -> bool:
    if not text:
        return False
    if source == "title":
        head = re.split(r"关于|印发", text, maxsplit=1)
        return len(head) > 1 and bool(_NATIONAL_ORGAN.match(head[0].strip()))
    return bool(_NATIONAL_ORGAN.match(text.strip()))


def _is_place_name(filename: str, table: DivisionTable) -> bool:
    # A file named for a place (埇桥.txt, 合肥.txt) may use a district's short name.
    return bool(table.lookup(filename.strip()))


def _from_mentions(mentions: list[Mention], counts: Counter[Place], source: str,
                   level: str = "") -> RegionGuess | None:
    if not mentions:
        return None
    context = [m.places[0] for m in mentions if len(m.places) == 1]
    context += [p for p, _n in counts.most_common(3)]
    resolved: list[Place] = []
    ambiguous: list[str] = []
    for mention in mentions:
        places = disambiguate(mention, context, level)
        if len(places) == 1:
            resolved.append(places[0])
        else:
            ambiguous.extend(p.full_name for p in places)
    if not resolved:
        return _common(ambiguous, source)
    leaves = [p for p in resolved if not any(o != p and o.within(p) for o in resolved)]
    best = max(reversed(leaves), key=lambda p: _score(p, counts))
    return _guess(best, source)


def _score(place: Place, counts: Counter[Place]) -> int:
    return sum(n for p, n in counts.items() if p.within(place))


def _guess(place: Place, source: str, ambiguous: tuple[str, ...] = ()) -> RegionGuess:
    return RegionGuess(place.province, place.city, place.district, place.level, source, ambiguous)


def _common(names: list[str], source: str) -> RegionGuess | None:
    table = division_table()
    readings = [p for n in dict.fromkeys(names) for p in table.places if p.full_name == n]
    provinces = {p.province for p in readings}
    if len(provinces) == 1:
        province = table.place(provinces.pop())
        if province is not None:
            return _guess(province, source, tuple(dict.fromkeys(names)))
    return RegionGuess(source=source, ambiguous=tuple(dict.fromkeys(names)))


def _from_docnumber(docnumber: str, table: DivisionTable, counts: Counter[Place]) -> RegionGuess | None:
    # 沪科规〔2025〕2号 → 上海市. Cities open their 文号 with one character too (宁政 is 南京's, not
    # 宁夏's; 青政 is 青岛's), so the abbreviation counts only when the body does not point elsewhere.
    province = table.abbreviations.get(docnumber[:1])
    if province is None:
        return None
    provinces: Counter[str] = Counter()
    for place, n in counts.items():
        provinces[place.province] += n
    top = provinces.most_common(1)
    if top and top[0][1] >= _BODY_MIN and top[0][0] != province.province:
        return None
    return _guess(province, "inferred:docnumber")


def _body_counts(body: str, table: DivisionTable) -> Counter[Place]:
    counts: Counter[Place] = Counter()
    for mention in find_places(body, table=table):
        if len(mention.places) == 1:
            counts[mention.places[0]] += 1
    return counts


def _from_body(counts: Counter[Place], body: str) -> RegionGuess:
    """The province the body names most (and its city when the text speaks of 我市 / 全市)."""
    provinces: Counter[str] = Counter()
    for place, n in counts.items():
        provinces[place.province] += n
    if not provinces:
        return RegionGuess()
    province, n = provinces.most_common(1)[0]
    if n < _BODY_MIN or n < _BODY_SHARE * sum(provinces.values()):
        return RegionGuess()
    table = division_table()
    cities: Counter[Place] = Counter()
    for place, k in counts.items():
        if place.province == province and place.level != "province" and place.city:
            cities[table.place(province, place.city) or place] += k
    city_level = len(re.findall(r"[我全本]市", body)) > len(re.findall(r"[我全本]省", body))
    if city_level and cities:
        city, k = cities.most_common(1)[0]
        if k >= _BODY_MIN and k >= _BODY_SHARE * sum(cities.values()):
            return _guess(city, "inferred:body")
    top = table.place(province)
    return _guess(top, "inferred:body") if top else RegionGuess()
