"""The answer that fills a which-question's slot: the words a sentence has where the question has 谁 / 哪里 /
哪个X.

A work report hands its tasks to places, firms, universities and projects in running text with no marker and
often no duty verb: "支持某县争创森林城市", "由商会牵头起草". A question about such a task keeps
the sentence's words around the thing it asks for — "支持哪个县争创森林城市？" — so the answer is read by laying
the question over the sentence: the words after the interrogative (its right context) are found in the
sentence, and what stands before them, back to the question's left context or to the start of the phrase, is
the answer. Nothing here knows a task, a place or a firm: only the question's and the sentence's own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from policyqa.ingest.normalize import to_search_form
from policyqa.qa.question.intent import asked_kind, is_place_kind, of_kind

# The interrogative of a which-question (谁 / 哪里 / 哪个 / 哪几家 / 哪所 …), its kind (哪所高校 → 高校) read after it.
_WH = re.compile(r"谁|哪里|哪儿|何处|何地|哪[一两二三四五几]?[个家所位些级片类种座块支名]?")
# What may stand between the interrogative and the words of the task without being in the sentence (鼓励谁来
# 建设 → 鼓励X建设), and what ends a question.
_FILLERS = re.compile(r"^(?:来|去|要|将|会|能|可以|可|才能|来负责)")
_QUESTION_END = re.compile(r"[？?。！!\s]*(?:呢|吗|啊)?[？?。！!\s]*$")
# What opens a phrase: the answer never runs back across it.
_PHRASE_BREAK = re.compile(r"[，,。；;：:！？!?（）()\s\u3000]")
# jieba tags a name never opens with (支持 / 推动 / 加快: the sentence's own verb before the answer).
_NOT_OPENING = frozenset({"v", "vd", "d", "ad", "p", "c", "u", "r", "f"})
# The closing words of a list that are not names (某县等地 / 甲公司、乙公司等骨干企业).
_LIST_TAIL = re.compile(r"等(?:地|地区|地方|城市|市县|县市)?$")
_QUOTES = "“”‘’\"'「」『』《》"
_MAX_ANSWER = 30
# Characters of the question that must be found around a fill: a right context of 负责 alone says nothing.
_MIN_STRENGTH = 4
# Kinds that ask only "where" (哪个地区 / 哪片区域): any name answers, not one holding the word.
_GENERIC_KIND = re.compile(r"部门|单位|机构|机关")
_WHERE_KINDS = frozenset({"地方", "地区", "区域", "地"})


@dataclass(frozen=True, slots=True)
class Slot:
    """A which-question laid out around its interrogative: ``left`` and ``right`` are its words before and
    after it (search form), ``kind`` what it asks for (哪家集团 → 集团; '' for 谁 / 哪里)."""

    left: str
    right: str
    kind: str


@dataclass(frozen=True, slots=True)
class Filled:
    """The words of ``sentence`` that fill the slot: ``names`` (a list split on 、), with the number of the
    question's characters matched around them (``strength``)."""

    names: tuple[str, ...]
    sentence: str
    strength: int


def question_slot(query: str) -> Slot | None:
    """The slot of a Chinese which-question, or ``None`` where it has no interrogative or nothing after it
    and little before it to find it by."""
    text = _QUESTION_END.sub("", to_search_form(query))
    m = _WH.search(text)
    if m is None:
        return None
    kind = asked_kind(text) if m.group(0).startswith("哪") and m.group(0) not in ("哪里", "哪儿") else ""
    end = m.end()
    generic = _GENERIC_KIND.match(text, end)
    if generic and not kind:
        kind = generic.group(0)  # 哪个单位审定: the sentence's name ends with it (某某主管单位审定)
    if kind and text.startswith(kind, end):
        end += len(kind)
    elif kind:
        kind = ""
    if kind in _WHERE_KINDS:
        kind = ""
    right = _FILLERS.sub("", text[end:])
    left = text[: m.start()]
    if left.endswith(("的是", "是", "为")):
        return None  # 牵头验收这项工程的部门是哪个: a cleft puts the task before the slot, in no sentence's order
    if len(right) < 2 and len(left) < 2:
        return None
    return Slot(left, right, kind)


def fill(slot: Slot, sentence: str) -> Filled | None:
    """The words of one sentence standing where the slot stands, or ``None``."""
    text = to_search_form(sentence)
    best: Filled | None = None
    for end, matched_right in _right_anchors(slot.right, text):
        start, matched_left = _left_anchor(slot.left, text, end)
        names = _names(text[start:end], slot.kind)
        if not names:
            continue
        # The right context must be found — most of it, or all of a short one — or, with nothing after the
        # slot (壮大哪家集团), the left one close before the answer.
        if slot.right and matched_right < min(len(slot.right), max(3, len(slot.right) // 2)):
            continue
        if not slot.right and matched_left < 2:
            continue
        strength = matched_left + matched_right
        if slot.right and strength < _MIN_STRENGTH:
            continue  # 由谁负责 against "A负责…": two characters place no answer
        if best is None or strength > best.strength:
            best = Filled(names, sentence, strength)
    return best


def best_fill(slot: Slot, sentences: Iterable[str]) -> Filled | None:
    """The strongest fill among ``sentences`` (the first of equals: they come best-ranked first)."""
    best: Filled | None = None
    for s in sentences:
        found = fill(slot, s)
        if found and (best is None or found.strength > best.strength):
            best = found
    return best


def _right_anchors(right: str, text: str) -> list[tuple[int, int]]:
    """Where the question's right context starts in ``text``, with how many of its characters follow there in
    order (a character of the question the sentence lacks is skipped: 建设成 / 建设)."""
    if len(right) < 2:
        # Nothing after the slot (壮大哪家集团): the answer runs to the end of the phrase.
        return [(m.start(), 0) for m in _PHRASE_BREAK.finditer(text + "。")]
    anchors = []
    head = right[:2]
    at = text.find(head)
    while at >= 0:
        anchors.append((at, _matched(right, text[at: at + len(right) + 4])))
        at = text.find(head, at + 1)
    return anchors


def _matched(right: str, window: str) -> int:
    """How many characters of ``right`` occur in ``window`` in order (a subsequence, greedily)."""
    count, pos = 0, 0
    for ch in right:
        found = window.find(ch, pos)
        if found < 0:
            continue
        count, pos = count + 1, found + 1
    return count


def _left_anchor(left: str, text: str, end: int) -> tuple[int, int]:
    """Where the answer starts before ``end``: after the longest end of the question's left context found
    close before it, else after the phrase's start and its opening verb. Returns (start, characters matched)."""
    phrase_start = max((m.end() for m in _PHRASE_BREAK.finditer(text, 0, end)), default=0)
    for k in range(min(len(left), 8), 0, -1):
        at = text.rfind(left[-k:], phrase_start, end)
        if at >= 0 and 2 <= end - (at + k) <= _MAX_ANSWER:
            return at + k, k
    return _after_opening_verb(text, phrase_start, end), 0


def _after_opening_verb(text: str, start: int, end: int) -> int:
    from jieba import posseg

    pos = start
    for token in posseg.cut(text[start:end]):
        if token.flag not in _NOT_OPENING and not token.flag.startswith("v"):
            break
        pos += len(token.word)
    return pos


def _names(span: str, kind: str) -> tuple[str, ...]:
    """The names a span holds: quotes stripped, a list's 等 / 等地 / 等+kind dropped, split on 、."""
    span = span.strip(_QUOTES + " ")
    of_the_kind = bool(kind) and span.endswith(kind)  # 甲公司、乙集团等骨干企业: the list says its kind
    if of_the_kind and not is_place_kind(kind) and span[: -len(kind)].endswith("等"):
        span = span[: -len(kind)]
    span = _LIST_TAIL.sub("", span).strip(_QUOTES + " ")
    if not 2 <= len(span) <= _MAX_ANSWER or _PHRASE_BREAK.search(span) or re.search(r"\d", span):
        return ()
    names = tuple(n.strip(_QUOTES) for n in span.split("、") if n.strip(_QUOTES))
    if not names or any(len(n) < 2 or n.endswith("的") for n in names) or not _opens_as_name(names[0]):
        return ()
    if kind and not of_the_kind and not any(of_kind(n, kind) for n in names):
        return ()
    return names


def _opens_as_name(name: str) -> bool:
    from jieba import posseg

    first = next(iter(posseg.cut(name)), None)
    return first is not None and first.flag not in _NOT_OPENING and not first.flag.startswith("v")
