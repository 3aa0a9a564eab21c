"""Web and catalogue boilerplate: which lines of a document are not part of its content.

Footers (相关新闻 / 版权 / 监督电话 / 广告合作 …), breadcrumbs (``新闻中心 > 头条要闻 >``), date stamps
and bylines (``2022-05-08 08:21:00``, ``发表于:… 来源:…``), markdown metadata headers
(``**发布日期**: …``) and pkulaw headers (``【法宝引证码】``, ``原文链接：``). The text is never changed:
callers get character ranges and blank them out (see :func:`mask`), so every offset stays valid.
Rules match Simplified and Traditional spellings alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Span = tuple[int, int]

_DATE = r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE_STAMP = re.compile(rf"^\s*{_DATE}\s*(?:{_TIME})?\s*$")
_BYLINE_LABEL = re.compile(r"(发表于|發表于|發表於|发布时间|發佈時間|来源|來源|作者|责任编辑|責任編輯|编辑|編輯|"
                           r"浏览次数|瀏覽次數|点击数|字号|字號)\s*[:：]")
# "责任编辑：李媛媛" alone on its line: the page's editor, not the text.
_EDITOR_LINE = re.compile(r"^\s*(?:责任编辑|責任編輯)\s*[:：]\s*[\u4e00-\u9fff·]{2,8}\s*$")
_SOURCE_LINE = re.compile(r"^\s*(?:" + _DATE + r"\s*(?:" + _TIME + r")?\s*)?(来源|來源)\s*[:：][^。]{0,40}$")
# "记者 禹志强 蔡富根" / "本报记者 王某": a byline of names, not text.
_REPORTER = re.compile(r"^\s*(?:本报|本網|本网)?(?:记者|記者|通讯员|通訊員)(?:\s*[\u4e00-\u9fff·]{2,4}){1,4}\s*$")
_BREADCRUMB = re.compile(r"^\s*[^\s>＞»]{1,15}(?:\s*[>＞»]\s*[^\s>＞»]{1,15})*\s*[>＞»]\s*(?:[^\s>＞»]{1,15})?\s*$")
# A footer starts at one of these short lines and runs to the end of the document.
_FOOTER_START = re.compile(
    r"^\s*(相关新闻|相關新聞|相关阅读|相關閱讀|相关链接|相關鏈接|新闻排行|新聞排行|热点新闻|熱點新聞|"
    r"版权所有|版權所有|版权声明|版權聲明|Copyright|©|监督电话|監督電話|联系我们|聯繫我們|網站地圖|网站地图|"
    r"媒体合作|媒體合作|广告合作|廣告合作|违法和不良信息举报|違法和不良信息舉報)\s*"
    # a value (联系我们：…) or a bar of further links (网站地图 | 页面纠错 | 版权声明)
    r"(?:[:：].*|(?:[|｜]\s*[^|｜]{1,12}\s*)+)?$",
    re.IGNORECASE,
)
_META_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?\**\s*(发布日期|发布机构|原文链接|检索时间|检索关键词|文档类型|文件名称|文件编号|"
    r"成文日期|发文机关|发文字号|【法宝引证码】)\s*\**\s*(?:[:：]|\s)"
)
_META_HEADING = re.compile(r"^\s*#{1,6}\s*(文档\s*[:：]|基本信息\s*$)")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_LINK_ONLY = re.compile(r"^\s*(?:[-*]\s*)?\[[^\]]*\]\([^)]*\)\s*$|^\s*【原文下载】\s*$")


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, start + len(line.rstrip("\r\n")), line.rstrip("\r\n")
        start += len(line)


def _is_boilerplate_line(line: str) -> bool:
    if not line.strip():
        return False
    if _DATE_STAMP.match(line) or _SOURCE_LINE.match(line) or _META_LINE.match(line) or _EDITOR_LINE.match(line):
        return True
    if _META_HEADING.match(line) or _RULE.match(line) or _LINK_ONLY.match(line) or _REPORTER.match(line):
        return True
    if len(_BYLINE_LABEL.findall(line)) >= 2 and len(line.strip()) <= 120:
        return True
    return len(line.strip()) <= 60 and bool(_BREADCRUMB.match(line))


def find_boilerplate(text: str) -> list[Span]:
    """Character ranges of boilerplate lines and of a trailing web footer, in order, not overlapping.

    Args:
        text: a document's original text.

    Returns:
        ``(start, end)`` ranges; ``text[start:end]`` is a whole boilerplate line (without its newline),
        or the footer from its first line to the end of the text.
    """
    spans: list[Span] = []
    footer_at = _footer_start(text)
    for start, end, line in _lines(text):
        if start >= footer_at:
            break
        if _is_boilerplate_line(line):
            spans.append((start, end))
    if footer_at < len(text):
        spans.append((footer_at, len(text)))
    return spans


def _footer_start(text: str) -> int:
    # Only the second half may hold a footer: a 相关新闻 line near the top is navigation, not the end.
    half = len(text) // 2
    for start, _end, line in _lines(text):
        if start >= half and len(line.strip()) <= 40 and _FOOTER_START.match(line):
            return start
    return len(text)


def mask(text: str, spans: list[Span]) -> str:
    """``text`` with every character inside ``spans`` replaced by a space (newlines kept).

    The result has the same length as ``text``, so offsets into it are offsets into the original.
    """
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\r\n":
                chars[i] = " "
    return "".join(chars)


def first_date(text: str) -> str:
    """The first date stamp of a document as ``YYYY-MM-DD`` (from a date or byline line), or ``""``."""
    for _start, _end, line in _lines(text):
        if _DATE_STAMP.match(line) or _SOURCE_LINE.match(line) or len(_BYLINE_LABEL.findall(line)) >= 1:
            m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", line)
            if m:
                return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return ""
