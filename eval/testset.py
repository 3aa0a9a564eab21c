"""Test cases and the JSON Lines loader that validates them (format: eval/testsets/FORMAT.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from policyqa.eval.errors import TestSetError

TESTSET_DIR = Path(__file__).resolve().parent / "testsets"
INTENTS = ("responsibility", "fact", "compare", "unit_tasks", "general", "unanswerable")
LANGS = ("zh", "zh-Hant", "en")
CORPORA = ("seed", "extra")
KINDS = ("dev", "heldout")  # dev: tuned on; heldout: written before any run, never tuned on
ROLES = ("lead", "cooperating", "any")
_LIST_FIELDS = ("gold_docs", "gold_clauses", "leads", "cooperating", "answer_contains", "expected_docs",
                "gold_files", "expected_files", "responsible", "gold_tasks", "places")
_STR_FIELDS = ("id", "question", "intent", "lang", "answer", "notes", "corpus", "kind", "unit", "role",
               "comment")
_REQUIRED = ("id", "question", "intent", "lang", "answer")


@dataclass(frozen=True, slots=True)
class TestCase:
    """One question with its gold: where the answer is and what a correct answer says.

    ``gold_clauses`` are distinctive substrings of the gold clause texts; ``leads``/``cooperating`` are the
    gold 牵头/配合 units for responsibility questions; ``answer_contains`` the strings a fact answer must hold;
    ``expected_docs`` the documents a comparison must show (``expected_files`` their files, ``places`` the
    places they stand for); ``responsible`` the units of a bare list when the document declares no lead;
    ``unit``/``role``/``gold_tasks`` a unit-tasks question: the unit, the role asked about and one substring
    per task clause (complete). ``kind`` says whether the set is ``dev`` (tuned on) or ``heldout``.
    ``unanswerable`` cases have no gold at all.
    """

    __test__ = False  # not a pytest test class

    id: str
    question: str
    intent: str
    lang: str
    answer: str
    gold_docs: tuple[str, ...] = ()
    gold_clauses: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    answer_contains: tuple[str, ...] = ()
    expected_docs: tuple[str, ...] = ()
    corpus: str = "seed"
    gold_files: tuple[str, ...] = ()
    expected_files: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    unit: str = ""
    role: str = ""
    gold_tasks: tuple[str, ...] = ()
    kind: str = "dev"
    notes: str = ""
    comment: str = ""
    line: int = field(default=0, compare=False)

    @property
    def answerable(self) -> bool:
        return self.intent != "unanswerable"

    @property
    def relevant_clauses(self) -> tuple[str, ...]:
        """The substrings a relevant retrieved clause holds: a unit's task clauses, else the gold clauses."""
        return self.gold_tasks if self.intent == "unit_tasks" else self.gold_clauses

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "line" or value in ("", ()):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def resolve_testset(name_or_path: str | Path) -> Path:
    """A bundled name (``seed``) → ``eval/testsets/seed.jsonl``; anything else is a path.

    Raises:
        TestSetError: neither a bundled name nor an existing file (the message lists the bundled names).
    """
    text = str(name_or_path)
    bundled = TESTSET_DIR / f"{text}.jsonl"
    if "/" not in text and "\\" not in text and bundled.is_file():
        return bundled
    path = Path(text).expanduser()
    if path.is_file():
        return path
    names = ", ".join(sorted(p.stem for p in TESTSET_DIR.glob("*.jsonl")))
    raise TestSetError(path, 0, f"no such test set; bundled names: {names} (or give a path to a .jsonl file)")


def load_testset(name_or_path: str | Path) -> list[TestCase]:
    """Load and validate a test set.

    Args:
        name_or_path: a bundled name (``seed``, ``extra_responsibility``, ``extra_facts``) or a path to a ``.jsonl`` file.

    Returns:
        The cases in file order.

    Raises:
        TestSetError: the first malformed line, as ``path:line: problem``.

    Example:
        >>> cases = load_testset("seed")
        >>> cases[0].intent
        'responsibility'
    """
    path = resolve_testset(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TestSetError(path, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    cases: list[TestCase] = []
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        case = parse_line(raw, path=path, line=lineno)
        if case.id in seen:
            raise TestSetError(path, lineno, f"duplicate id {case.id!r} (first on line {seen[case.id]})")
        seen[case.id] = lineno
        cases.append(case)
    if not cases:
        raise TestSetError(path, 0, "the test set holds no questions")
    odd = next((c for c in cases if c.kind != cases[0].kind), None)
    if odd is not None:
        # A set is tuned on as a whole or not at all.
        raise TestSetError(path, odd.line, f"kind {odd.kind!r} differs from the first question's {cases[0].kind!r}")
    return cases


def parse_line(raw: str, *, path: Path | str = "<string>", line: int = 0) -> TestCase:
    """Parse and validate one JSON Lines record; raises `TestSetError` naming ``path:line``."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TestSetError(path, line, f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise TestSetError(path, line, f"expected a JSON object, got {type(data).__name__}")
    problem = _problem(data)
    if problem:
        raise TestSetError(path, line, problem)
    values = {k: tuple(v) if k in _LIST_FIELDS else v for k, v in data.items()}
    return TestCase(line=line, **values)


def _problem(data: dict[str, Any]) -> str | None:
    known = set(_LIST_FIELDS) | set(_STR_FIELDS)
    unknown = sorted(set(data) - known)
    if unknown:
        return f"unknown field {unknown[0]!r}; known fields: {', '.join(sorted(known))}"
    for name in _REQUIRED:
        if name not in data:
            return f"missing field {name!r}"
    for name in _STR_FIELDS:
        if name in data and not isinstance(data[name], str):
            return f"field {name!r} must be a string, got {type(data[name]).__name__}"
    for name in _LIST_FIELDS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            return f"field {name!r} must be a list of non-empty strings"
    if not data["id"].strip() or not data["question"].strip():
        return "fields 'id' and 'question' must not be empty"
    for name, choices in (("intent", INTENTS), ("lang", LANGS), ("corpus", CORPORA), ("kind", KINDS),
                          ("role", ROLES)):
        if name in data and data[name] not in choices:
            return f"unknown {name} {data[name]!r}; expected one of {', '.join(choices)}"
    return _intent_problem(data)


def _intent_problem(data: dict[str, Any]) -> str | None:
    intent = data["intent"]
    if intent == "unanswerable":
        if data.get("gold_clauses") or data.get("gold_docs"):
            return "an unanswerable question must not have gold_docs or gold_clauses"
        return None
    if intent == "unit_tasks":
        return _unit_tasks_problem(data)
    if not data.get("gold_clauses"):
        return f"missing field 'gold_clauses' (required for intent {intent!r})"
    if not data.get("gold_docs") and not data.get("gold_files"):
        return f"missing field 'gold_docs' (required for intent {intent!r})"
    if data.get("corpus") == "extra" and not data.get("gold_files"):
        return "missing field 'gold_files' (required for corpus 'extra')"
    if intent == "responsibility" and not data.get("leads") and not data.get("responsible"):
        return "missing field 'leads' (required for intent 'responsibility'; 'responsible' for a bare list)"
    if intent == "fact" and not data.get("answer_contains"):
        return "missing field 'answer_contains' (required for intent 'fact')"
    if intent == "compare":
        expected = data.get("expected_files") or data.get("expected_docs") or []
        if len(expected) < 2:
            return "field 'expected_docs' (or 'expected_files') must name at least 2 documents for intent 'compare'"
        if data.get("places") and len(data["places"]) != len(expected):
            return "field 'places' must name one place per expected document"
    return None


def _unit_tasks_problem(data: dict[str, Any]) -> str | None:
    for name in ("unit", "role", "gold_tasks"):
        if not data.get(name):
            return f"missing field {name!r} (required for intent 'unit_tasks')"
    if not data.get("gold_docs") and not data.get("gold_files"):
        return "missing field 'gold_docs' (required for intent 'unit_tasks')"
    return None


def testset_kind(cases: list[TestCase]) -> str:
    """The set's kind (``dev`` or ``heldout``); `load_testset` has checked that its cases agree."""
    return cases[0].kind if cases else "dev"
