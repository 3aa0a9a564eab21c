"""Which of a clause's duties a who-question asks about: the units of the sentence that describes the task.

A regulation's article often gives several units several duties in its sentences (数据提供部门负责…。
数据使用部门负责…。); the clause's own units are all of them. A question about one duty is answered by the
duty span (``ingest.duty_spans``) closest to it — by dense cosine and lexical coverage of the question's
content together — and only that span's units are the answer. A clause whose units come from a marker
（牵头单位：…） or from its heading names them for the whole clause: those stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from policyqa.ingest.duty_spans import duty_spans
from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import extract_responsibility
from policyqa.model import Clause


class _Scorer(Protocol):
    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray: ...


class _Coverage(Protocol):
    def coverage(self, content: str, text: str) -> float: ...


@dataclass(frozen=True, slots=True)
class ChosenDuty:
    """The units that answer the question, and the text that names them (a span, or the whole clause)."""

    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    responsible: tuple[str, ...]
    text: str


def whole_clause(clause: Clause) -> ChosenDuty:
    return ChosenDuty(clause.leads, clause.cooperating, clause.responsible, clause.text)


def choose_duty(clause: Clause, query: str, content: str, scorer: _Scorer, vocabulary: _Coverage | None, *,
                english: bool = False) -> ChosenDuty:
    """The units of ``clause`` that answer ``query``.

    Args:
        clause: the clause chosen as the answer (it has units).
        query: the question in search form; ``content`` its content words (``intent.content_text``).
        scorer: sentence cosines (``SentenceScorer``); ``vocabulary``: lexical coverage (``Vocabulary``).
        english: no lexical evidence across languages; the cosine alone decides.
    """
    if extract_responsibility(clause.text):
        return whole_clause(clause)
    spans = [s for s in duty_spans(clause.text) if s.duty]
    if len(spans) < 2 or len({s.duty for s in spans}) < 2:
        return whole_clause(clause)
    cosines = scorer.similarities(query, [s.text for s in spans])
    scores = []
    for span, cosine in zip(spans, cosines):
        lexical = 0.0 if english or vocabulary is None or not content else vocabulary.coverage(content, to_search_form(span.text))
        scores.append(float(cosine) + lexical)
    best = spans[int(np.argmax(scores))]
    return ChosenDuty(best.duty.leads, tuple(u for u in best.duty.cooperating if u not in best.duty.leads),
                      best.duty.responsible, best.text)
