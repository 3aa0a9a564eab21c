"""IngestConfig: the knobs of reading and splitting documents, declared once with their defaults."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Settings of the ingest layer.

    Attributes:
        max_bytes: files larger than this are refused before they are read (FileTooLargeError).
        max_clause_chars: clauses longer than this are split at sentence boundaries into parts.
        paragraph_chars: sentence groups of un-numbered text (news reports, preambles) stop near this size.
        strip_boilerplate: drop web footers, breadcrumbs, date stamps and metadata headers from clauses.
    """

    max_bytes: int = 50 * MB
    max_clause_chars: int = 500
    paragraph_chars: int = 300
    strip_boilerplate: bool = True

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"IngestConfig.max_bytes must be positive, got {self.max_bytes}")
        if self.max_clause_chars < 50:
            raise ValueError(f"IngestConfig.max_clause_chars must be >= 50, got {self.max_clause_chars}")
        if self.paragraph_chars < 50:
            raise ValueError(f"IngestConfig.paragraph_chars must be >= 50, got {self.paragraph_chars}")

    @classmethod
    def from_megabytes(cls, max_file_mb: float, **kwargs: object) -> IngestConfig:
        """Build a config from a size limit in MB (the unit of ``Settings.max_file_mb``)."""
        return cls(max_bytes=int(max_file_mb * MB), **kwargs)  # type: ignore[arg-type]
