"""Errors of reading documents: each names the file and the problem."""

from __future__ import annotations

from pathlib import Path

from policyqa.errors import PolicyqaError


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


class ConverterMissingError(IngestError):
    """A format that needs an outside converter (LibreOffice for .doc/.wps) that is not installed."""


class OcrBoundError(IngestError):
    """OCR of a scan hit the per-document bound (time or pages); says how far it got."""

    def __init__(self, path: Path | str, problem: str, *, pages_done: int, pages_total: int) -> None:
        super().__init__(path, problem)
        self.pages_done = pages_done
        self.pages_total = pages_total
