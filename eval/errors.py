"""Errors of loading a test set."""

from __future__ import annotations

from pathlib import Path

from policyqa.errors import PolicyqaError


class TestSetError(PolicyqaError):
    """A malformed test set line, printed as `path:line: problem`."""

    __test__ = False  # not a pytest test class

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path, self.line, self.problem = Path(path), line, problem


class DocumentsNotIndexedError(PolicyqaError):
    """A test set asks about documents the index does not hold (``eval.coverage``); names them and the fix."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing
