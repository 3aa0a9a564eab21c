"""Which duty a who-question asks about: the units of the sentence, among the retrieved clauses, that
describes the task asked.

A regulation's article often gives several units several duties in its sentences (数据提供部门负责…。
数据使用部门负责…。); the clause's own units are all of them. A question about one duty is answered by the
duty span (``ingest.duty_spans``) closest to it — by dense cosine and lexical coverage of the question's
content together — and only that span's units are the answer. A clause whose units come from a marker
（牵头单位：…） or from its heading names them for the whole clause: those stay.

Spans are read here, at question time, in every document type: a work report's "市发改委作为牵头部门…" or a
transcript's "市委金融办牵头召开…" answers a question about that task, though the ledger does not list such
narrative sentences as the unit's tasks (``ingest.duty_spans.assigns_duties``). The unit a matter goes to
(向海关申报 / 报A批准) is read too, for a sentence that gives no unit a duty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import functools
import re
from typing import Protocol

import numpy as np

from policyqa.ingest.duty_spans import DutySpan, duty_spans
from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import extract_responsibility
from policyqa.model import Clause
from policyqa.qa.question.intent import asked_predicate, is_place_kind
from policyqa.qa.question.language import concepts
from policyqa.qa.question.support import concept_coverage


class _Scorer(Protocol):
    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray: ...


class _Coverage(Protocol):
    def coverage(self, content: str, text: str) -> float: ...


class _Ranked(Protocol):
    clause: Clause
    support: float


@dataclass(frozen=True, slots=True)
class ChosenDuty:
    """The units that answer the question, and the text that names them (a span, or the whole clause)."""

    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    responsible: tuple[str, ...]
    text: str


def whole_clause(clause: Clause) -> ChosenDuty:
    return ChosenDuty(clause.leads, clause.cooperating, clause.responsible, clause.text)


# How much the clause's retrieval support counts beside its span's own evidence (as for fact sentences).
_SUPPORT_WEIGHT = 0.3
# The words around the question's 哪个部门 (申报查验, 批准设立) say which of several matters is asked.
_MATTER_WEIGHT = 0.5
# Clauses naming units, best supported first, whose spans compete for the answer.
_CLAUSES = 5


def _without_units(search: str, duty: ChosenDuty) -> str:
    """A duty's text with the names of its own units taken out (longest first)."""
    for name in sorted({to_search_form(u) for u in duty.leads + duty.cooperating + duty.responsible}, key=len,
                       reverse=True):
        if len(name) >= 2:
            search = search.replace(name, " ")
    return search


def duty_options(clause: Clause, *, short_places: bool = False) -> list[ChosenDuty]:
    """The ways ``clause`` can answer a who-question: its marked or declared units for the whole clause,
    else one option per duty span its sentences give (read now, whatever the document's type).
    ``short_places``: the question asks which county or district, so 孝昌 (孝昌县) may be a subject."""
    marked, spans = _read(clause.text, short_places)
    if marked:
        return [whole_clause(clause)]
    if spans:
        return [ChosenDuty(s.duty.leads, tuple(u for u in s.duty.cooperating if u not in s.duty.leads),
                           s.duty.responsible, s.text) for s in spans]
    return [whole_clause(clause)] if clause.has_responsibility else []


def has_marker(text: str) -> bool:
    """Whether a clause's text marks its units （牵头单位：… / A牵头，B配合）, read once per text."""
    return _read(text)[0]


@functools.lru_cache(maxsize=2048)
def _read(text: str, short_places: bool = False) -> tuple[bool, tuple[DutySpan, ...]]:
    """Whether a clause has a marker, and its duty spans: the same clauses come back question after question."""
    if extract_responsibility(text):
        return True, ()
    return False, tuple(s for s in duty_spans(text, authorities=True, short_places=short_places) if s.duty)


# A who-question asking for a county or a district (哪个县 / 哪个区 / which county).
_ASKS_PLACE = re.compile(r"哪(?:一|几)?(?:个|片)?(?:县区|区县|县市|县|区|市)(?!场|民|级)"
                         r"|\bwhich (?:county|counties|district|districts|city|cities)\b", re.IGNORECASE)


def choose_answer_duty(ranked: Sequence[_Ranked], query: str, content: str, scorer: _Scorer,
                       vocabulary: _Coverage | None, *, english: bool = False,
                       kind: str = "") -> tuple[int, ChosenDuty] | None:
    """The best answer among the duties of the best-supported clauses: (index in ``ranked``, duty).

    Each option is judged by its own text (a span, or a whole marked clause): dense cosine plus
    lexical coverage of the question's content, plus a share of its clause's support. A ``kind`` of place
    asked for (哪个镇, 哪些城市) lets a county's short name be a subject. ``None`` when no clause names any
    unit.
    """
    texts: list[str] = []
    owners: list[tuple[int, ChosenDuty]] = []
    owning = 0
    short_places = _ASKS_PLACE.search(query) is not None or is_place_kind(kind)
    for at, cand in enumerate(ranked):
        options = duty_options(cand.clause, short_places=short_places)
        if not options:
            continue  # a notice or a title ranked first names no unit: the next clauses may
        owning += 1
        if owning > _CLAUSES:
            break
        for option in options:
            # A marked clause is judged whole, as retrieval ranked it: one sentence of a neighbour's
            # list of aims must not outweigh the clause that is about the task.
            texts.append(option.text)
            owners.append((at, option))
    if not texts:
        return None
    cosines = scorer.similarities(query, texts)
    lexical_ok = not english and vocabulary is not None
    matter = asked_predicate(query) if lexical_ok else ""
    asked = concepts(query) if english else []
    scores = []
    for text, cosine, (at, option) in zip(texts, cosines, owners):
        score = float(cosine) + _SUPPORT_WEIGHT * ranked[at].support
        if lexical_ok and content:
            # The units are the answer, not evidence of the task: a question naming one district to say
            # where (镜湖区南面那一片) is about another's task (弋江区…做强城南片区), not about 镜湖区's.
            search = _without_units(to_search_form(text), option)
            score += vocabulary.coverage(content, search)
            if matter:
                score += _MATTER_WEIGHT * vocabulary.coverage(matter, search)
        elif english:
            # An English question's lexical evidence is its glossary concepts' Chinese terms (监督 for
            # supervision): across one clause's spans, cosines alone differ by less than their noise.
            score += concept_coverage(asked, to_search_form(text))
        scores.append(score)
    return owners[int(np.argmax(scores))]
