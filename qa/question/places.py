"""Places named in a question, and which documents they point to.

The gazetteer is not a hand list: its *scopes* come from the indexed documents' region fields
(province / city / district), and any other X省 / X市 / X区 / X县 name in a question is found with
jieba's part-of-speech tags plus a suffix rule, then checked against the whole corpus text.

- a scope place (宿州市, 埇桥区, 宿迁) selects the documents whose most specific region it is;
- a place the corpus mentions but no document is about (苏州, 上城区) must be named by the
  supporting clause;
- a place the corpus never mentions (郑州市) means the question cannot be answered from it.

Example:
    >>> gaz = Gazetteer(documents, index.lexicon)        # doctest: +SKIP
    >>> gaz.find("埇桥区农产品产销体系由哪些部门负责？").scopes  # doctest: +SKIP
    ('埇桥区',)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

from policyqa.model import Document

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PLACES_PATH = Path(__file__).resolve().parent / "places.toml"

# Longest first, so 浦东新区 → 浦东 and 广西壮族自治区 → 广西壮族 (still ≥ 2 characters).
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "新区", "省", "市", "区", "县")
_LEVELS = ("district", "city", "province")
_SUFFIX_CHARS = "省市区县"

# Words that end like a place but name a kind of area, not a place: 园区, 开发区, 城市, 全市 …
_GENERIC_ENDINGS = (
    "园区", "新区", "开发区", "示范区", "城区", "地区", "社区", "景区", "片区", "辖区", "试验区", "功能区",
    "集聚区", "合作区", "自贸区", "保税区", "经开区", "高新区", "库区", "山区", "市区", "县区", "校区",
    "城市", "都市", "超市", "上市", "门市", "夜市", "股市", "楼市", "车市", "入市", "街区", "商圈区",
    "承载区", "先行区", "实验区", "核心区", "引领区", "服务区", "生活区", "工业区", "农区", "牧区",
    "建成区", "规划区", "保护区",
)
_GENERIC_STARTS = "各全本我该外每此两三四五六七八九十多其省市区县分地城跨州"
_GOVERNMENT = re.compile(r"([省市区县])(?=(?:人民)?政府)")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{3,10}$")


def scope_keys(name: str) -> set[str]:
    """The ways a question writes a region: 宿州市 / 宿州; 阿坝藏族羌族自治州 / 阿坝 / 阿坝州 (an autonomous
    prefecture is commonly called by its short name and 州); 阿拉善盟 / 阿盟 (``league_short``)."""
    from policyqa.ingest.metadata.divisions import league_short, short_name

    short = short_name(name, "")
    keys = {name, place_stem(name), short, *league_short(name)}
    if name.endswith("自治州") and short != name:
        keys.add(short + "州")
    return {k for k in keys if len(k) >= 2}


def place_stem(name: str) -> str:
    """宿州市 → 宿州, 埇桥区 → 埇桥; a name whose stem would be one character is kept whole."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _is_place_token(word: str, flag: str) -> bool:
    """A jieba token that names a place: an ns word, or any X省/X市/X区/X县 that is not generic."""
    if not _HAN_NAME.match(word) and not (flag == "ns" and len(word) >= 2):
        return False
    if word[0] in _GENERIC_STARTS or word.endswith(_GENERIC_ENDINGS):
        return False
    if word[-1] in _SUFFIX_CHARS and len(word) >= 3:
        return True
    # A bare ns stem counts only if the dictionary also knows it as a city/county/province
    # (合肥 ↔ 合肥市): ns alone also tags rivers, regions and words like 深度.
    return flag == "ns" and _known_with_suffix(word)


def _division_stem(word: str) -> bool:
    """A bare short name of a province or prefecture-level city (商丘, 合肥) that jieba does not tag as a
    place, and not an ordinary word (``places.toml``): counties are left out, thousands of them share
    their names with ordinary words."""
    return word in _division_stems()


# jieba's count of a word of ordinary language (新建 1000, 开发 10022; 罗江 6, 城关 89).
_ORDINARY_FREQ = 300


def _ordinary_word(word: str) -> bool:
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0) >= _ORDINARY_FREQ


@lru_cache(maxsize=1)
def _division_stems() -> frozenset[str]:
    from policyqa.qa.question.language import division_stems

    ordinary = set(tomllib.loads(PLACES_PATH.read_text(encoding="utf-8"))["ordinary_stems"])
    return frozenset(division_stems()) - ordinary


def is_place_stem(stem: str) -> bool:
    """True when the dictionary knows the stem with a province / city / county suffix (合肥 → 合肥市)."""
    return _known_with_suffix(stem)


def _known_with_suffix(stem: str) -> bool:
    """Whether a bare stem is a real province, city or county's short name (合肥 ↔ 合肥市), by the
    administrative-division table, not by which places our corpus or jieba's dictionary happen to hold."""
    from policyqa.ingest.metadata.divisions import division_table

    return bool(division_table().lookup(stem))


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """The places a question names.

    ``scopes``: names that are some document's region (most specific level first);
    ``mentioned``: other places the corpus names somewhere; ``unknown``: places it never names.
    """

    scopes: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    spans: tuple[str, ...] = ()  # the literal text found (宿州, 埇桥区), to remove from content

    @property
    def names(self) -> tuple[str, ...]:
        return self.scopes + self.mentioned + self.unknown


class Gazetteer:
    """Place names of an index: document scopes plus a corpus-mention check.

    Args:
        documents: The indexed documents (their province / city / district fields).
        lexicon: The index's ``index.lexicon.Lexicon``: "does the corpus mention X?" is answered
            against every clause, not just the retrieved ones; district names written after their
            city (杭州市上城区) come from its ``qualified_places`` (jieba does not know most of them).
    """

    def __init__(self, documents: Iterable[Document], lexicon: Any) -> None:
        self._docs = list(documents)
        self._lexicon = lexicon
        # name or stem → (level rank, canonical name); district beats city beats province.
        self._scope_names: dict[str, tuple[int, str]] = {}
        # A document without region fields (a plain file) is about the place its file name or
        # title names (合肥.txt, 2025年江苏省政府工作报告): that place is its scope.
        self._named: dict[str, str] = {d.doc_id: _named_place(d) for d in self._docs if not _own_region(d)}
        for doc in self._docs:
            named = self._named.get(doc.doc_id, "")
            levels = (doc.district, doc.city, doc.province) if not named else _by_level(named)
            for rank, name in enumerate(levels):
                if name:
                    for key in scope_keys(name):
                        self._scope_names.setdefault(key, (rank, name))
        self._harvested = sorted(
            {m for m in lexicon.qualified_places
             if m[0] not in _GENERIC_STARTS and m not in _GENERIC_ENDINGS and not m.endswith("园区")} - set(self._scope_names),
            key=len, reverse=True)

    def is_scope(self, name: str) -> bool:
        """True when the name (or its stem) is some indexed document's region."""
        return name in self._scope_names or place_stem(name) in self._scope_names

    def place_names(self) -> list[str]:
        """Every full place name the gazetteer knows: document scopes, then names the corpus writes."""
        return list(dict.fromkeys([name for _, name in self._scope_names.values()] + self._harvested))

    def place_stems(self) -> list[str]:
        """Every place name the gazetteer knows (document scopes and corpus-harvested names), as stems."""
        return list(dict.fromkeys(place_stem(n) for n in list(self._scope_names) + self._harvested))

    def _only_a_word(self, name: str) -> bool:
        """A county's bare short name (新建 of 新建区, jieba's ns) that the corpus writes, but never as the
        place (no 新建区 anywhere): there it is the ordinary word. Provinces and cities keep their short
        names (合肥)."""
        if name[-1] in _SUFFIX_CHARS or _division_stem(name) or not _ordinary_word(name):
            return False  # 罗江: a report's county by its short name, a word of no ordinary language
        return not any(q.startswith(name) and len(q) > len(name) for q in self._lexicon.qualified_places)

    def mentions(self, name: str) -> bool:
        """True when any clause of the corpus names the place (by full name or stem)."""
        return self._lexicon.contains(name) or self._lexicon.contains(place_stem(name))

    def find(self, question: str) -> PlaceMatch:
        """The places a question (search form) names, split into scopes / mentioned / unknown."""
        scopes, covered = self._find_scopes(question)
        rest = question
        for span in covered:
            rest = rest.replace(span, " ")
        mentioned = [n for n in self._harvested if n in rest]
        for name in mentioned:
            rest = rest.replace(name, " ")
        unknown: list[str] = []
        for name in _place_tokens(rest, bare_divisions=True):
            if self.mentions(name) and self._only_a_word(name):
                continue
            (mentioned if self.mentions(name) else unknown).append(name)
        return PlaceMatch(tuple(scopes), tuple(dict.fromkeys(mentioned)), tuple(dict.fromkeys(unknown)),
                          spans=tuple(covered) + tuple(dict.fromkeys(mentioned + unknown)))

    def _find_scopes(self, question: str) -> tuple[list[str], list[str]]:
        """Scope names found in the question, most specific first, and the spans they cover."""
        found: dict[str, int] = {}
        covered: list[str] = []
        for key in sorted(self._scope_names, key=len, reverse=True):
            if len(key) >= 2 and key in question and not any(key in c for c in covered):
                rank, name = self._scope_names[key]
                found[name] = rank
                covered.append(key)
        return sorted(found, key=lambda n: found[n]), covered

    def documents_for(self, match: PlaceMatch) -> tuple[str, ...]:
        """Documents a question is about: those whose most specific region is a named scope.

        Only the most specific named level counts (埇桥区 over 宿州市 in "宿州市埇桥区"); when no
        document has that place as its own region, documents lying within it are used instead.
        """
        if not match.scopes:
            return ()
        ranks = {n: r for n, (r, _) in ((n, self._scope_names[n]) for n in match.scopes)}
        best = min(ranks.values())
        targets = {n for n, r in ranks.items() if r == best}
        exact = [d.doc_id for d in self._docs if self._region(d) in targets]
        if exact:
            return tuple(exact)
        return tuple(d.doc_id for d in self._docs if targets & {d.province, d.city, d.district})

    def _region(self, doc: Document) -> str:
        return _own_region(doc) or self._named.get(doc.doc_id, "")

    def documents_each(self, match: PlaceMatch) -> tuple[str, ...]:
        """Documents of *every* named scope (宿州市 and 埇桥区 → the city and the district plans),
        for questions that compare places rather than narrow down to one."""
        out: list[str] = []
        for name in match.scopes:
            out += [d for d in self.documents_for(PlaceMatch(scopes=(name,))) if d not in out]
        return tuple(out)

    def side_by_side(self, match: PlaceMatch, *, nested_too: bool = True) -> bool:
        """True when the match names two or more places each with documents of its own, no document
        being about two of them (济南 and 青岛: two cities' plans to read side by side, where a joint plan
        of 宿州 and 苏州 is one document about both). ``nested_too=False`` also refuses a place named
        within another (Yongqiao District, Suzhou: one place by its levels, not a list)."""
        names = list(dict.fromkeys(match.scopes))
        if len(names) < 2:
            return False
        docs = [set(self.documents_for(PlaceMatch(scopes=(n,)))) for n in names]
        if not all(docs) or any(a & b for a, b in combinations(docs, 2)):
            return False
        if nested_too:
            return True
        levels = [{d.province, d.city, d.district} for d in self._docs if _own_region(d)]
        return not any({a, b} <= lv for a, b in combinations(names, 2) for lv in levels)

    def region_of(self, doc_id: str) -> str:
        """The document's full region string (安徽省宿州市埇桥区), or ''."""
        return next((d.region for d in self._docs if d.doc_id == doc_id), "")


def _own_region(doc: Document) -> str:
    """A document's most specific region name (its district, else city, else province)."""
    return doc.district or doc.city or doc.province


def _named_place(doc: Document) -> str:
    """The place a plain file's name or title names first (合肥.txt → 合肥), or ''."""
    from pathlib import PurePath

    for text in (PurePath(doc.source_path).stem, doc.title):
        # jieba reads 江苏省政府 as one organisation name: the place is what precedes 政府.
        found = _place_tokens(_GOVERNMENT.sub(r"\1 ", text)) if text else []
        if found:
            return found[0]
    return ""


def _by_level(name: str) -> tuple[str, str, str]:
    """(district, city, province) slots for a place name by its suffix; a bare name counts as a city."""
    if name.endswith(("省", "自治区")):
        return "", "", name
    if name.endswith(("区", "县")):
        return name, "", ""
    return "", name, ""


def _place_tokens(text: str, *, bare_divisions: bool = False) -> list[str]:
    """Place-like tokens of a short text, by jieba POS tags and the X省/市/区/县 rule; with
    ``bare_divisions`` (a question), also the bare short names of provinces and cities."""
    from jieba import posseg

    return [w.word for w in posseg.cut(text)
            if _is_place_token(w.word, w.flag) or (bare_divisions and _division_stem(w.word))]
