"""Who issued a document: the organ before 关于 in its title, a format's 发布机构, a speech's
我代表…人民政府, the organ signing above the date, or a news report's byline and source."""

from __future__ import annotations

import re

from policyqa.ingest.normalize import to_simplified

_ORGAN = re.compile(r"(?:人民政府|政府|办公室|办公厅|委员会|党委|管委会|行政公署|工作组|领导小组|小组|"
                    r"[委局厅部院署办]|中心|部门|中共中央|国务院)$")
_SPEECH = re.compile(r"我代表(?P<who>[\u4e00-\u9fff]{0,12}?)(?P<organ>人民政府|国务院|行署|政府)")
_ISSUING_LINE = re.compile(r"^(?P<org>[\u4e00-\u9fff ]{2,40}?)(?:关于印发|印发|关于)")
# 近日，中共中央、国务院印发了《…》: the organs that issued the document a report is about.
_ISSUED_BY = re.compile(r"(?P<org>(?:[\u4e00-\u9fff]{2,12}[、和])*[\u4e00-\u9fff]{2,12}?)印发了?《")
_DATE_LINE = re.compile(r"^[（(]?(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[)）]?$")
_REPORTER = re.compile(r"^(?:本报)?(?:记者|通讯员)\s*(?P<names>(?:[\u4e00-\u9fff·]{2,4}\s*){1,4})$")
_AUTHOR = re.compile(r"作者\s*[:：]\s*(?P<author>[\u4e00-\u9fff·]{2,4})")
_SOURCE = re.compile(r"来源\s*[:：]\s*(?P<source>[\u4e00-\u9fff]{2,16}?)(?:\s|$|网站|官网)")
_HEAD_LINES = 30


def is_organ(name: str) -> bool:
    """Whether ``name`` (Simplified script) reads as the name of an organ (…人民政府, …委员会, …部)."""
    name = name.strip()
    return 2 <= len(name) <= 40 and bool(_ORGAN.search(name))


def infer_issuer(title: str, text: str, given: str = "") -> tuple[str, str, bool]:
    """``(issuer, source, needs_place)`` for a document.

    ``needs_place`` is true for a speech's bare 市人民政府 / 州人民政府: the caller puts the region's
    name in front once it is known. Arguments are in Simplified script; ``text`` is the original
    (not masked) text, since bylines are boilerplate.
    """
    head = re.split(r"关于|印发", title, maxsplit=1)
    if len(head) > 1 and is_organ(head[0]):
        return head[0].strip(), "inferred:title", False
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    speech = _SPEECH.search(text)
    if speech:
        organ = "行政公署" if speech["organ"] == "行署" else speech["organ"]
        who = speech["who"]
        bare = who in ("", "市", "州", "区", "县", "盟", "自治区", "省")
        return (organ if organ == "国务院" else f"{who}{organ}"), "inferred:body", bare and organ != "国务院"
    issuing = _issuing_line(lines)
    if issuing:
        return issuing, "inferred:body", False
    if given and is_organ(given):
        return given.strip(), "inferred:header", False
    for finder in (_signature, _byline):
        found = finder(lines)
        if found:
            return found, "inferred:body", False
    return "", "", False


def _issuing_line(lines: list[str]) -> str:
    for line in lines[:_HEAD_LINES]:
        m = _ISSUING_LINE.match(line) or _ISSUED_BY.search(line[:80])
        if m and is_organ(m["org"]):
            return m["org"].strip()
    return ""


def _signature(lines: list[str]) -> str:
    for i, line in enumerate(lines[1:], start=1):
        if _DATE_LINE.match(line) and is_organ(lines[i - 1]):
            return lines[i - 1]
    return ""


def _byline(lines: list[str]) -> str:
    for line in lines[:_HEAD_LINES]:
        m = _REPORTER.match(line)
        if m:
            return line
        author, source = _AUTHOR.search(line), _SOURCE.search(line)
        if author or source:
            if source and author:
                return f"{source['source']}（{author['author']}）"
            return source["source"] if source else author["author"]
    return ""
