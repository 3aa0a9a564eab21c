"""Follow-up questions: an elliptical question resolved against the previous turn of a conversation.

"那配合单位呢" after "宿州市冷链物流项目由哪个部门牵头？" means *the cooperating units of that clause*;
"那宿迁呢" means the same question about 宿迁; "它的完成时限是什么时候" means the time limit of that
topic. ``resolve`` decides whether a question leans on the previous turn — from its form only: it is
short and opens with a deictic word (那/它/这/其/该/此), or it has no topic of its own once question
words, role words and places are taken away — and says what it understood, which the answer shows
("理解为：冷链物流项目的配合单位").

Three kinds:
- ``role``: asks for 牵头/配合 units and nothing else → answered from the previous answer's clauses;
- ``place``: names a place and nothing else → the previous question about that place;
- ``topic``: opens with a deictic word and asks something of its own → that, about the previous topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from policyqa.ingest.normalize import to_search_form
from policyqa.qa.question.intent import content_text

# Deictic openers: 那/那么 (then), 它/它们/其/该/此/这/这个 (it, this). Longest first.
_DEICTIC = re.compile(r"^(?:那么|那这个|那这项|那|它们的|它们|它的|它|其|该项|该|此项|此|这个|这项|这)")
_COOPERATING = re.compile(r"配合|协助|协同|参与|按职责分工负责")
_LEAD = re.compile(r"牵头|主责|责任单位|负责单位|负责部门|谁负责|谁来负责|由谁")
_ROLE_WORDS = re.compile(r"配合|协助|协同|参与|按职责分工负责|牵头|主责|负责|责任|单位|部门|机构|有哪些|还有|分别|都|有|呢|吗|谁")
_TRAILING = re.compile(r"[\s?？。!！,，、]+$")
MAX_ELLIPTICAL_CHARS = 20  # longer questions carry their own topic


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange: the question as typed and, when known, its answer."""

    question: str
    answer: Any = None  # qa.answer.Answer; None when a client passes only the text of its history


@dataclass(frozen=True, slots=True)
class ResolvedQuestion:
    """What a question means in its conversation. ``kind`` is '' for a question that stands alone."""

    original: str
    question: str            # the standalone question to answer
    kind: str = ""           # role / place / topic
    role: str = ""           # role: lead or cooperating
    topic: str = ""          # the previous turn's topic (冷链物流项目)
    understood: str = ""     # shown to the user: 冷链物流项目的配合单位

    @property
    def elliptical(self) -> bool:
        return bool(self.kind)


def topic_of(question: str, places: tuple[str, ...] = ()) -> str:
    """A question's topic: its words minus question words, role words and places (冷链物流项目)."""
    words = content_text(to_search_form(question), drop=places).split()
    # Chinese words run together again; English ones keep their spaces.
    return "".join(words) if all(re.search(r"[\u4e00-\u9fff]", w) for w in words) else " ".join(words)


def resolve(question: str, previous: Turn | None, *,
            find_places: Callable[[str], tuple[str, ...]] = lambda _q: ()) -> ResolvedQuestion:
    """Resolve ``question`` against the ``previous`` turn.

    Args:
        question: the new question, as typed.
        previous: the last turn (its resolved question), or None at the start of a conversation.
        find_places: the place names a question (search form) mentions, e.g. the corpus gazetteer's.

    Returns:
        The standalone question and what was understood; ``kind == ''`` when nothing was resolved.
    """
    standalone = ResolvedQuestion(question, question)
    text = _TRAILING.sub("", to_search_form(question))
    if previous is None or not text or len(text) > MAX_ELLIPTICAL_CHARS:
        return standalone
    deictic = _DEICTIC.match(text)
    rest = text[deictic.end():] if deictic else text
    places = find_places(rest)
    own = _ROLE_WORDS.sub("", content_text(rest, drop=places))
    prev_places = find_places(to_search_form(previous.question))
    topic = topic_of(previous.question, prev_places)
    if not topic or (own and not deictic):
        return standalone
    role = "cooperating" if _COOPERATING.search(rest) else ("lead" if _LEAD.search(rest) else "")
    words = "配合单位" if role == "cooperating" else "牵头单位"
    if places and not own:
        if role:  # 那宿迁的配合单位呢: the new place and the role asked
            about = "、".join(places) + topic
            return ResolvedQuestion(question, f"{about}的{words}是哪些？", "place", role, topic, f"{about}的{words}")
        return _about_place(question, previous.question, topic, prev_places, places)
    if role and not own:
        about = "".join(dict.fromkeys(prev_places)) + topic  # the place stays: 宿迁 … → 那配合单位呢
        return ResolvedQuestion(question, f"{about}的{words}是哪些？", "role", role, topic, f"{about}的{words}")
    if deictic and own:
        asked = rest.removeprefix("的")
        return ResolvedQuestion(question, f"{topic}的{asked}？", "topic", "", topic, f"{topic}的{asked}")
    return standalone


def _about_place(question: str, previous: str, topic: str, prev_places: tuple[str, ...],
                 places: tuple[str, ...]) -> ResolvedQuestion:
    base = to_search_form(previous)
    new = "、".join(places)
    if prev_places:
        for old in sorted(prev_places, key=len, reverse=True):
            base = base.replace(old, "\0")
        base = re.sub("\0+", new, base, count=1).replace("\0", "")
    else:
        base = new + base
    return ResolvedQuestion(question, base, "place", "", topic, _TRAILING.sub("", base))


def role_answer_text(resolved: ResolvedQuestion, clauses: list[Any]) -> tuple[str, tuple[str, ...]]:
    """The units of ``resolved.role`` in the previous answer's clauses, in the documents' own words.

    Returns:
        The answer sentence and the units (empty when no clause names any).
    """
    units: list[str] = []
    for clause in clauses:
        units += [u for u in (clause.cooperating if resolved.role == "cooperating" else clause.leads)
                  if u not in units]
    words = "配合单位" if resolved.role == "cooperating" else "牵头单位"
    if not units:
        return f"所引条款未写明{words}。", ()
    return f"{words}：{'、'.join(units)}。", tuple(units)


def last_turn(history: list[Turn], find_places: Callable[[str], tuple[str, ...]]) -> Turn | None:
    """The last turn with its question made standalone, keeping its answer.

    Earlier questions may be follow-ups themselves (宿州冷链物流由谁牵头 → 那宿迁呢 → 那配合单位呢),
    so each is resolved against the one before, as it was when it was asked.
    """
    previous: Turn | None = None
    for turn in history:
        previous = Turn(resolve(turn.question, previous, find_places=find_places).question, turn.answer)
    return previous


def ask_in_context(engine: Any, question: str, history: list[Turn], *, llm: bool = False) -> Any:
    """Answer ``question`` as the next turn after ``history`` (``QAEngine.ask(..., history=…)``).

    A role follow-up is answered from the clauses the previous answer cited (recomputed from its
    question when the client passed only text); any other follow-up asks its standalone question.
    Every resolved answer opens with what was understood, and ``answer.question`` stays as typed.
    """
    from dataclasses import replace

    def find_places(q: str) -> tuple[str, ...]:
        return engine.corpus.gazetteer.find(q).spans

    previous = last_turn(history, find_places)
    resolved = resolve(question, previous, find_places=find_places)
    if not resolved.elliptical:
        return engine.ask(question, llm=llm)
    prefix = f"理解为：{resolved.understood}。\n"
    if resolved.kind == "role":
        earlier = previous.answer if previous.answer is not None else engine.ask(previous.question)
        cited = list(earlier.citations) if not earlier.abstained else []
        if cited:
            return _role_answer(resolved, cited, prefix)
    answer = engine.ask(resolved.question, llm=llm)
    return replace(answer, question=question, text=prefix + answer.text,
                   flags=(*answer.flags, f"followup:{resolved.kind}"))


def _role_answer(resolved: ResolvedQuestion, cited: list[Any], prefix: str) -> Any:
    from policyqa.qa.answer import Answer, Citation
    from policyqa.qa.answerers.citations import reference

    # The first citation is the clause the previous answer rests on; the others only support it.
    clause = cited[0].clause
    text, units = role_answer_text(resolved, [clause])
    where = f"据{reference(clause)}，"
    leads, cooperating = (clause.leads, units) if resolved.role == "cooperating" else (units, clause.cooperating)
    return Answer(question=resolved.original, text=prefix + where + text, intent="responsibility",
                  leads=tuple(leads), cooperating=tuple(cooperating), citations=(Citation(1, clause, cited[0].score),),
                  flags=("followup:role",))
