"""Files in, ParsedDocuments out: load → strip boilerplate → structure → parts → Clauses.

Span invariant (tested): for every clause ``c`` of a ParsedDocument ``p``,
``c.text == p.text[c.start:c.end]``, the text has no leading or trailing whitespace, and the clauses'
spans together cover every non-whitespace character of ``p.text`` outside its boilerplate.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.ingest import boilerplate
from policyqa.ingest.catalog import CATALOG_NAME, load_catalog
from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import EmptyDocumentError, IngestError, UnsupportedFormatError
from policyqa.ingest.loaders import RawDocument, load, supported_suffixes
from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest.normalize import to_search_form, to_simplified
from policyqa.ingest.responsibility import Responsibility, extract_responsibility
from policyqa.ingest.segment import Piece, split_blocks
from policyqa.ingest.structure import parse_blocks
from policyqa.ingest.table_clauses import table_clauses, table_spans

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of a batch: parsed documents, and the files skipped with the reason why."""

    parsed: list[ParsedDocument] = field(default_factory=list)
    skipped: list[IngestError] = field(default_factory=list)


def parse_file(path: Path | str, *, document: Document | None = None,
               config: IngestConfig = IngestConfig()) -> ParsedDocument:
    """Read and parse one file into clauses.

    Args:
        path: a .txt/.md/.pdf/.docx/.doc/.wps/.html file (see :func:`ingest.loaders.load`).
        document: catalog metadata; its ``sha256`` and ``source_path`` are filled in from the file.
            Without it the title comes from the text and the id from the file name.
        config: size limit and clause sizes.

    Returns:
        The document, its original text and its clauses in reading order.

    Raises:
        IngestError: a subclass naming the file and the problem (see :func:`ingest.loaders.load`).

    Example:
        >>> from ingest.catalog import bundled_corpus_dir
        >>> p = parse_file(bundled_corpus_dir() / "yongqiao_shangcheng_pairing_work_plan_2022.txt")
        >>> p.clauses[0].kind
        'preamble'
    """
    raw = load(path, config=config)
    return parse_raw(raw, document=document, config=config)


def parse_raw(raw: RawDocument, *, document: Document | None = None,
              config: IngestConfig = IngestConfig()) -> ParsedDocument:
    """Parse text already loaded (see :func:`parse_file`)."""
    text = raw.text
    spans = boilerplate.find_boilerplate(text) if config.strip_boilerplate else []
    masked = boilerplate.mask(text, spans)
    if not masked.strip():
        raise EmptyDocumentError(raw.path, "only boilerplate (navigation, footer, metadata), no content")
    doc = _document(raw, masked, document)
    # Duty tables become clauses of their own; the numbering parser never sees their rows.
    prose = boilerplate.mask(masked, table_spans(raw.tables))
    pieces = split_blocks(text, prose, parse_blocks(prose), max_chars=config.max_clause_chars,
                          paragraph_chars=config.paragraph_chars)
    clauses = _clauses(doc, text, pieces, raw.page_starts)
    if raw.ocr:
        clauses = [dataclasses.replace(c, ocr=True) for c in clauses]
    clauses += table_clauses(doc, text, raw.tables, raw.page_starts, ocr=raw.ocr)
    return ParsedDocument(doc, text, tuple(sorted(clauses, key=lambda c: c.start)))


def ingest_paths(paths: Iterable[Path | str], config: IngestConfig = IngestConfig()) -> IngestReport:
    """Parse files and folders; a bad file is skipped and reported, the others go on.

    A folder is read recursively for files with a supported extension (others are ignored there);
    a ``catalog.toml`` in it supplies the metadata of the files it lists. A file named explicitly with
    an unsupported extension is reported as skipped.

    Args:
        paths: files and folders, in the order to read them.
        config: size limit and clause sizes.

    Returns:
        ``IngestReport(parsed, skipped)``.
    """
    report = IngestReport()
    for path in map(Path, paths):
        for file, document in _expand(path, report):
            try:
                report.parsed.append(parse_file(file, document=document, config=config))
            except IngestError as exc:
                logger.info("skipped %s", exc)
                report.skipped.append(exc)
    return report


def _expand(path: Path, report: IngestReport) -> list[tuple[Path, Document | None]]:
    if not path.is_dir():
        return [(path, None)]
    try:
        catalog = load_catalog(path)
    except IngestError as exc:
        report.skipped.append(exc)
        catalog = {}
    suffixes = set(supported_suffixes())
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        report.skipped.append(UnsupportedFormatError(
            path, f"folder holds no readable documents ({', '.join(supported_suffixes())})"))
    out: list[tuple[Path, Document | None]] = []
    for file in files:
        meta = catalog.get(file.relative_to(path).as_posix())
        out.append((file, Document(sha256="", **meta) if meta else None))
    return out


def _document(raw: RawDocument, masked: str, document: Document | None) -> Document:
    sha = hashlib.sha256(raw.text.encode("utf-8")).hexdigest()
    if document is not None:
        return dataclasses.replace(document, sha256=sha, source_path=raw.path.name)
    return Document(
        doc_id=slug(raw.path.stem), title=raw.title or first_line_title(masked) or raw.path.stem,
        sha256=sha, source_path=raw.path.name, issuer=raw.issuer,
        date=raw.date or boilerplate.first_date(raw.text), script=detect_script(masked))


def slug(name: str) -> str:
    """A document id from a file name: whitespace and path-unfriendly characters become ``-``."""
    cleaned = re.sub(r"[\s/\\:#?%*\"<>|]+", "-", name.strip()).strip("-").lower()
    return cleaned or "document"


def first_line_title(text: str) -> str:
    """The first non-empty line, without markdown marks and surrounding whitespace, at most 80 chars."""
    for line in text.splitlines():
        clean = line.replace("**", "").strip().lstrip("#").strip()
        if clean:
            return clean[:80]
    return ""


def detect_script(text: str) -> str:
    """``traditional`` when OpenCC t2s changes more than 3% of the Han characters, else ``simplified``."""
    han = re.findall(r"[\u4e00-\u9fff]", text[:20000])
    if not han:
        return "simplified"
    sample = "".join(han)
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample)))
    return "traditional" if changed > 0.03 * len(han) else "simplified"


def _clauses(doc: Document, text: str, pieces: list[Piece], page_starts: tuple[int, ...]) -> list[Clause]:
    duties: dict[tuple[int, int], Responsibility] = {}
    seen: dict[tuple[str, ...], int] = {}
    numbering: tuple[str, ...] = ()
    clauses = []
    for piece in pieces:
        if piece.part == 0 or piece.kind == "preamble" and not clauses:
            numbering = _unique_numbering(piece.numbering, seen)
        if piece.scope not in duties:
            duties[piece.scope] = extract_responsibility(text[piece.scope[0]:piece.scope[1]])
        duty = duties[piece.scope]
        body = text[piece.start:piece.end]
        clauses.append(Clause(
            doc_id=doc.doc_id, numbering=numbering, path=_with_label(piece.path, piece.numbering, numbering),
            text=body, search_text=to_search_form(body), start=piece.start, end=piece.end,
            doc_title=doc.title, region=doc.region, doc_type=doc.doc_type, kind=piece.kind,
            part=piece.part, leads=duty.leads, cooperating=duty.cooperating,
            page=bisect.bisect_right(page_starts, piece.start) if page_starts else None))
    return clauses


def _unique_numbering(numbering: tuple[str, ...], seen: dict[tuple[str, ...], int]) -> tuple[str, ...]:
    # Repeated numbering (a document that restarts 一、 in an annex) would repeat clause ids.
    count = seen.get(numbering, 0) + 1
    seen[numbering] = count
    if count == 1 or not numbering:
        return numbering
    return (*numbering[:-1], f"{numbering[-1]}~{count}")


def _with_label(path: tuple[str, ...], old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    if old == new or not path or not old or path[-1] != old[-1]:
        return path
    return (*path[:-1], new[-1])
