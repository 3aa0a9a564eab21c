"""English questions over a Chinese corpus, in one place: detection, glossary lookup, place names, query expansion.

BM25 over jieba tokens of Chinese clauses cannot match an English query, and the bundled 4-bit
multilingual e5-small ranks Chinese clauses loosely for English queries. The glossary
(``glossary.toml`` beside this module: general policy vocabulary, no unit names of any one document
and no phrases of any test question) turns "Which department leads logistics in Suzhou?" into
物流 部门 牵头 宿州 苏州 for the lexical side, so both retrievers see the query. An ambiguous word maps
to every reading (Suzhou → 宿州 苏州); the gazetteer (the places the corpus' documents are about wins)
and BM25 decide between them. The places of the indexed documents need no glossary line: their
Chinese names are romanised (pypinyin), so "Baotou" finds 包头 in any corpus that has it.

Example:
    >>> chinese_terms("Who leads the logistics projects?")
    '牵头 物流 项目'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GLOSSARY_PATH = Path(__file__).resolve().parent / "glossary.toml"
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+")
_MAX_WORDS = 4

Key = tuple[str, ...]


def is_english(text: str) -> bool:
    """True when Latin letters outnumber Han characters: the one test of "this is English"."""
    return len(_LATIN.findall(text)) > len(_HAN.findall(text))


def _lemma(word: str) -> str:
    """A crude singular: parks → park, cities → city, boxes → box, bureaus → bureau; short words,
    -ss, -us and -is (status, basis) stay."""
    if len(word) <= 3 or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and (word.endswith("eaus") or not word.endswith(("us", "is"))):
        return word[:-1]
    return word


def _key(text: str) -> Key:
    text = text.lower().replace("&", "").replace("'s ", " ").replace("’s ", " ").replace("'", "").replace("’", "")
    return tuple(_lemma(w) for w in _WORD.findall(text))


@lru_cache(maxsize=1)
def _parsed() -> tuple[dict[Key, tuple[str, ...]], frozenset[Key]]:
    """The glossary file as (key → Chinese terms, keys that are places).

    Raises:
        ValueError: a line with no English words, more than four, or no Chinese terms (names the file).
    """
    data = tomllib.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))
    table: dict[Key, tuple[str, ...]] = {}
    places: set[Key] = set()
    for kind in ("terms", "places"):
        for group in data.get(kind, {}).values():
            for english, chinese in group.items():
                key = _key(english)
                if not key or len(key) > _MAX_WORDS or not str(chinese).split():
                    raise ValueError(f"{GLOSSARY_PATH}: bad glossary entry {english!r} = {chinese!r}")
                table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(str(chinese).split())))
                if kind == "places":
                    places.add(key)
    return table, frozenset(places)


def glossary() -> dict[Key, tuple[str, ...]]:
    """The glossary as lemmatised word tuples → Chinese terms (``a|b``: readings of one name)."""
    return _parsed()[0]


def _matches(query: str) -> list[tuple[Key, tuple[str, ...]]]:
    """Glossary entries an English query names, in query order; phrases win, longest first."""
    if not is_english(query):
        return []
    table = glossary()
    words = _key(query)
    found: list[tuple[Key, tuple[str, ...]]] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            key = words[i:i + n]
            if key in table:
                found.append((key, table[key]))
                i += n
                break
        else:
            i += 1
    return found


def chinese_terms(query: str) -> str:
    """The Chinese glossary terms an English query names, in query order, once each; '' if none.

    Phrases win over their words, longest first ("industrial park" → 产业园 园区, not 产业 工业 园区);
    every reading of an ambiguous name is kept. A query that is mostly Chinese gets ''.
    """
    terms = [reading for _, chinese in _matches(query) for term in chinese for reading in term.split("|")]
    return " ".join(dict.fromkeys(terms))


def place_readings(query: str) -> list[tuple[str, ...]]:
    """The glossary places an English query names, each as its Chinese readings (Suzhou → ('宿州', '苏州')).

    Example:
        >>> place_readings("Who leads it in Yongqiao and Suzhou?")
        [('埇桥',), ('宿州', '苏州')]
    """
    places = _parsed()[1]
    out: list[tuple[str, ...]] = []
    for key, chinese in _matches(query):
        if key in places:
            out.extend(tuple(term.split("|")) for term in chinese)
    return out


def concepts(query: str) -> list[tuple[str, ...]]:
    """The non-place glossary entries an English query names, each as its Chinese terms (any one
    of them counts: plan → ('规划', '计划', '方案')), for checking the corpus holds the concept."""
    places = _parsed()[1]
    return [tuple(r for term in chinese for r in term.split("|")) for key, chinese in _matches(query)
            if key not in places]


@lru_cache(maxsize=4096)
def romanised(name: str) -> str:
    """A Chinese place name as an English question writes it: 包头 → baotou, 厦门 → xiamen."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)).lower()


@lru_cache(maxsize=1)
def division_stems() -> tuple[str, ...]:
    """The short names of every province and prefecture-level city of the division table
    (``ingest.metadata.divisions``): 内蒙古, 包头, 阿坝 … Counties are left out: thousands of them
    share their pinyin with each other and with ordinary syllables."""
    from policyqa.ingest.metadata.divisions import division_table, short_name

    return tuple(dict.fromkeys(short_name(p.name, p.level) for p in division_table().places
                               if p.level in ("province", "city")))


def glossary_place_words(query: str) -> set[str]:
    """The words of an English query that glossary place entries already read."""
    places = _parsed()[1]
    return {w for key, _ in _matches(query) if key in places for w in key}


def romanised_places(query: str, names: Iterable[str], *, skip: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """Which of ``names`` (Chinese place stems) an English query writes in pinyin, grouped by word.

    Example:
        >>> romanised_places("How did Baotou and Xiamen do?", ["包头", "厦门", "合肥"])
        [('包头',), ('厦门',)]
    """
    by_word: dict[str, list[str]] = {}
    for name in names:
        by_word.setdefault(romanised(name), []).append(name)
    # "Guangdong's" is Guangdong; an apostrophe inside a name (Xi'an, Lu'an) only separates syllables.
    plain = re.sub(r"['’]s\b", "", query.lower()).replace("'", "").replace("’", "")
    words = [w for w in re.findall(r"[a-z]+", plain) if w not in set(skip)]
    return [tuple(dict.fromkeys(by_word[w])) for w in dict.fromkeys(words) if w in by_word and len(w) >= 4]


def english_places(question: str, gazetteer: Any) -> str:
    """The Chinese names of the places an English question names, for ``Gazetteer.find``.

    Readings come from the glossary and from the romanised names of the gazetteer's places. Of an
    ambiguous name's readings (Suzhou: 宿州 or 苏州) the one some document is about wins, else one the
    corpus mentions, else the first, which ``find`` then reports as unknown, as it would a Chinese
    question's 郑州市.
    """
    if not is_english(question):
        return ""
    # Words the glossary already read as places (Suzhou in "Suzhou in Jiangsu") are not read again.
    # Provinces and cities the corpus does not know are read too, so that "Jinan" in a corpus without
    # 济南 is an unknown place (and the question abstains) rather than an unknown word.
    stems = list(dict.fromkeys(gazetteer.place_stems() + list(division_stems())))
    readings = place_readings(question) + romanised_places(question, stems, skip=glossary_place_words(question))
    names = []
    for group in readings:
        known = ([r for r in group if gazetteer.is_scope(r)] or [r for r in group if gazetteer.mentions(r)]
                 or list(group))
        names.append(known[0])
    return " ".join(dict.fromkeys(names))


def expand_query(text: str, lexicon: Any = None) -> str:
    """The query (in search form) both retrievers see: an English one gets its glossary terms appended.

    An English query's own words occur in no Chinese clause, so BM25 alone would fade out and
    leave e5-small's loose cross-lingual ranking to decide. With the Chinese terms of its policy
    vocabulary appended, BM25 matches them and the embedder is anchored on them (both sides must see
    the terms: either alone did worse on the dev set); the English words stay, still carrying what the
    glossary does not know. Other queries are unchanged,
    and so is any query over a corpus that holds none of the terms (an English corpus): only terms
    some clause contains are appended (``lexicon``, an ``index.lexicon.Lexicon``, when given).
    """
    terms = " ".join(dict.fromkeys(chinese_terms(text).split() + _romanised_division_names(text)))
    if terms and lexicon is not None:
        terms = " ".join(t for t in terms.split() if lexicon.contains(t))
    return f"{text} {terms}" if terms else text


def _romanised_division_names(text: str) -> list[str]:
    """Provinces and cities an English query writes in pinyin (Baotou → 包头), every reading of each."""
    if not is_english(text):
        return []
    return [name for group in romanised_places(text, division_stems(), skip=glossary_place_words(text))
            for name in group]


def search_query(question: str, lexicon: Any = None) -> str:
    """What every caller of ``ClauseIndex.search`` sends for a user's words: their search form, expanded."""
    from policyqa.ingest.normalize import to_search_form
    from policyqa.qa.question.shorthand import written_forms

    query = expand_query(to_search_form(question), lexicon)
    # Short forms (固投, GDP) are searched with what documents write (固定资产投资, 地区生产总值) too.
    extra = [f for f in written_forms(query) if lexicon is None or lexicon.contains(f)]
    return f"{query} {' '.join(extra)}" if extra else query
