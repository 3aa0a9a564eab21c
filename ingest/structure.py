"""The clause tree of a document from its Chinese numbering: 一、 （一） 1. 1、 （1） ① 第X条 (and 第X章/节).

Numbers count only where they start a line or follow whitespace (so 2021年, 3.5亿, 1+5+N, 一、二、三产业
never do), and only when they continue a sequence: a style already open must go on with the next value,
a new style must start at 1 or continue its own earlier count (plans often number 1.–80. straight
through their sections). Levels follow the order in which the styles nest in *this* document, so a plan
that goes 一、 → 1. and one that goes 一、 → （一） → 1. both come out right. A lone slip such as
``2、 重点工作`` where ``二、`` is due takes the level it continues.

The result is a list of :class:`Block` spans over the text: numbered headings and clauses, the preamble
before the first number, and — in documents without numbering, such as news reports — short heading
lines and the paragraphs under them. :mod:`ingest.segment` cuts blocks into clause-sized parts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from policyqa.ingest.responsibility import is_marker_line

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇两"
_MARKER = re.compile(
    r"(?<![^\s])(?:\*\*|#{1,6}[ \t]*)?(?:"
    rf"(?P<cn_dun>[{_CN}]{{1,4}})、"
    rf"|[（(](?P<cn_paren>[{_CN}]{{1,4}})[)）]"
    r"|(?P<ar_dot>\d{1,3})[.．﹒](?![\d.．﹒])"
    r"|(?P<ar_dun>\d{1,3})、"
    r"|[（(](?P<ar_paren>\d{1,3})[)）]"
    r"|(?P<circled>[①-⑳])"
    rf"|第(?P<chapter>[{_CN}\d]{{1,5}})章"
    rf"|第(?P<section>[{_CN}\d]{{1,5}})节"
    rf"|第(?P<article>[{_CN}\d]{{1,5}})条"
    r")"
)
# The conventional order of Chinese numbering, outermost first: 一、 > （一） > 1. / 1、 > （1） > ①.
_OUTER_FIRST = {"cn_dun": 0, "cn_paren": 1, "ar_dot": 2, "ar_dun": 2, "ar_paren": 3, "circled": 4}
_SLIPS = {"ar_dun": "cn_dun", "cn_dun": "ar_dun", "ar_paren": "cn_paren", "cn_paren": "ar_paren"}
# Fewer accepted numbers than this and the document is read as paragraphs (a news report).
MIN_NUMBERED = 3
_HEADING_LINE_MAX = 40
_SENTENCE_END = "。！？!?；;：:，,、…"


@dataclass(frozen=True, slots=True)
class Marker:
    """One accepted number: where it starts, its style, value and label (as used in ``Clause.numbering``)."""

    start: int
    end: int
    style: str
    value: int
    label: str
    level: int = 0


@dataclass(frozen=True, slots=True)
class Block:
    """A span of the document before it is cut into parts: one numbered item, preamble or paragraph."""

    kind: str                     # clause / heading / paragraph / preamble
    numbering: tuple[str, ...]
    path: tuple[str, ...]
    start: int
    end: int


def cn_to_int(numeral: str) -> int:
    """Value of a Chinese (or Arabic) numeral up to the hundreds: 十一 -> 11, 二十 -> 20, 一百零五 -> 105."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(ch, 0)
    return total + current


def int_to_cn(value: int) -> str:
    """Chinese numeral of 1–999: 11 -> 十一, 20 -> 二十, 105 -> 一百零五."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (digits[ones] if ones else "")


def _numeral(style: str, value: int) -> str:
    if style == "circled":
        return chr(ord("①") + value - 1)
    return int_to_cn(value) if style in ("cn_dun", "cn_paren", "chapter", "section", "article") else str(value)


def _label(style: str, raw: str) -> str:
    # Parentheses are written full width in labels so ids do not depend on the source's half/full width.
    return {"cn_paren": f"（{raw}）", "ar_paren": f"（{raw}）", "chapter": f"第{raw}章",
            "section": f"第{raw}节", "article": f"第{raw}条"}.get(style, raw)


def find_markers(text: str) -> list[Marker]:
    """Every candidate number in ``text`` (after whitespace or at a line start), before sequence checks."""
    found = []
    for m in _MARKER.finditer(text):
        style = m.lastgroup or ""
        raw = m.group(style)
        value = ord(raw) - ord("①") + 1 if style == "circled" else cn_to_int(raw)
        if value > 0:
            found.append(Marker(m.start(), m.end(), style, value, _label(style, raw)))
    return found


def accept_markers(candidates: list[Marker]) -> list[Marker]:
    """The candidates that continue a numbering sequence, each with its nesting level (0 = outermost)."""
    stack: list[tuple[str, int]] = []      # (style, value) of each open level
    last: dict[str, int] = {}              # last value of each style seen, for numbering that runs on
    accepted: list[Marker] = []
    for cand in candidates:
        placed = _place(stack, last, cand)
        if placed is None:
            continue
        level, style = placed
        del stack[level:]
        stack.append((style, cand.value))
        last[style] = cand.value
        label = cand.label if style == cand.style else _label(style, _numeral(style, cand.value))
        accepted.append(Marker(cand.start, cand.end, style, cand.value, label, level))
    return accepted


def _place(stack: list[tuple[str, int]], last: dict[str, int], cand: Marker) -> tuple[int, str] | None:
    styles = [style for style, _ in stack]
    if cand.style in styles:
        level = styles.index(cand.style)
        return (level, cand.style) if cand.value == stack[level][1] + 1 else None
    if cand.value == 1 or (cand.style in last and cand.value == last[cand.style] + 1):
        # A style conventionally outer to the open one (（一） after a 1.…10. list) is not nested inside
        # it: it opens at the level of the first open style it is outer to.
        rank = _OUTER_FIRST.get(cand.style)
        if rank is not None:
            for level, style in enumerate(styles):
                if _OUTER_FIRST.get(style, -1) > rank:
                    return level, cand.style
        return len(stack), cand.style
    if cand.style not in last:
        # A slip of style (2、 for 二、, (2) for (二)): same punctuation, other digits, and the number
        # that level is due next — then it can only be that level.
        for level, (style, value) in enumerate(stack):
            if style == _SLIPS.get(cand.style) and cand.value == value + 1:
                return level, style
    return None


def parse_blocks(text: str) -> list[Block]:
    """Split a document into blocks that together cover all of its non-whitespace text.

    Args:
        text: the document's text with boilerplate already blanked out (same length as the original,
            see :func:`ingest.boilerplate.mask`), so block offsets are offsets into the original.

    Returns:
        Blocks in reading order: numbered documents give a preamble, then one block per number
        (``kind`` heading when deeper numbers follow it, else clause); others give heading lines and
        paragraphs. A numbered document's unnumbered section headings (:func:`section_headings`)
        each open a section whose blocks carry its label (``H1``…) and title first.
    """
    candidates = find_markers(text)
    markers = accept_markers(candidates)
    if len(markers) < MIN_NUMBERED:
        return paragraph_blocks(text, 0, len(text), kind="paragraph")
    sections = section_headings(text, markers, candidates)
    if not sections:
        return _numbered_blocks(text, 0, len(text), markers)

    def numbers(lo: int, hi: int) -> list[Marker]:
        # Each section numbers on its own (a review 一…八, then a plan 一…十).
        return accept_markers([m for m in candidates if lo <= m.start < hi])

    blocks = _numbered_blocks(text, 0, sections[0][0], numbers(0, sections[0][0]))
    for i, (start, end) in enumerate(sections):
        stop = sections[i + 1][0] if i + 1 < len(sections) else len(text)
        label, title = f"H{i + 1}", heading_title(text[start:end])
        blocks.append(Block("heading", (label,), (title,), start, end))
        blocks += _numbered_blocks(text, end, stop, numbers(end, stop), section=(label, title))
    return blocks


def _numbered_blocks(text: str, start: int, end: int, markers: list[Marker],
                     section: tuple[str, str] | None = None) -> list[Block]:
    """Blocks of ``text[start:end]`` numbered by ``markers``: what precedes the first number is the
    preamble, or the section's own paragraphs; a section's label and title lead every numbering and path."""
    first = markers[0].start if markers else end
    if section is None:
        blocks = paragraph_blocks(text, start, first, kind="preamble")
        prefix_no: tuple[str, ...] = ()
        prefix_path: tuple[str, ...] = ()
    else:
        prefix_no, prefix_path = (section[0],), (section[1],)
        blocks = paragraph_blocks(text, start, first, kind="paragraph", under=(prefix_no, prefix_path))
    titles: list[str] = []
    numbering: list[str] = []
    for i, marker in enumerate(markers):
        stop = markers[i + 1].start if i + 1 < len(markers) else end
        has_children = i + 1 < len(markers) and markers[i + 1].level > marker.level
        del titles[marker.level:], numbering[marker.level:]
        own = text[marker.start:stop]
        numbering.append(marker.label)
        if has_children:
            titles.append(heading_title(own))
            blocks.append(Block("heading", (*prefix_no, *numbering), (*prefix_path, *titles), marker.start, stop))
        else:
            blocks.append(Block("clause", (*prefix_no, *numbering), (*prefix_path, *titles, marker.label),
                                marker.start, stop))
            titles.append("")  # placeholder so the next sibling deletes from the right level
    return blocks


# A line of spaced-out characters (政 府 工 作 报 告) is a running title, not a heading.
_SPACED_OUT = re.compile(r"(?:[\u4e00-\u9fff]\s+){3,}[\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A 文号 on its own line (沪府办发〔2025〕17号) is the document's number, not a part of it.
_DOC_NUMBER = re.compile(r"[〔［\[【（(﹝{]\s*(?:19|20)\d{2}\s*[〕］\]】）)﹞}]\s*(?:第\s*)?\d{1,5}\s*号")
# One such line alone may be a label (政策全文, 名词解释); a document divided into parts has several.
MIN_SECTIONS = 2


def section_headings(text: str, markers: list[Marker], candidates: list[Marker]) -> list[tuple[int, int]]:
    """Unnumbered headings that divide a numbered document into sections: ``(start, end)`` of each line.

    Work reports often write their parts as bare lines (``2023年工作回顾`` … ``2024年工作安排`` …
    ``加强政府自身建设``) and number only inside them; read as preamble, a whole review would be no one's
    clause, and the plan's sections would not say which year they are about. A section heading is a
    heading-like line (:func:`_is_heading_line`) that stands alone between paragraphs — the content lines
    before and after it are not heading-like, so a title block at the top never counts — opens with no
    number, holds Chinese text and is no ``label：value`` line or 文号. It must not cut into the
    numbering: it comes before the first number, or the next number is a 1 and the next of the
    document's outermost style restarts it at 1, or no number follows it. Fewer than ``MIN_SECTIONS``
    such lines divide nothing. ``markers`` are the accepted numbers, ``candidates`` every one
    ``find_markers`` found, in order.
    """
    lines = _content_lines(text, 0, len(text))
    starts = [m.start for m in candidates]
    outer = markers[0].style if markers else ""
    out: list[tuple[int, int]] = []
    for i in range(1, len(lines) - 1):
        start, end = lines[i]
        line = text[start:end]
        if not _is_heading_line(line) or _is_heading_line(text[slice(*lines[i - 1])]) \
                or _is_heading_line(text[slice(*lines[i + 1])]):
            continue
        if len(_CJK.findall(line)) < 2 or _SPACED_OUT.search(line) or _DOC_NUMBER.search(line) \
                or any(mark in line for mark in "|｜:：") or is_marker_line(line):
            continue
        at = bisect_left(starts, start)
        if at < len(starts) and starts[at] < end:
            continue  # the line opens with a number
        if markers and start > markers[0].start and at < len(candidates):
            # The outermost numbering restarts after it, maybe after a list of its own (a plan's
            # 1.…10. key projects before its （一）…).
            nxt = next((m for m in candidates[at:] if m.style == outer), None)
            if not (nxt is not None and nxt.value == 1 and candidates[at].value == 1):
                continue
        out.append((start, end))
    return out if len(out) >= MIN_SECTIONS else []


def heading_title(text: str) -> str:
    """What a reader calls a heading: its first line up to the first full stop, without markdown."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = re.split(r"[。！？!?]", first, maxsplit=1)[0]
    first = first.replace("**", "").lstrip("# ").strip()
    return first[:80]


def paragraph_blocks(text: str, start: int, end: int, *, kind: str,
                     under: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> list[Block]:
    """Blocks for un-numbered text: short lines are headings, other lines paragraphs under them.

    In a preamble (``kind="preamble"``) every line stays preamble: its title lines are not headings of
    the numbered clauses that follow. ``under``: the numbering and path of the section the text opens.
    """
    blocks: list[Block] = []
    section_no, section_path = under
    heading: tuple[str, ...] = section_path
    heading_no: tuple[str, ...] = section_no
    n_heading = n_para = 0
    for line_start, line_end in _content_lines(text, start, end):
        line = text[line_start:line_end]
        if kind == "paragraph" and blocks and blocks[-1].kind == "paragraph" and is_marker_line(line):
            # （责任单位：…） on a line of its own belongs to the task above it, not a heading of what follows.
            blocks[-1] = replace(blocks[-1], end=line_end)
            continue
        if kind == "paragraph" and _is_heading_line(line):
            n_heading += 1
            heading, heading_no = (*section_path, heading_title(line)), (*section_no, f"H{n_heading}")
            blocks.append(Block("heading", heading_no, heading, line_start, line_end))
            continue
        if kind == "preamble":
            blocks.append(Block("preamble", (), (), line_start, line_end))
            continue
        n_para += 1
        label = f"P{n_para}"
        blocks.append(Block("paragraph", (*heading_no, label), (*heading, label), line_start, line_end))
    return blocks


def _content_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        stripped = text[s:e]
        if stripped.strip():
            s += len(stripped) - len(stripped.lstrip())
            e -= len(stripped) - len(stripped.rstrip())
            spans.append((s, e))
    return spans


def _is_heading_line(line: str) -> bool:
    clean = line.strip().replace("**", "").lstrip("# ").strip()
    return 0 < len(clean) <= _HEADING_LINE_MAX and clean[-1] not in _SENTENCE_END
