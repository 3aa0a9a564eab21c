"""A document's date (成文 / 发布日期), as precise as the text allows: 2022-05-08, 2021-12, 2024.

In order: the file format's metadata (markdown 发布日期), a date or byline stamp near the top
(2022-05-08 08:21:00, 发表于:2023-02-22), a speech's session line in its opening lines
(——2024年1月16日在…第…次会议上, （2024年1月29日在…会议上）, even split over two lines), a labelled
date (发布日期：2022年5月26日, 成文日期 …), the signing date on a line of its own (2021年12月30日,
（2023年1月2日）) or after the issuer (安徽省人民政府办公厅 2021年9月2日), a full date in the file name
(2024-01-29_通知.txt), the year of the document's own 文号, and for a work report the year after the
one it reviews (2023年工作回顾 → 2024). A coarser date is made precise by a signing date that agrees
with it (发布日期：2024年1月 and 2024年1月18日 at the end → 2024-01-18). Nothing else: a period
(2021-2023年), a target (到2025年) or a date in running text is not the document's date.
"""

from __future__ import annotations

import re

from policyqa.ingest import boilerplate
from policyqa.ingest.metadata.docnumber import docnumber_year
from policyqa.ingest.normalize import to_simplified

_Y = r"((?:19|20)\d{2})"
_YMD = rf"{_Y}\s*[-年/.]\s*(\d{{1,2}})\s*[-月/.]\s*(\d{{1,2}})\s*日?"
# The date a speech was given, and where: 2024年1月16日在…人民代表大会第三次会议上 (or …会议的政府工作
# 报告, …会议上的讲话); a month alone (2024年1月在…) is as precise as the line is.
_SESSION = re.compile(rf"{_Y}\s*年\s*(\d{{1,2}})\s*月\s*(?:(\d{{1,2}})\s*日)?[^。；\n]{{0,24}}?在[^。；]{{0,60}}?(?:会议|大会)")
_SESSION_LINES = 8
_SIGNED = re.compile(rf"^[（(]?{_YMD}[)）]?$")
# 安徽省人民政府办公厅 2021年9月2日: an organ's name, then the date, on one line (the end of a 公文).
_ISSUER_SIGNED = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,40}}(?:政府|办公厅|办公室|委员会|小组|局|厅|部|委|院|会|署|处)"
                            rf"\s+{_YMD}$")
# 发布日期：2022年5月26日 / 成文日期: 2022-05-26 / 发布时间 2024年1月 — not a period (2021-2023年).
_LABELLED = re.compile(rf"(?:发布日期|成文日期|印发日期|发文日期|发布时间)\**\s*[:：]?\s*\**\s*{_Y}"
                       r"(?:\s*[-年/.]\s*(\d{1,2})(?!\d)(?:\s*[-月/.]\s*(\d{1,2})(?!\d))?)?(?!\s*[-—－~～至到]\s*(?:19|20)\d{2})")
# 2024-01-29_通知, 通知2024年1月29日, 20240129-通知; eight digits only when nothing alphanumeric
# touches them (a hash name such as 001_99c01c39b8bb0254 may hold any digits).
_FILENAME = (re.compile(rf"(?<!\d){_Y}\s*[-_.]\s*(\d{{1,2}})\s*[-_.]\s*(\d{{1,2}})(?!\d)"),
             re.compile(rf"(?<!\d){_Y}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日"),
             re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})(\d{2})(\d{2})(?![0-9A-Za-z])"))
_REVIEW = re.compile(r"((?:19|20)\d{2})年(?:主要|政府)?工作回顾")
_YEAR = re.compile(r"(?<![到至—－\-~～])((?:19|20)\d{2})年")
_HEAD_CHARS = 3000


def infer_date(text: str, *, given: str = "", docnumber: str = "", speech: bool = False,
               file_stem: str = "") -> tuple[str, str]:
    """``(date, source)``; ``("", "")`` when the text gives none.

    Args:
        text: the original text (not masked: the stamps are boilerplate).
        given: a date the file format supplies (``RawDocument.date``).
        docnumber: the document's 文号, whose year is a last resort.
        speech: the text is a speech (a work report): with nothing else, its year is the latest
            year it speaks of as present or past (not 到2025年 targets).
        file_stem: the file name without its extension; a full date in it is the document's date.
    """
    if given:
        return given, "inferred:header"
    full = to_simplified(text)
    simple = full[:_HEAD_CHARS]
    signed = _signed(full)
    stamp = boilerplate.first_date(simple)
    stamp = _date(*stamp.split("-")) if stamp else ""  # a stamp of 2022-13-40 is no date
    if stamp:
        return stamp, "inferred:header"
    session = _session(simple)
    if session:
        return _precise(session, signed), "inferred:body"
    labelled = _labelled(simple)
    if labelled:
        return _precise(labelled, signed), "inferred:header"
    if signed:
        return signed, "inferred:body"
    named = _from_filename(file_stem)
    if named:
        return named, "inferred:filename"
    if docnumber_year(docnumber):
        return docnumber_year(docnumber), "inferred:docnumber"
    m = _REVIEW.search(simple)
    if m:
        return str(int(m.group(1)) + 1), "inferred:body"
    if speech:
        years = [int(y) for y in _YEAR.findall(full)]
        return (str(max(years)), "inferred:body") if years else ("", "")
    return "", ""


def _date(year: str, month: str | None, day: str | None) -> str:
    """``YYYY[-MM[-DD]]`` from the parts, or ``""`` for an impossible month or day."""
    if not month:
        return year
    if not 1 <= int(month) <= 12:
        return ""
    if not day:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}" if 1 <= int(day) <= 31 else ""


def _precise(coarse: str, signed: str) -> str:
    # 发布日期：2024年1月 with 2024年1月18日 signed at the end: the same date, to the day.
    return signed if signed and signed.startswith(coarse) else coarse


def _session(head: str) -> str:
    opening = "\n".join([line.strip() for line in head.splitlines() if line.strip()][:_SESSION_LINES])
    m = _SESSION.search(opening)
    return _date(*m.groups()) if m else ""


def _labelled(head: str) -> str:
    m = _LABELLED.search(head)
    return _date(*m.groups()) if m else ""


def _signed(text: str) -> str:
    """The first date on a line of its own, or after the issuer's name (a signing date)."""
    for line in text.splitlines():
        line = line.strip()
        m = _SIGNED.match(line) or _ISSUER_SIGNED.match(line)
        if m:
            date = _date(*m.groups())
            if len(date) == 10:
                return date
    return ""


def _from_filename(stem: str) -> str:
    stem = to_simplified(stem)
    for pattern in _FILENAME:
        for m in pattern.finditer(stem):
            date = _date(*m.groups())
            if len(date) == 10:
                return date
    return ""
