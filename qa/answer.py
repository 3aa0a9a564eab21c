"""What the answering layer returns: Answer and Citation (typed; dicts only at the edges)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policyqa.model import Clause

INTENTS = ("responsibility", "fact", "compare", "unit_tasks", "general")
MODES = ("extractive", "llm")


@dataclass(frozen=True, slots=True)
class Citation:
    """Clause ``n`` (1-based) of an answer, as shown to the reader: 《title》 path."""

    n: int
    clause: Clause
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {"n": self.n, "clause_id": c.clause_id, "doc_id": c.doc_id, "doc_title": c.doc_title,
                "region": c.region, "path": list(c.path), "text": c.text,
                "leads": list(c.leads), "cooperating": list(c.cooperating), "responsible": list(c.responsible),
                "ocr": c.ocr}


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer with the clauses it rests on.

    ``citations`` support the answer; when ``abstained`` they are empty and ``related`` holds the
    nearest clauses. A ``unit_tasks`` answer cites *every* task of its ``units`` (not a top k). ``flags`` carries warnings, e.g. LLM sentences without a valid [n] citation.
    """

    question: str
    text: str
    intent: str
    abstained: bool = False
    leads: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    mode: str = "extractive"
    flags: tuple[str, ...] = ()
    units: tuple[tuple[str, str], ...] = ()  # unit_tasks: the (region, name) of each unit asked about
    role: str = ""                           # unit_tasks: lead / cooperating / responsible / any
    responsible: tuple[str, ...] = ()        # 责任单位 listed without a lead

    def __post_init__(self) -> None:
        if self.intent not in INTENTS:
            raise ValueError(f"Answer.intent must be one of {INTENTS}, got {self.intent!r}")
        if self.mode not in MODES:
            raise ValueError(f"Answer.mode must be one of {MODES}, got {self.mode!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question, "answer": self.text, "abstained": self.abstained,
            "intent": self.intent, "leads": list(self.leads), "cooperating": list(self.cooperating),
            "responsible": list(self.responsible),
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "mode": self.mode, "flags": list(self.flags),
            "units": [{"region": r, "name": n} for r, n in self.units], "role": self.role,
        }
