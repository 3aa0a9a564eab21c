"""Errors a user can cause and fix. The CLI prints them as one line, without a traceback."""

from __future__ import annotations

from pathlib import Path


class PolicyqaError(Exception):
    """Base of every error a user can cause and fix."""


class IngestError(PolicyqaError):
    """A document could not be read; names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


class EmptyDocumentError(IngestError):
    """The file holds no text."""


class UnsupportedFormatError(IngestError):
    """The file's extension is not one we read."""


class UndecodableTextError(IngestError):
    """Binary data, or text in an encoding we cannot detect."""


class BrokenPdfError(IngestError):
    """A PDF that is truncated, encrypted or has no text layer."""


class FileTooLargeError(IngestError):
    """The file is over the configured size limit."""


class IndexNotFoundError(PolicyqaError):
    """No index at the given location."""


class IndexMismatchError(PolicyqaError):
    """The index was built with another embedder, dimension or schema."""


class IndexLockedError(PolicyqaError):
    """Another process is writing the index and did not finish within the lock timeout."""


class IndexWriteError(PolicyqaError):
    """A new index version could not be written (disk full, permissions); the live one is unchanged."""


class TestSetError(PolicyqaError):
    """A malformed test set line, printed as `path:line: problem`."""

    __test__ = False  # not a pytest test class

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path, self.line, self.problem = Path(path), line, problem


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
