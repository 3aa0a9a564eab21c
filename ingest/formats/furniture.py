"""PDF page furniture: what is printed on the page but is not the document's text.

- page numbers (``— 3 —``, ``- 3 -``, ``第 3 页 共 9 页``, a bare ``3``) at the top or bottom of a page;
- running headers and footers: lines at the top or bottom that repeat on most pages (digits ignored);
- the 红头 of an official document (``宿州市人民政府文件``, the 文号 ``宿政〔2022〕5号``, ``签发人``) on page 1;
- the 版记 at the end (``抄送：…``, ``…办公室 2022年5月8日印发``, ``公开方式``).
The 红头 names the issuer and the 印发 line the date: both are returned as metadata.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_PAGE_NO = re.compile(r"^[\s\-—–－~·•]*(?:第\s*)?[\d一二三四五六七八九十]{1,4}(?:\s*页)?(?:\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?"
                      r"[\s\-—–－~·•]*$|^(?:page\s*)?\d+\s*(?:/|of)\s*\d+$", re.I)
_RED_HEAD = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}文件$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
_SIGNER = re.compile(r"^签发人[:：]")
_COLOPHON = re.compile(r"^(抄送|抄报|公开方式|信息公开选项|主题词)[:：]")
_PRINT_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发$")
_EDGE = 2              # lines at the top and at the bottom of a page where headers and footers stand
_HEAD_LINES = 8        # lines of page 1 where a 红头 can stand
_MIN_REPEAT = 0.5      # share of pages a header must repeat on
_TITLE_MIN = 6         # characters a title-like running header has at least
_HEADER_MAX = 40


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Which lines of each page are furniture (their indexes), and the metadata they gave."""

    drop: tuple[frozenset[int], ...]
    issuer: str = ""
    date: str = ""


def find_furniture(pages: Sequence[Sequence[str]]) -> Cleaned:
    """Indexes of the furniture lines of each page.

    Args:
        pages: the text lines of each page, top to bottom (tables left out).

    Returns:
        ``Cleaned(drop, issuer, date)``: ``drop[i]`` holds the indexes of page ``i``'s furniture lines.
    """
    drop = [set(_page_numbers(lines)) for lines in pages]
    for i, found in enumerate(_running(pages)):
        drop[i].update(found)
    for i, found in enumerate(_title_headers(pages), start=1):
        drop[i].update(found)
    issuer = ""
    if pages:
        head, issuer = _red_head(pages[0], drop[0])
        drop[0].update(head)
    date = ""
    if pages:
        tail, date = _colophon(pages[-1], drop[-1])
        drop[-1].update(tail)
    return Cleaned(tuple(frozenset(d) for d in drop), issuer, date)


def _edges(lines: Sequence[str]) -> list[int]:
    n = len(lines)
    return sorted(set(range(min(_EDGE, n))) | set(range(max(0, n - _EDGE), n)))


def _page_numbers(lines: Sequence[str]) -> list[int]:
    return [i for i in _edges(lines) if _PAGE_NO.match(lines[i].strip())]


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _running(pages: Sequence[Sequence[str]]) -> list[list[int]]:
    """Edge lines whose text (digits aside) stands at the edge of at least half the pages, two or more."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _edges(lines)})
    needed = max(2, int(len(pages) * _MIN_REPEAT + 0.999))
    repeated = {key for key, n in counts.items() if n >= needed and key}
    return [[i for i in _edges(lines) if _key(lines[i]) in repeated] for lines in pages]


def _title_headers(pages: Sequence[Sequence[str]]) -> list[list[int]]:
    """Top lines of later pages that repeat the start of a title line of page 1: a running header
    that repetition alone cannot show in a document of two or three pages."""
    if not pages:
        return []
    titles = [_key(line) for line in pages[0][:_HEAD_LINES] if len(_key(line)) >= _TITLE_MIN]
    found = []
    for lines in pages[1:]:
        found.append([i for i in range(min(_EDGE, len(lines)))
                      if _TITLE_MIN <= len(_key(lines[i])) <= _HEADER_MAX and lines[i].strip()[-1] not in "。；;"
                      and any(title.startswith(_key(lines[i])) for title in titles)])
    return found


def _red_head(lines: Sequence[str], dropped: set[int]) -> tuple[list[int], str]:
    found, issuer = [], ""
    for i, line in enumerate(lines[:_HEAD_LINES]):
        clean = re.sub(r"\s+", "", line)
        if _RED_HEAD.match(clean):
            found.append(i)
            issuer = issuer or clean[:-2]
        elif _DOC_NUMBER.match(clean) or _SIGNER.match(clean):
            found.append(i)
    return found, issuer


def _colophon(lines: Sequence[str], dropped: set[int]) -> tuple[list[int], str]:
    for i, line in enumerate(lines):
        clean = re.sub(r"\s+", "", line)
        if i not in dropped and (_COLOPHON.search(clean) or _PRINT_DATE.search(clean)):
            tail = list(range(i, len(lines)))
            date = ""
            for j in tail:
                m = _PRINT_DATE.search(re.sub(r"\s+", "", lines[j]))
                if m:
                    date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            return tail, date
    return [], ""
