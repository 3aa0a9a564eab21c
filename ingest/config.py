"""IngestConfig: the knobs of reading and splitting documents, declared once with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policyqa.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Settings of the ingest layer.

    Attributes:
        max_bytes: files larger than this are refused before they are read (FileTooLargeError).
        max_clause_chars: clauses longer than this are split at sentence boundaries into parts.
        paragraph_chars: sentence groups of un-numbered text (news reports, preambles) stop near this size.
        strip_boilerplate: drop web footers, breadcrumbs, date stamps and metadata headers from clauses.
        ocr_max_minutes: OCR of one scanned document stops with an error naming the pages done after
            this long (0: no bound); a 300-page scan takes hours on a small CPU.
        ocr_max_pages: a scan with more pages is refused before OCR starts (0: no bound).
        ocr_threads: onnxruntime threads per OCR model (0: onnxruntime's default, one per core).
    """

    max_bytes: int = 50 * MB
    max_clause_chars: int = 500
    paragraph_chars: int = 300
    strip_boilerplate: bool = True
    ocr_max_minutes: float = 60.0
    ocr_max_pages: int = 0
    ocr_threads: int = 0

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"IngestConfig.max_bytes must be positive, got {self.max_bytes}")
        if self.max_clause_chars < 50:
            raise ValueError(f"IngestConfig.max_clause_chars must be >= 50, got {self.max_clause_chars}")
        if self.paragraph_chars < 50:
            raise ValueError(f"IngestConfig.paragraph_chars must be >= 50, got {self.paragraph_chars}")
        for name in ("ocr_max_minutes", "ocr_max_pages", "ocr_threads"):
            if getattr(self, name) < 0:
                raise ValueError(f"IngestConfig.{name} must be >= 0, got {getattr(self, name)}")

    @classmethod
    def from_megabytes(cls, max_file_mb: float, **kwargs: object) -> IngestConfig:
        """Build a config from a size limit in MB (the unit of ``Settings.max_file_mb``)."""
        return cls(max_bytes=int(max_file_mb * MB), **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: object) -> IngestConfig:
        """The ingest knobs a user sets (``POLICYQA_MAX_FILE_MB``, ``POLICYQA_OCR_MAX_MINUTES`` …)."""
        return cls.from_megabytes(settings.max_file_mb, ocr_max_minutes=settings.ocr_max_minutes,
                                  ocr_max_pages=settings.ocr_max_pages, ocr_threads=settings.ocr_threads,
                                  **kwargs)
