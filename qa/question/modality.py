"""Results and targets: which one a figure question asks for, and which one a sentence states.

A work report reviews last year (城镇新增就业29.9万人) and sets this year's targets (不少于26万人) for the
same measures, in the report of each year. "某市2024年城镇新增就业实际完成了多少" is answered by the next
year's review, never by a target; a question for a target prefers the sentence stating one. The words
are data (``modality.toml`` beside this module).

Example:
    >>> asked_modality("某市2024年城镇新增就业实际完成了多少？")
    'outcome'
    >>> states_target("实现城镇新增就业不少于26万人")
    True
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MODALITY_PATH = Path(__file__).resolve().parent / "modality.toml"


@lru_cache(maxsize=1)
def _words() -> dict[str, re.Pattern[str]]:
    data = tomllib.loads(MODALITY_PATH.read_text(encoding="utf-8"))

    def any_of(items: list[str], *, whole_words: bool = False) -> re.Pattern[str]:
        alternatives = "|".join(map(re.escape, sorted(items, key=len, reverse=True)))
        return re.compile(rf"\b(?:{alternatives})\b" if whole_words else f"(?:{alternatives})", re.IGNORECASE)

    question, sentence = data["question"], data["sentence"]
    return {"outcome": any_of(question["outcome"]), "target": any_of(question["target"]),
            "outcome_en": any_of(question["outcome_en"], whole_words=True),
            "target_en": any_of(question["target_en"], whole_words=True),
            "sentence_target": any_of(sentence["target"])}


def asked_modality(question: str, *, english: bool = False) -> str:
    """``'target'``, ``'outcome'`` or ``''`` (neither said): what a figure question asks for."""
    words = _words()
    suffix = "_en" if english else ""
    if words["target" + suffix].search(question):
        return "target"
    return "outcome" if words["outcome" + suffix].search(question) else ""


def states_target(sentence: str) -> bool:
    """Whether a sentence states a target (力争 / 左右 / 不少于 …) rather than a result."""
    return _words()["sentence_target"].search(sentence) is not None
