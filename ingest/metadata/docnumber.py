"""A document's own number (文号): 宿政办发〔2022〕5号, 宿发﹝2020﹞ 14号, 国发〔2021〕36号.

Its own number stands alone on a line near the top; numbers cited in running text (（苏办发﹝2019﹞50号）)
are other documents'. Spaces inside are dropped, the brackets are kept as written.
"""

from __future__ import annotations

import re

from policyqa.ingest.normalize import to_simplified

_HEAD_LINES = 60
_NUMBER = re.compile(
    r"^(?P<org>[\u4e00-\u9fff]{1,12})\s*(?P<open>[〔［\[【（(﹝{])\s*(?P<year>(?:19|20)\d{2})\s*"
    r"(?P<close>[〕］\]】）)﹞}])\s*(?:第\s*)?(?P<no>\d{1,5})\s*号$")


def infer_docnumber(text: str) -> str:
    """The 文号 on a line of its own among the first lines of ``text``, or ``""``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_HEAD_LINES]
    for line in lines:
        m = _NUMBER.match(to_simplified(line))
        if m:
            return f"{m['org']}{m['open']}{m['year']}{m['close']}{m['no']}号"
    return ""


def docnumber_year(number: str) -> str:
    """The year inside a 文号 (宿发﹝2020﹞14号 → 2020), or ``""``."""
    m = re.search(r"(?:19|20)\d{2}", number)
    return m.group(0) if m else ""


# A 文号 written anywhere (a question's 国发[2018]39号, 国发2018年39号), its parts to compare by.
_WRITTEN = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)\s*[〔［\[【（(﹝{]?\s*(?P<year>(?:19|20)\d{2})\s*(?:[〕］\]】）)﹞}]|年)?\s*"
    r"(?:第\s*)?(?P<no>\d{1,5})\s*号")


def docnumber_key(number: str) -> tuple[str, str, str] | None:
    """(organ's abbreviation, year, number) of a 文号, whatever its brackets: 国发〔2018〕39号 → (国发, 2018, 39)."""
    m = _WRITTEN.fullmatch(to_simplified(number).strip())
    return (m["org"], m["year"], str(int(m["no"]))) if m else None


def docnumbers_written(text: str) -> list[tuple[tuple[str, str, str], str]]:
    """(key, the words) of every 文号 a text writes (国发[2018]39号和国办发〔2019〕3号 → two). The organ of a key
    may hold a word before it (和国办发): compare it by its end."""
    return [((m["org"], m["year"], str(int(m["no"]))), m[0]) for m in _WRITTEN.finditer(to_simplified(text))]

