"""Errors of answering: the LLM endpoint, and names (unit, region, document) the index does not hold."""

from __future__ import annotations

from policyqa.errors import PolicyqaError


class LlmError(PolicyqaError):
    """The configured LLM endpoint is unreachable, slow or answered nonsense."""


class UnknownNameError(PolicyqaError):
    """A unit, region or document name that is not in the index; suggests near names that are."""

    kind = "name"

    def __init__(self, name: str, problem: str = "", suggestions: tuple[str, ...] | list[str] = (),
                 hint: str = "") -> None:
        self.name, self.suggestions = name, tuple(suggestions)
        message = f"unknown {self.kind} {name!r}" + (f" {problem}" if problem else "")
        if self.suggestions:
            message += f"; did you mean: {', '.join(self.suggestions)}?"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class UnknownUnitError(UnknownNameError):
    """No unit of that name (in that region) has a task in the index."""

    kind = "unit"


class UnknownRegionError(UnknownNameError):
    """No document's region is that place."""

    kind = "region"


class UnknownDocumentError(UnknownNameError):
    """No indexed document has that id."""

    kind = "document"
