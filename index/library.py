"""Library: the one write service of an index — ingest, remove, rebuild, upload — for the CLI and the web app.

`policyqa ingest/remove` and the 文库 tab (upload, delete, re-index) both write through a ``Library``,
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policyqa.errors import PolicyqaError
from policyqa.index.builder import AddReport, BuildOptions
from policyqa.index.clause_index import ClauseIndex
from policyqa.index.embedders import Embedder
from policyqa.index.hybrid import FusionParams
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
from policyqa.model import ParsedDocument

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
