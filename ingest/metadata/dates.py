"""A document's date (成文 / 发布日期), as precise as the text allows: 2022-05-08, 2021-12, 2024.

In order: the file format's metadata (markdown 发布日期), a date or byline stamp near the top
(2022-05-08 08:21:00, 发表于:2023-02-22), a speech's session line (（2024年1月29日在…会议上）), the
signing date on a line of its own (2021年12月30日, （2023年1月2日）), the year of the document's own
文号, and for a work report the year after the one it reviews (2023年工作回顾 → 2024).
"""

from __future__ import annotations

import re

from policyqa.ingest import boilerplate
from policyqa.ingest.metadata.docnumber import docnumber_year
from policyqa.ingest.normalize import to_simplified

_YMD = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
_SESSION = re.compile(rf"[（(]{_YMD}在.{{0,40}}(?:会议|大会)上[)）]")
_SIGNED = re.compile(rf"^[（(]?{_YMD}[)）]?$")
_META = re.compile(r"(?:发布日期|成文日期|发布时间)\**\s*[:：]\s*\**\s*((?:19|20)\d{2})\s*[-年/.]?\s*(\d{1,2})?")
_REVIEW = re.compile(r"((?:19|20)\d{2})年(?:主要|政府)?工作回顾")
_YEAR = re.compile(r"(?<![到至—－\-~～])((?:19|20)\d{2})年")
_HEAD_CHARS = 3000


def infer_date(text: str, *, given: str = "", docnumber: str = "", speech: bool = False) -> tuple[str, str]:
    """``(date, source)``; ``("", "")`` when the text gives none.

    Args:
        text: the original text (not masked: the stamps are boilerplate).
        given: a date the file format supplies (``RawDocument.date``).
        docnumber: the document's 文号, whose year is a last resort.
        speech: the text is a speech (a work report): with nothing else, its year is the latest
            year it speaks of as present or past (not 到2025年 targets).
    """
    if given:
        return given, "inferred:header"
    simple = to_simplified(text[:_HEAD_CHARS])
    stamp = boilerplate.first_date(simple) or _meta_date(simple)
    if stamp:
        return stamp, "inferred:header"
    m = _SESSION.search(simple)
    if m:
        return _ymd(m), "inferred:body"
    signed = _signed(to_simplified(text))
    if signed:
        return signed, "inferred:body"
    if docnumber_year(docnumber):
        return docnumber_year(docnumber), "inferred:docnumber"
    m = _REVIEW.search(simple)
    if m:
        return str(int(m.group(1)) + 1), "inferred:body"
    if speech:
        years = [int(y) for y in _YEAR.findall(to_simplified(text))]
        return (str(max(years)), "inferred:body") if years else ("", "")
    return "", ""


def _ymd(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _meta_date(text: str) -> str:
    m = _META.search(text)
    if not m:
        return ""
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m.group(2) else m.group(1)


def _signed(text: str) -> str:
    for line in text.splitlines():
        m = _SIGNED.match(line.strip())
        if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            return _ymd(m)
    return ""
