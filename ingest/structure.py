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
from dataclasses import dataclass

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
        paragraphs.
    """
    markers = accept_markers(find_markers(text))
    if len(markers) < MIN_NUMBERED:
        return paragraph_blocks(text, 0, len(text), kind="paragraph")
    blocks = paragraph_blocks(text, 0, markers[0].start, kind="preamble")
    titles: list[str] = []
    numbering: list[str] = []
    for i, marker in enumerate(markers):
        end = markers[i + 1].start if i + 1 < len(markers) else len(text)
        has_children = i + 1 < len(markers) and markers[i + 1].level > marker.level
        del titles[marker.level:], numbering[marker.level:]
        own = text[marker.start:end]
        numbering.append(marker.label)
        if has_children:
            titles.append(heading_title(own))
            blocks.append(Block("heading", tuple(numbering), tuple(titles), marker.start, end))
        else:
            blocks.append(Block("clause", tuple(numbering), (*titles, marker.label), marker.start, end))
            titles.append("")  # placeholder so the next sibling deletes from the right level
    return blocks


def heading_title(text: str) -> str:
    """What a reader calls a heading: its first line up to the first full stop, without markdown."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    first = re.split(r"[。！？!?]", first, maxsplit=1)[0]
    first = first.replace("**", "").lstrip("# ").strip()
    return first[:80]


def paragraph_blocks(text: str, start: int, end: int, *, kind: str) -> list[Block]:
    """Blocks for un-numbered text: short lines are headings, other lines paragraphs under them.

    In a preamble (``kind="preamble"``) every line stays preamble: its title lines are not headings of
    the numbered clauses that follow.
    """
    blocks: list[Block] = []
    heading: tuple[str, ...] = ()
    heading_no: tuple[str, ...] = ()
    n_heading = n_para = 0
    for line_start, line_end in _content_lines(text, start, end):
        line = text[line_start:line_end]
        if kind == "paragraph" and _is_heading_line(line):
            n_heading += 1
            heading, heading_no = (heading_title(line),), (f"H{n_heading}",)
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
