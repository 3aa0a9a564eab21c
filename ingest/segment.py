"""Cut structure blocks into clause-sized parts, at line and sentence boundaries, keeping offsets exact.

A numbered clause's lines stay together, except that a line closing with its own responsibility
parenthetical (``…。（责任单位：市科委）``) closes a group: Shanghai-style plans list several tasks, each
with its own units, under one （一）. Groups longer than the limit are cut at sentence ends
(。！？!?；;), never inside a parenthetical, and a parenthetical right after a full stop stays with the
sentence before it. Paragraph and preamble text is grouped per line into pieces of about
``paragraph_chars``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from policyqa.ingest.responsibility import is_sentence_final, parenthetical_spans, parse_parenthetical
from policyqa.ingest.structure import Block

Span = tuple[int, int]
_STOPS = "。！？!?；;"
_NON_SPACE = re.compile(r"\S")
_CLOSERS = "”’」』\"'"


@dataclass(frozen=True, slots=True)
class Piece:
    """One future Clause: a block's kind/numbering/path, its part number and exact span.

    ``scope`` is the span whose parentheticals decide the piece's responsibility (its line group).
    """

    kind: str
    numbering: tuple[str, ...]
    path: tuple[str, ...]
    start: int
    end: int
    part: int
    scope: Span


def split_blocks(original: str, masked: str, blocks: list[Block], *, max_chars: int,
                 paragraph_chars: int) -> list[Piece]:
    """Parts of every block, in order; preamble blocks are numbered as one clause with parts 0, 1, 2…

    Args:
        original: the document's original text.
        masked: the same text with boilerplate blanked (offsets equal to ``original``'s).
        blocks: from :func:`ingest.structure.parse_blocks` on ``masked``.
        max_chars: numbered clauses longer than this are cut at sentence ends.
        paragraph_chars: paragraph and preamble lines are cut into sentence groups of about this size.

    Returns:
        Pieces whose spans cover every non-whitespace character of ``masked`` inside the blocks.
    """
    pieces: list[Piece] = []
    preamble_parts = 0
    for block in blocks:
        limit = max_chars if block.kind in ("clause", "heading") else paragraph_chars
        groups = _groups(original, masked, block)
        part = preamble_parts if block.kind == "preamble" else 0
        for group in groups:
            for start, end in sentence_chunks(original, group, limit):
                pieces.append(Piece(block.kind, block.numbering, block.path, start, end, part, group))
                part += 1
        if block.kind == "preamble":
            preamble_parts = part
    return pieces


def _groups(original: str, masked: str, block: Block) -> list[Span]:
    """Line runs of a block, cut after each responsibility parenthetical that more text follows
    (each task keeps its own units) and wherever boilerplate interrupts the block.

    Cuts are found by bisection and text is tested with ``_NON_SPACE.search(text, pos, end)``
    rather than slices: a 10 MB line with thousands of parentheticals stays linear.
    """
    cuts = sorted(set(_responsibility_ends(original, block.start, block.end)))
    groups: list[Span] = []
    current: Span | None = None
    for start, end in _lines(masked, block.start, block.end):
        if current and _boilerplate_between(original, masked, current[1], start):
            groups.append(current)
            current = None
        for cut in cuts[bisect.bisect_right(cuts, start):bisect.bisect_left(cuts, end)]:
            if _NON_SPACE.search(original, cut, end):
                groups.append(_strip(original, current[0] if current else start, cut))
                current, start = None, cut
        current = (current[0], end) if current else _strip(original, start, end)
        if _cut_at_line_end(cuts, original, start, end):
            groups.append(current)
            current = None
    if current:
        groups.append(current)
    return [g for g in groups if g[0] < g[1]]


def _responsibility_ends(text: str, start: int, end: int) -> list[int]:
    ends = []
    for s, e in parenthetical_spans(text[start:end]):
        s, e = s + start, e + start
        inner = "".join(text[s + 1:e - 1].split())
        if parse_parenthetical(inner, trailing=is_sentence_final(text, s, e, limit=end)):
            while e < end and text[e] in _STOPS:
                e += 1
            ends.append(e)
    return ends


def _cut_at_line_end(cuts: list[int], text: str, start: int, end: int) -> bool:
    """Whether a cut in ``(start, end]`` leaves only whitespace up to ``end`` (the last one decides:
    what follows an earlier cut includes what follows the last)."""
    i = bisect.bisect_right(cuts, end) - 1
    return i >= 0 and cuts[i] > start and not _NON_SPACE.search(text, cuts[i], end)


def _lines(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = _strip(text, pos, stop)
        if s < e:
            spans.append((s, e))
        pos = stop + 1
    return spans


def _boilerplate_between(original: str, masked: str, start: int, end: int) -> bool:
    return masked[start:end].strip() == "" and original[start:end].strip() != ""


def sentence_chunks(text: str, span: Span, limit: int) -> list[Span]:
    """Cut ``text[span]`` at sentence ends into chunks of at most ``limit`` characters where possible.

    A single sentence longer than ``limit`` stays whole: cutting inside a sentence would make a part
    nobody can read. Chunks are stripped of surrounding whitespace.
    """
    start, end = span
    if end - start <= limit:
        return [span]
    chunks: list[Span] = []
    chunk_start = start
    last_cut = start
    for cut in _sentence_ends(text, start, end):
        if cut - chunk_start > limit and last_cut > chunk_start:
            chunks.append(_strip(text, chunk_start, last_cut))
            chunk_start = last_cut
        last_cut = cut
    if end - chunk_start > limit and chunk_start < last_cut < end:
        chunks.append(_strip(text, chunk_start, last_cut))
        chunk_start = last_cut
    chunks.append(_strip(text, chunk_start, end))
    return [c for c in chunks if c[0] < c[1]]


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    inside = [(s + start, e + start) for s, e in parenthetical_spans(text[start:end])]
    ends: list[int] = []
    i = start
    while i < end:
        if text[i] in _STOPS and not any(s < i < e for s, e in inside):
            j = i + 1
            while j < end and (text[j] in _STOPS or text[j] in _CLOSERS):
                j += 1
            j = _absorb_parenthetical(text, j, end, inside)
            ends.append(j)
            i = j
        else:
            i += 1
    return ends


def _absorb_parenthetical(text: str, pos: int, end: int, inside: list[Span]) -> int:
    # "…建设。（责任单位：…）" — the parenthetical belongs to the sentence it follows.
    probe = pos
    while probe < end and text[probe] in " \u3000":
        probe += 1
    for s, e in inside:
        if s == probe:
            while e < end and text[e] in _STOPS:
                e += 1
            return e
    return pos


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
