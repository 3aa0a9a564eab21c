"""Library: the one write service of an index — ingest, remove, rebuild, upload — for the CLI and the web app.

`policyqa ingest/remove/docs --set` and the 文库 tab (upload, delete, correct, re-index) all write through a ``Library``,
so a document removed from the command line loses its stored upload too, and an upload from the web
gets the same checks as a file ingested by hand. Each call returns a typed report; the callers only
lay it out.

A ``Library`` writes through its *own* ``ClauseIndex`` (opened on first write), never through the one
that serves searches: that one locks itself for the whole of a write, so writing through it would
stall every search for the length of a re-index. ``on_write`` (e.g. the reader's ``refresh``) runs
after each write so readers follow the committed version at once.

Example:
    >>> library = Library.from_settings(Settings.from_env())       # doctest: +SKIP
    >>> report = library.ingest([Path("corpus/")])                 # doctest: +SKIP
    >>> library.upload([UploadFile(Path("/tmp/x"), "宿州方案.txt")])  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policyqa.errors import PolicyqaError
from policyqa.index.builder import AddReport, BuildOptions
from policyqa.index.clause_index import ClauseIndex
from policyqa.index.embedders import Embedder
from policyqa.index.errors import SidecarWriteError, SourceFileNotFoundError
from policyqa.index.hybrid import FusionParams
from policyqa.index.persist import atomic_write_bytes
from policyqa.index.source_files import forget_source, record_sources, recorded_sources
from policyqa.index.store import LOCAL
from policyqa.index.uploads import (
    UploadConflictError,
    commit_upload,
    discard_upload,
    stage_upload,
    stored_uploads,
    uploads_dir,
)
from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import IngestError
from policyqa.model import Document, ParsedDocument

if TYPE_CHECKING:
    from policyqa.settings import Settings

log = logging.getLogger(__name__)

StepProgress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called before each step of a batch and once at the end."""


@dataclass(frozen=True)
class UploadFile:
    """An uploaded file: where its bytes are now, and the (untrusted) name the browser gave it."""

    path: Path
    name: str


@dataclass(frozen=True)
class FileOutcome:
    """What became of one uploaded file: taken (``ok``) or refused with the ``problem``."""

    name: str
    ok: bool
    problem: str = ""
    doc_id: str = ""
    title: str = ""
    clause_count: int = 0
    changed: bool = False      # False: the same text was already indexed


@dataclass(frozen=True)
class UploadReport:
    files: tuple[FileOutcome, ...]
    version: str               # the live index version afterwards

    @property
    def taken(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if f.ok)

    @property
    def refused(self) -> tuple[FileOutcome, ...]:
        return tuple(f for f in self.files if not f.ok)


@dataclass(frozen=True)
class IngestOutcome:
    """An ``ingest`` or ``rebuild``: what the index changed, and the files skipped with the reason."""

    added: AddReport
    parsed: int
    skipped: tuple[IngestError, ...] = ()
    index: str = ""  # where the versions live: the index directory, or the store URI
    duplicates: tuple[tuple[Path, Path], ...] = ()  # (copy, the earlier file it repeats): indexed once


@dataclass(frozen=True)
class CorrectionReport:
    """A correction: the sidecar written, the document as the index now holds it, the live version."""

    document: Document
    sidecar: Path
    version: str
    changed: bool              # False: the sidecar already said so and the index held it


@dataclass(frozen=True)
class RemoveReport:
    doc_id: str
    title: str
    clause_count: int          # clauses left in the index
    version: str
    original_deleted: bool     # the document was an upload and its stored original went too


class Library:
    """The documents of one index directory, and every way of changing them.

    Args:
        root: the index directory (created on first write).
        embedder: the index's embedder (the writer's own instance; models are not thread-safe).
        config: how files are read (size limit, clause splitting).
        on_write: called after every write that may have changed the index.
    """

    def __init__(self, root: Path, embedder: Embedder, *, config: IngestConfig = IngestConfig(),
                 options: BuildOptions | None = None, fusion: FusionParams | None = None,
                 cache_path: Path | None = None, lock_timeout: float | None = None,
                 store: str = LOCAL, store_token: str = "",
                 on_write: Callable[[], None] | None = None) -> None:
        self.root = Path(root).expanduser()
        self.config = config
        self._open = lambda: ClauseIndex.open(self.root, embedder, create=True, options=options, fusion=fusion,
                                              cache_path=cache_path, lock_timeout=lock_timeout,
                                              store=store, store_token=store_token)
        self._on_write = on_write
        self._writer: ClauseIndex | None = None
        self._lock = threading.Lock()  # one writer per process; the index's file lock covers processes

    @classmethod
    def from_settings(cls, settings: Settings, *, options: BuildOptions | None = None,
                      on_write: Callable[[], None] | None = None) -> Library:
        """A library on the index ``settings`` point at, with its embedder, size limit and lock timeout."""
        from policyqa.index.embedders import make_embedder

        return cls(settings.index_dir(), make_embedder(settings.embedder, settings),
                   config=IngestConfig.from_settings(settings), options=options,
                   lock_timeout=settings.write_lock_timeout(), store=settings.store,
                   store_token=settings.store_token, on_write=on_write)

    @property
    def uploads(self) -> Path:
        """Where uploaded originals are kept (``<index>/uploads``)."""
        return uploads_dir(self.root)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[ClauseIndex]:
        with self._lock:
            if self._writer is None:
                self._writer = self._open()
            try:
                yield self._writer
            finally:
                if self._on_write is not None:
                    self._on_write()

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    # --- writes --------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path], *, progress: bool = True) -> IngestOutcome:
        """Parse files or folders (a folder may hold ``catalog.toml``) and add or update them.

        Args:
            progress: show the index's build progress bars (tqdm, on stderr).

        Returns:
            What changed; unreadable files are in ``skipped`` (each an ``IngestError`` naming it).
        """
        from policyqa.ingest.pipeline import ingest_paths

        result = ingest_paths([Path(p) for p in paths], self.config)
        with self._writing() as writer:
            report = writer.add(result.parsed, progress=progress)
            where = writer.where
            record_sources(self.root, result.files)
        return IngestOutcome(report, len(result.parsed), tuple(result.skipped), where,
                             tuple(result.duplicates))

    def rebuild(self, *, progress: bool = True) -> IngestOutcome:
        """Re-read the bundled corpus and every stored upload and bring the index up to date."""
        from policyqa.ingest.catalog import bundled_corpus_dir

        return self.ingest([bundled_corpus_dir(), *stored_uploads(self.root)], progress=progress)

    def remove(self, doc_id: str) -> RemoveReport:
        """Remove a document, and its stored original if it was an upload.

        Raises:
            DocumentNotFoundError: the index holds no such document.
        """
        with self._writing() as writer:
            writer.refresh()
            info = next((i for i in writer.documents() if i.document.doc_id == doc_id), None)
            report = writer.remove(doc_id)  # DocumentNotFoundError names some documents it does hold
            title, source = (info.document.title, info.document.source_path) if info else (doc_id, "")
            original = self._original_of(doc_id, source)
            if original is not None:
                original.unlink()
                from policyqa.ingest.metadata.given import sidecar_path

                sidecar = sidecar_path(original)  # a correction made to the upload goes with it
                if sidecar is not None:
                    sidecar.unlink()
            forget_source(self.root, doc_id)
        return RemoveReport(doc_id, title, report.clause_count, report.version, original is not None)

    def _original_of(self, doc_id: str, source_path: str) -> Path | None:
        """The stored upload a document came from: same file name, and the id an upload of it gets.

        A catalogued document may share a file name with an unrelated upload; its id then differs.
        """
        from policyqa.ingest.pipeline import slug

        original = self.uploads / Path(source_path).name if source_path else None
        if original is None or not original.is_file() or slug(original.stem) != doc_id:
            return None
        return original

    def correct(self, doc_id: str, changes: Mapping[str, str]) -> CorrectionReport:
        """Correct a document's metadata: merge ``changes`` into its file's sidecar and re-index it.

        The sidecar (``<file>.meta.toml``; for an upload, beside the stored upload) is validated as
        any sidecar is, before it is written (atomically); the file is then read again with it, so
        the index, the ledger's regions and `policyqa docs` show the correction with provenance
        ``sidecar``, and a later re-index or ingest of the file keeps it. Should the re-index fail,
        the sidecar is put back as it was.

        Args:
            doc_id: the document (see `policyqa docs`).
            changes: sidecar keys (``title``, ``issuer``, ``docnumber``, ``date``, ``type``, ``province``,
                ``city``, ``district``) to values; ``""`` drops a key, so the field is inferred again.

        Raises:
            DocumentNotFoundError: the index holds no such document.
            SourceFileNotFoundError: the document's file cannot be found any more.
            SidecarWriteError: the sidecar cannot be written there (permissions, a full disk).
            IngestError: a field that cannot be corrected or a value a sidecar may not hold (a region
                not in the division table, a malformed date); the message names the sidecar and field.
        """
        from policyqa.ingest.metadata.given import corrected_sidecar

        with self._writing() as writer:
            writer.refresh()
            document = self._document(writer, doc_id)
            file = self._file_of(document)
            sidecar, text = corrected_sidecar(file, changes)
            before = sidecar.read_bytes() if sidecar.is_file() else None
            try:
                atomic_write_bytes(sidecar, text.encode("utf-8"))
            except OSError as exc:  # e.g. the bundled corpus inside a read-only site-packages
                raise SidecarWriteError(
                    f"{sidecar}: cannot write the correction ({exc.strerror or exc}); copy {file.name} to a folder "
                    "of your own and ingest it from there") from exc
            try:
                parsed = self._reparse(file, doc_id)
                report = writer.add([parsed], progress=False)
            except BaseException:
                if before is None:
                    sidecar.unlink(missing_ok=True)
                else:
                    atomic_write_bytes(sidecar, before)
                raise
            record_sources(self.root, {doc_id: file})
        return CorrectionReport(parsed.document, sidecar, report.version, report.changed)

    @staticmethod
    def _document(writer: ClauseIndex, doc_id: str) -> Document:
        from policyqa.index.clause_index import DocumentNotFoundError

        document = next((i.document for i in writer.documents() if i.document.doc_id == doc_id), None)
        if document is None:
            raise DocumentNotFoundError(f"no document {doc_id!r} in {writer.where}; see `policyqa docs`")
        return document

    def _file_of(self, document: Document) -> Path:
        """The file a document was read from: its stored upload, the path recorded at ingest, or the
        bundled corpus file of that name."""
        from policyqa.ingest.catalog import bundled_corpus_dir

        candidates = [self._original_of(document.doc_id, document.source_path),
                      recorded_sources(self.root).get(document.doc_id),
                      bundled_corpus_dir() / document.source_path if document.source_path else None]
        found = next((c for c in candidates if c is not None and c.is_file()
                      and c.name == document.source_path), None)
        if found is None:
            raise SourceFileNotFoundError(
                f"{document.doc_id}: cannot find its file {document.source_path or '(unknown)'} to write the "
                f"correction beside; ingest the file again (`policyqa ingest PATH` records where it is), or "
                f"write {document.source_path or '<file>'}.meta.toml beside it yourself and ingest it")
        return found

    def _reparse(self, file: Path, doc_id: str) -> ParsedDocument:
        from policyqa.ingest.pipeline import ingest_paths

        result = ingest_paths([file], self.config)  # the file with its folder's catalog and its sidecar
        if result.skipped:
            raise result.skipped[0]
        parsed = result.parsed[0]
        if parsed.document.doc_id != doc_id:
            raise SourceFileNotFoundError(
                f"{doc_id}: {file} now reads as document {parsed.document.doc_id!r}, not this one; "
                "correct it by hand in its sidecar and ingest it again")
        return parsed

    def upload(self, files: Sequence[UploadFile], *, progress: StepProgress | None = None) -> UploadReport:
        """Validate, stage, parse and index each file on its own; a bad file never costs the others.

        A file is kept in ``uploads/`` only once the index has taken it.
        """
        outcomes: list[FileOutcome] = []
        with self._writing() as writer:
            for i, file in enumerate(files):
                if progress is not None:
                    progress(i, len(files), file.name)
                outcomes.append(self._upload_one(writer, file))
            if progress is not None:
                progress(len(files), len(files), "")
            version = writer.version
        return UploadReport(tuple(outcomes), version)

    def _upload_one(self, writer: ClauseIndex, file: UploadFile) -> FileOutcome:
        from policyqa.ingest.pipeline import parse_file

        staged: Path | None = None
        try:
            staged = stage_upload(file.path, file.name, self.root, max_bytes=self.config.max_bytes)
            parsed = parse_file(staged, config=self.config)
            check_not_another_document(writer, parsed, self.uploads)
            report = writer.add([parsed], progress=True)
        except IngestError as exc:
            return self._refuse(staged, file, exc.problem)
        except PolicyqaError as exc:  # e.g. IndexWriteError (disk full): the index is unchanged
            return self._refuse(staged, file, str(exc))
        except Exception:  # noqa: BLE001 - one file's bug must not lose the rest of the batch
            log.exception("upload of %s failed", file.name)  # the traceback is the bug report
            return self._refuse(staged, file, "内部错误，详见服务器日志 (internal error, see the server log)")
        commit_upload(staged)
        return FileOutcome(file.name, True, doc_id=parsed.document.doc_id, title=parsed.document.title,
                           clause_count=len(parsed.clauses), changed=report.changed)

    @staticmethod
    def _refuse(staged: Path | None, file: UploadFile, problem: str) -> FileOutcome:
        if staged is not None:
            discard_upload(staged)
        return FileOutcome(file.name, False, problem=problem)


def check_not_another_document(writer: ClauseIndex, parsed: ParsedDocument, uploads: Path) -> None:
    """Refuse an upload whose document id belongs to a different document.

    The id comes from the (sanitised) file name, so ``a/plan.txt`` and ``plan.txt`` are the same
    upload, and uploading it again replaces that upload: that is an update. But an upload must
    not replace a document that came from elsewhere (the bundled corpus, `policyqa ingest`) just
    because its name slugs to the same id.

    Raises:
        UploadConflictError: the index holds a document with this id that is not this upload.
    """
    doc_id = parsed.document.doc_id
    existing = next((i.document for i in writer.documents() if i.document.doc_id == doc_id), None)
    if existing is None:
        return
    same_upload = existing.source_path == parsed.document.source_path and (uploads / existing.source_path).is_file()
    if not same_upload:
        raise UploadConflictError(
            parsed.document.source_path,
            f"文库中已有 ID 为 {doc_id} 的另一份文件《{existing.title}》，请改名后上传 "
            f"(a different document already has the id {doc_id}; rename the file)")
