"""A document's title from its first lines: multi-line titles joined, headings and openings skipped.

The title is the first group of adjacent short lines before the body that ends in a document type
(…工作方案, …的通知, …规划（2021-2023年）) — with an issuer line above it (中共宿迁市委 宿迁市人民政府)
and a qualifier line below it (（征求意见稿）) joined in. Lines that are never a title: speech openings
(各位代表：), a speaker's name and office (市长  马  军), the session line of a speech
(（2024年1月29日在…会议上）), numbered headings, and whatever the boilerplate filter blanked (dates,
bylines, breadcrumbs, metadata headers). A web heading above the real title (宿迁市委市政府最新发布) is
not joined because a blank or blanked line separates them. With no such group the first title-like line
is the title (a news headline). A speech with no title, or a bare 政府工作报告, is *generic*: the caller
composes ``<place><year>年政府工作报告`` once the region is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.ingest.metadata.doctype import ends_with_type
from policyqa.ingest.normalize import to_simplified

_HEAD_LINES = 40
_TITLE_MAX = 90
_SENTENCE_MARKS = re.compile(r"[。，,；;！!]|[：:](?!$)")
_SPEECH_OPENING = re.compile(r"^各位[\u4e00-\u9fff、]{1,12}[：:]")
# A speech to a people's congress, or a work report's review heading (2023年工作回顾).
_SPEECH = re.compile(r"我代表.{0,12}(?:人民政府|国务院|行署|政府)|向大会(?:作|报告)|^(?:19|20)\d{2}年(?:主要|政府)?工作回顾",
                     re.MULTILINE)
_SPEAKER = re.compile(r"(?:市长|州长|省长|主席|区长|县长|总理|盟长|专员|书记)\s*(?:[\u4e00-\u9fff]\s*){2,4}$")
_SESSION = re.compile(r"会议上|大会上")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|第[一二三四五六七八九十]+[章节条])")
_QUALIFIER = re.compile(r"^[（(][^（()）]{1,20}[)）]$")
_GENERIC = re.compile(r"^(?:\d{4}年)?(?:政府)?工作报告$")
_MARKUP = re.compile(r"^\s*#{1,6}\s*|\*\*")


@dataclass(frozen=True, slots=True)
class TitleGuess:
    """The title found (original script), where it came from, and whether it is generic."""

    text: str = ""
    source: str = ""
    generic: bool = False
    speech: bool = False


def infer_title(text: str, heading: str = "") -> TitleGuess:
    """The title of a document.

    Args:
        text: the document's text with boilerplate blanked (``boilerplate.mask``), original script.
        heading: a title the file format gives (markdown ``#``, docx core title, HTML ``<h1>``).
    """
    speech = bool(_SPEECH.search(to_simplified(text)))
    if heading and not _GENERIC.match(_compact(heading)):
        return TitleGuess(heading.strip(), "inferred:heading", speech=speech)
    lines = [_clean(line) for line in text.splitlines()[:_HEAD_LINES * 3]]
    found = _typed_group(lines) or _first_title_like(lines, speech)
    if not found:
        return TitleGuess(generic=True, speech=speech) if speech else TitleGuess()
    generic = bool(_GENERIC.match(_compact(found)))
    return TitleGuess(found, "inferred:body", generic=generic, speech=speech)


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def _compact(line: str) -> str:
    return re.sub(r"\s+", "", to_simplified(line))


def _head(lines: list[str]) -> list[int]:
    """Indexes of the lines before the body starts (the first sentence-like line), non-empty or not."""
    out = []
    seen = 0
    for i, line in enumerate(lines):
        if line:
            seen += 1
            if _is_body(line) or seen > _HEAD_LINES:
                break
        out.append(i)
    return out


def _is_body(line: str) -> bool:
    simple = to_simplified(line)
    return len(simple) > _TITLE_MAX or ("。" in simple and not simple.endswith(("》", "）", ")")))


def _typed_group(lines: list[str]) -> str:
    head = _head(lines)
    for i in head:
        line = lines[i]
        if line and _title_like(line) and ends_with_type(to_simplified(line)):
            start = i
            while start - 1 in head and lines[start - 1] and _joinable_above(lines[start - 1]):
                start -= 1
            end = i
            while end + 1 < len(lines) and _QUALIFIER.match(lines[end + 1]) and not _SESSION.search(lines[end + 1]):
                end += 1
            return _join(lines[start:end + 1])
    return ""


def _joinable_above(line: str) -> bool:
    return _title_like(line) and len(line) <= 40 and not ends_with_type(to_simplified(line))


def _title_like(line: str) -> bool:
    simple = to_simplified(line)
    if not simple or len(simple) > _TITLE_MAX or _SENTENCE_MARKS.search(simple.rstrip("？?")):
        return False
    if _SPEECH_OPENING.match(simple) or _SPEAKER.search(simple) or _SESSION.search(simple):
        return False
    return not _NUMBERED.match(simple) and not simple.endswith(("：", ":", "工作回顾"))


def _first_title_like(lines: list[str], speech: bool) -> str:
    for i in _head(lines):
        line = lines[i]
        if line and _title_like(line) and len(_compact(line)) >= 5:
            if speech and not _GENERIC.match(_compact(line)):
                continue  # a speech's stray first lines (session fragments) are not its title
            return line
    return ""


def _join(lines: list[str]) -> str:
    # Lines of one title join without a space; spaces inside a line (两个发文机关之间) stay.
    return "".join(line.strip() for line in lines)
