"""Years a question asks about, and the years a document or a section is about.

A 2024 work report reviews 2023 (一、2023年工作回顾) and plans 2024 (二、2024年工作安排); a city may
have a 2024 city report and a 2025 provincial one. A question that names a year is answered from the
document and the section about that year: the review's 增长5.8% is not the 2024 target, and the 2025
report's estimate for 2024 is not a 2025 target.

Example:
    >>> years_in("某区今年（2026年）要新建几座？")
    frozenset({2026})
    >>> sorted(years_in("三年行动计划（2021—2023年）"))
    [2021, 2022, 2023]
"""

from __future__ import annotations

import re

from policyqa.ingest.normalize import to_search_form

# 19xx / 20xx not inside a longer number; a range 2021-2023 / 2021—2023 / 2021至2023 covers the years between.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*(?:-|—|–|－|~|～|至|到)\s*((?:19|20)\d{2}))?(?!\d)")
_LONGEST_RANGE = 30


def years_in(text: str) -> frozenset[int]:
    """The years a text names, ranges expanded."""
    return _expanded(_YEAR.findall(text))


_DATED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*(?:-|—|–|－|~|～|至|到)\s*((?:19|20)\d{2}))?\s*年")


def years_dated(text: str) -> frozenset[int]:
    """The years a sentence dates itself by, written as years (2025年, 2021—2025年): not an amount such
    as 2000亿元 that ``years_in`` would read as one."""
    return _expanded(_DATED_YEAR.findall(text))


# A paragraph that opens by its year (到2025年，… / 2026年：…) dates every sentence in it that names none.
_OPENING_YEAR = re.compile(r"^[\s（()）一二三四五六七八九十\d.、]*(?:力争|预计)?(?:到|至|截至|截止到?)?\s*"
                           r"((?:19|20)\d{2})(?:\s*(?:-|—|–|－|~|～|至|到)\s*((?:19|20)\d{2}))?\s*年(?:底|末|前)?[，,：:]")


def sentence_years(sentence: str, paragraph: str) -> frozenset[int]:
    """The years ``sentence`` is about: those it dates itself by (``years_dated``), else those its
    ``paragraph`` opens with (到2025年，…。全国…达到75%。 is a 2025 target)."""
    return years_dated(sentence) or _expanded(_OPENING_YEAR.findall(paragraph)[:1])


def _expanded(found: list[tuple[str, str]]) -> frozenset[int]:
    """(start, end or '') pairs of year matches as years, a range with the years between."""
    out: set[int] = set()
    for start, end in found:
        first, last = int(start), int(end or start)
        out.update(range(first, last + 1) if first <= last <= first + _LONGEST_RANGE else {first, last})
    return frozenset(out)


def section_years(path: tuple[str, ...]) -> frozenset[int]:
    """The years the titles of a clause's enclosing sections name (一、2023年工作回顾 → 2023)."""
    return years_in(" ".join(path))


def about_other_years(asked: frozenset[int], named: frozenset[int]) -> bool:
    """True when a text names years and none of them is one the question asks about."""
    return bool(asked) and bool(named) and not (asked & named)


# A question about the present year of the document it asks (今年要…, this year's target): the year of a
# work report's plan, not of its review.
_THIS_YEAR = re.compile(r"今年|本年度?|年内|this year|current year", re.IGNORECASE)


def asks_this_year(question: str) -> bool:
    """Whether a question names the present year without a number (今年 / this year).

    >>> asks_this_year("开封今年新建5G基站多少个？"), asks_this_year("开封2023年新建5G基站多少个？")
    (True, False)
    """
    return bool(_THIS_YEAR.search(question)) and not years_in(question)


def reviews_past(doc_title: str, path: tuple[str, ...]) -> bool:
    """A clause under this path lies in a section about years before its document's (a 2024 report's
    一、2023年工作回顾): what was done, not a task anyone has now."""
    return before_document(doc_title, section_years(path))


def before_document(doc_title: str, years: frozenset[int]) -> bool:
    """Whether a section about ``years`` is about years before those its document's title names."""
    own = years_in(to_search_form(doc_title))
    return bool(own and years) and max(years) < min(own)
