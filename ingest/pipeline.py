"""Files in, ParsedDocuments out: load → strip boilerplate → structure → parts → Clauses.

Span invariant (tested): for every clause ``c`` of a ParsedDocument ``p``,
``c.text == p.text[c.start:c.end]``, the text has no leading or trailing whitespace, and the clauses'
spans together cover every non-whitespace character of ``p.text`` outside its boilerplate.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.ingest import boilerplate
from policyqa.ingest.catalog import load_catalog_fields
from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import EmptyDocumentError, IngestError, UnsupportedFormatError
from policyqa.ingest.loaders import RawDocument, load, supported_suffixes
from policyqa.ingest.metadata.given import Given, load_sidecar
from policyqa.ingest.metadata.infer import infer_metadata
from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest.normalize import to_search_form, to_simplified
from policyqa.ingest.duty_spans import assigns_duties, declared_duties
from policyqa.ingest.responsibility import (Responsibility, declares_first_lead, extract_responsibility,
                                            running_text_units)
from policyqa.ingest.segment import Piece, split_blocks
from policyqa.ingest.structure import parse_blocks
from policyqa.ingest.table_clauses import table_clauses, table_spans

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of a batch: parsed documents (and the file each was read from), the files skipped
    with the reason why, and the files left out because their text is identical to an earlier file's
    (``(copy, original)`` paths)."""

    parsed: list[ParsedDocument] = field(default_factory=list)
    skipped: list[IngestError] = field(default_factory=list)
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # doc id -> the file it was read from


def parse_file(path: Path | str, *, document: Document | None = None, given: Given | None = None,
               config: IngestConfig = IngestConfig()) -> ParsedDocument:
    """Read and parse one file into clauses.

    Args:
        path: a .txt/.md/.pdf/.docx/.doc/.wps/.html file (see :func:`ingest.loaders.load`).
        document: complete metadata, used as it is; its ``sha256`` and ``source_path`` are filled in
            from the file.
        given: without ``document``, fields a catalog or sidecar gives (``{field: (value, source)}``);
            they override what is inferred from the text and the file name, field by field.
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
    return parse_raw(raw, document=document, given=given, config=config)


def parse_raw(raw: RawDocument, *, document: Document | None = None, given: Given | None = None,
              config: IngestConfig = IngestConfig()) -> ParsedDocument:
    """Parse text already loaded (see :func:`parse_file`)."""
    text = raw.text
    spans = boilerplate.find_boilerplate(text) if config.strip_boilerplate else []
    masked = boilerplate.mask(text, spans)
    if not masked.strip():
        raise EmptyDocumentError(raw.path, "only boilerplate (navigation, footer, metadata), no content")
    doc = _document(raw, masked, document, given or {})
    # Duty tables become clauses of their own; the numbering parser never sees their rows.
    prose = boilerplate.mask(masked, table_spans(raw.tables))
    pieces = split_blocks(text, prose, parse_blocks(prose), max_chars=config.max_clause_chars,
                          paragraph_chars=config.paragraph_chars)
    clauses = _clauses(doc, text, pieces, raw.page_starts)
    if raw.ocr:
        clauses = [dataclasses.replace(c, ocr=True) for c in clauses]
    clauses += table_clauses(doc, text, raw.tables, raw.page_starts, ocr=raw.ocr)
    if raw.ocr_pages:
        clauses = [dataclasses.replace(c, ocr=True) if c.page in raw.ocr_pages else c for c in clauses]
    return ParsedDocument(doc, text, tuple(sorted(clauses, key=lambda c: c.start)))


def ingest_paths(paths: Iterable[Path | str], config: IngestConfig = IngestConfig()) -> IngestReport:
    """Parse files and folders; a bad file is skipped and reported, the others go on.

    A folder is read recursively for files with a supported extension (others are ignored there);
    a ``catalog.toml`` in it, and a sidecar ``<file>.meta.toml`` beside a file, give metadata that
    overrides what is inferred. A file whose sidecar (or folder catalog) is bad is skipped. A file
    named explicitly with an unsupported extension is reported as skipped. A file whose text is
    identical to an earlier one's is parsed once: the copy is listed in ``duplicates``.

    Args:
        paths: files and folders, in the order to read them.
        config: size limit and clause sizes.

    Returns:
        ``IngestReport(parsed, skipped, duplicates)``.
    """
    report = IngestReport()
    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        for file, given in _expand(path, report):
            try:
                parsed = parse_file(file, given=given(), config=config)
            except IngestError as exc:
                logger.info("skipped %s", exc)
                report.skipped.append(exc)
                continue
            original = seen.setdefault(parsed.document.sha256, file)
            if original != file:
                logger.info("%s is identical to %s; indexed once", file, original)
                report.duplicates.append((file, original))
                continue
            report.parsed.append(parsed)
            report.files[parsed.document.doc_id] = file
    return report


def _expand(path: Path, report: IngestReport) -> list[tuple[Path, Callable[[], Given]]]:
    """The files to read and, for each, a function giving its metadata (raising on a bad sidecar)."""
    if not path.is_dir():
        return [(path, lambda: {**_catalog_entry(path), **load_sidecar(path)})]
    try:
        catalog = load_catalog_fields(path)
    except IngestError as exc:
        # Files of a folder whose catalog cannot be read would get the wrong metadata: skip them all.
        report.skipped.append(exc)
        return []
    suffixes = set(supported_suffixes())
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        report.skipped.append(UnsupportedFormatError(
            path, f"folder holds no readable documents ({', '.join(supported_suffixes())})"))
    return [(file, functools.partial(_merged, catalog.get(file.relative_to(path).as_posix(), {}), file))
            for file in files]


def _merged(entry: Given, file: Path) -> Given:
    return {**entry, **load_sidecar(file)}


def _catalog_entry(file: Path) -> Given:
    return load_catalog_fields(file.parent).get(file.name, {})


def _document(raw: RawDocument, masked: str, document: Document | None, given: Given) -> Document:
    sha = hashlib.sha256(raw.text.encode("utf-8")).hexdigest()
    if document is not None:
        return dataclasses.replace(document, sha256=sha, source_path=raw.path.name)
    inferred = infer_metadata(text=raw.text, masked=masked, file_stem=raw.path.stem, heading=raw.title,
                              given_date=raw.date, given_issuer=raw.issuer, script=detect_script(masked))
    values = {"doc_id": slug(raw.path.stem), **inferred.values}
    sources = {"doc_id": "filename", **inferred.sources}
    if given and any(name in given for name in _REGION):
        for name in _REGION:  # a given region replaces the inferred one as a whole
            values.pop(name, None)
            sources.pop(name, None)
    for name, (value, source) in given.items():
        values[name], sources[name] = value, source
    if not values.get("title"):
        values["title"], sources["title"] = raw.path.stem, "filename"
    if inferred.ambiguous and not any(name in given for name in _REGION):
        sources["region_readings"] = "ambiguous: " + " | ".join(inferred.ambiguous)
        logger.warning("%s: the place it names is ambiguous (%s)", raw.path, ", ".join(inferred.ambiguous))
    return Document(sha256=sha, source_path=raw.path.name, provenance=tuple(sources.items()),
                    **{k: v for k, v in values.items() if k in _DOCUMENT_FIELDS})


_REGION = ("province", "city", "district", "level")
_DOCUMENT_FIELDS = frozenset(Document.__dataclass_fields__) - {"sha256", "source_path", "provenance"}


def slug(name: str) -> str:
    """A document id from a file name: whitespace and path-unfriendly characters become ``-``."""
    cleaned = re.sub(r"[\s/\\:#?%*\"<>|]+", "-", name.strip()).strip("-").lower()
    return cleaned or "document"


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
    # The grammar of markers is written in Simplified script: a Traditional document is read in it, and
    # the units it names are then given back as the document writes them.
    traditional = doc.script == "traditional"
    first_leads = declares_first_lead(to_simplified(text) if traditional else text)
    seen: dict[tuple[str, ...], int] = {}
    numbering: tuple[str, ...] = ()
    # Headings that introduce their children as one unit's duties (…是依托单位，主要职责是：).
    declared: dict[tuple[str, ...], Responsibility] = {}
    running = assigns_duties(doc.doc_type)  # a work report's sentence subjects carry no duty
    clauses = []
    for piece in pieces:
        if piece.part == 0 or piece.kind == "preamble" and not clauses:
            numbering = _unique_numbering(piece.numbering, seen)
        if piece.scope not in duties:
            scope = text[piece.scope[0]:piece.scope[1]]
            # A clause with no marker may still name its units in a sentence (由A牵头, A会同B).
            if traditional:
                simple = to_simplified(scope)
                duty = _own_duty(piece, simple, numbering, declared, first_leads=first_leads, running=running)
                duties[piece.scope] = _as_written(duty, simple, scope)
            else:
                duties[piece.scope] = _own_duty(piece, scope, numbering, declared, first_leads=first_leads,
                                                running=running)
        duty = duties[piece.scope]
        body = text[piece.start:piece.end]
        clauses.append(Clause(
            doc_id=doc.doc_id, numbering=numbering, path=_with_label(piece.path, piece.numbering, numbering),
            text=body, search_text=to_search_form(body), start=piece.start, end=piece.end,
            doc_title=doc.title, region=doc.region, doc_type=doc.doc_type, kind=piece.kind,
            part=piece.part, leads=duty.leads, cooperating=duty.cooperating, responsible=duty.responsible,
            page=bisect.bisect_right(page_starts, piece.start) if page_starts else None))
    return clauses


def _own_duty(piece: Piece, scope: str, numbering: tuple[str, ...],
              declared: dict[tuple[str, ...], Responsibility], *, first_leads: bool,
              running: bool = True) -> Responsibility:
    """A piece's units: its markers, else (a clause) the units of its sentences, else those its heading
    declares for the list under it; a heading that declares them records them for its children."""
    marked = extract_responsibility(scope, first_leads=first_leads)
    if not running:
        return marked
    if piece.kind == "heading":
        introduced = declared_duties(scope)
        if introduced and numbering:
            declared[numbering] = Responsibility(introduced.leads)
        return marked or Responsibility(introduced.leads)
    if marked or piece.kind != "clause":
        return marked
    own = running_text_units(scope)
    if own:
        return own
    # A numbered item under "X的主要职责是：" is X's duty: the heading is its subject.
    for depth in range(len(numbering) - 1, 0, -1):
        if numbering[:depth] in declared:
            return declared[numbering[:depth]]
    return Responsibility()


def _as_written(duty: Responsibility, simple: str, original: str) -> Responsibility:
    """``duty``'s unit names, read in ``simple`` (the Simplified form of ``original``), as ``original`` writes
    them: OpenCC converts character for character, so a name's place in one is its place in the other."""
    if len(simple) != len(original):
        return duty

    def written(name: str) -> str:
        at = simple.find(name)
        return original[at:at + len(name)] if at >= 0 else name

    return Responsibility(tuple(map(written, duty.leads)), tuple(map(written, duty.cooperating)),
                          tuple(map(written, duty.responsible)))


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
