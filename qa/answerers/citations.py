"""Clauses as the reader sees them: 《title》 五、… 31, numbered citations, sentences to quote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from policyqa.model import Clause
from policyqa.qa.answer import Citation

# Sentence ends in Chinese policy text; ；also ends a sentence because clauses chain measures with it.
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])")
# The trailing responsibility parenthetical is metadata, not a sentence worth quoting as a fact.
OCR_NOTE = "（OCR识别）"
_TRAILING_PAREN = re.compile(r"[（(][^（）()]*(?:牵头|负责|责任单位|配合)[^（）()]*[）)]\s*$")


def reference(clause: Clause) -> str:
    """How a clause is named in an answer: 《title》 followed by its path, e.g. 《…》 五、… 31.

    Text recognised from a scanned page says so (its characters may be misread): 《…》 一、… 3（OCR识别）.
    """
    path = " ".join(clause.path)
    title = f"《{clause.doc_title}》" if clause.doc_title else clause.doc_id
    return f"{title} {path}".strip() + (OCR_NOTE if clause.ocr else "")


def cite(pairs: Iterable[tuple[Clause, float]]) -> tuple[Citation, ...]:
    """Number clauses 1…n in order, dropping repeats of the same clause."""
    seen: set[str] = set()
    out: list[Citation] = []
    for clause, score in pairs:
        if clause.clause_id in seen:
            continue
        seen.add(clause.clause_id)
        out.append(Citation(n=len(out) + 1, clause=clause, score=float(score)))
    return tuple(out)


def sentences(text: str) -> list[str]:
    """Split clause text into sentences, without the trailing responsibility parenthetical."""
    body = _TRAILING_PAREN.sub("", text.strip())
    parts = [p.strip() for p in _SENTENCE_END.split(body)]
    return [p for p in parts if p]


def without_duty(text: str) -> str:
    """Clause text on one line, without its trailing responsibility parenthetical (a task as such)."""
    return _TRAILING_PAREN.sub("", " ".join(text.split())).strip()


def citation_list(citations: Sequence[Citation]) -> str:
    """Text lines ``[n] 《title》 path`` for the end of a text answer."""
    return "\n".join(f"[{c.n}] {reference(c.clause)}" for c in citations)


def shorten(text: str, limit: int = 160) -> str:
    """Text cut to ``limit`` characters with an ellipsis, for related-clause lists."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
