"""The local store backend: versions as files under the index directory (``index.persist`` layout).

FAISS + bm25s + SQLite per version, swapped in through ``CURRENT``. Every search first follows
``CURRENT`` (one ``stat``), so a server sees another process's ingest from its next query on; a
query runs wholly on one version, the old or the new.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from policyqa.index.builder import AddReport, BuildOptions, ProgressCallback, build_version
from policyqa.index.embed_cache import EmbeddingCache
from policyqa.index.embedders import Embedder
from policyqa.index.errors import IndexNotFoundError, IndexWriteError
from policyqa.index.hybrid import Candidates, Filters, FusionParams
from policyqa.index.lexicon import Lexicon
from policyqa.index.persist import CURRENT, Manifest, commit_version, current_version, new_version_dir, write_lock
from policyqa.index.version import IndexVersion
from policyqa.ingest.normalize import to_search_form
from policyqa.model import Clause, Document, ParsedDocument

log = logging.getLogger(__name__)

_OPEN_ATTEMPTS = 5  # CURRENT re-read when the version it named was collected before we could hold it


class LocalStore:
    """Versions in ``root`` (``v-<stamp>/`` directories and ``CURRENT``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.uri = "local"
        self.live: IndexVersion | None = None
        self._current_stat: tuple[int, int] | None = None  # (inode, mtime) of CURRENT when last followed

    # --- life cycle ----------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.live.dir.name if self.live else ""

    @property
    def manifest(self) -> Manifest | None:
        return self.live.manifest if self.live else None

    def refresh(self) -> None:
        for _ in range(_OPEN_ATTEMPTS):
            stat = self._stat_current()
            vdir = current_version(self.root)
            if vdir is None or vdir.name == self.version:
                self._current_stat = stat
                return
            try:
                version = IndexVersion(vdir)
            except FileNotFoundError:
                continue  # collected after we read CURRENT: two writes went by; read it again
            # The old version is not closed here: another thread may be reading it (documents(),
            # context()); it closes, and releases its reader's lock, when the last reference goes.
            self.live = version
            self._current_stat = stat
            return
        raise IndexNotFoundError(f"{self.root / CURRENT} keeps naming versions that are being removed")

    def follow(self) -> None:
        """``refresh`` when ``CURRENT`` was replaced since we last looked (a stat, no read)."""
        if self._stat_current() != self._current_stat:
            self.refresh()

    def _stat_current(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.root / CURRENT)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def write_lock(self, timeout: float | None) -> contextlib.AbstractContextManager[None]:
        return write_lock(self.root, timeout=timeout)

    def close(self) -> None:
        if self.live is not None:
            self.live.close()
            self.live = None

    def build(self, upserts: Sequence[ParsedDocument], removals: set[str], embedder: Embedder,
              cache: EmbeddingCache | None, *, options: BuildOptions, report: AddReport, progress: bool,
              on_progress: ProgressCallback | None = None, reembed: bool = False) -> None:
        previous = self.version or "(none)"
        vdir: Path | None = None
        try:
            vdir = new_version_dir(self.root)
            manifest = build_version(vdir, self.live, upserts, removals, embedder, cache,
                                     options=options, report=report, progress=progress,
                                     on_progress=on_progress, reembed=reembed)
            commit_version(self.root, vdir, manifest)
        except BaseException as exc:
            # A Python-level failure cleans up; a kill -9 leaves the directory for the next GC.
            # (After a failed commit CURRENT still names the previous version: it is replaced last.)
            if vdir is not None and current_version(self.root) != vdir:
                shutil.rmtree(vdir, ignore_errors=True)
            if isinstance(exc, (OSError, sqlite3.OperationalError)):
                raise IndexWriteError(
                    f"{self.root}: could not write the new index version ({_describe(exc)}); nothing was "
                    f"changed, the index still serves version {previous}. Free some space (or fix the "
                    "permissions) and run the command again") from exc
            raise
        self.refresh()

    # --- reading -------------------------------------------------------------------------------
    # Each reader takes ``self.live`` once: a search in another thread may follow CURRENT meanwhile,
    # and positions from one version mean nothing in the next.
    def documents(self) -> list[tuple[Document, int]]:
        live = self.live
        return live.store.documents() if live else []

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        live = self.live
        return live.store.clauses(doc_id) if live else []

    def clause(self, clause_id: str) -> Clause | None:
        live = self.live
        pos = live.store.position_of(clause_id) if live else None
        return None if pos is None else live.store.clauses_at([pos])[pos]

    def context(self, clause_id: str, before: int, after: int) -> list[Clause]:
        live = self.live
        pos = live.store.position_of(clause_id) if live else None
        return [] if pos is None else live.store.neighbours(pos, before, after)

    @property
    def lexicon(self) -> Lexicon | None:
        return self.live.lexicon if self.live else None

    def allowed(self, filters: Filters) -> np.ndarray | None:
        live = self.live
        return None if live is None else live.store.filter_positions(*filters.to_sql(to_search_form))

    def clauses_at(self, positions: Sequence[int]) -> dict[int, Clause]:
        live = self.live
        return live.store.clauses_at(positions) if live else {}

    def candidates(self, text: str, qvec: np.ndarray, fusion: FusionParams, n: int,
                   allowed: Any = None) -> Candidates | None:
        live = self.live
        if live is None or live.manifest.clause_count == 0 or (allowed is not None and allowed.size == 0):
            return None
        tokens = live.tokenizer.tokenize(text)
        bm25 = live.bm25.scores(tokens, oov_weight=fusion.oov_weight).scores
        if allowed is not None:
            mask = np.zeros_like(bm25)
            mask[allowed] = 1.0
            bm25 = bm25 * mask
        bm25_top = _top_positive(bm25, n)
        dense_top_scores, dense_top, dense = live.dense.top(qvec, n, allowed)
        positions = np.array(sorted(set(dense_top.tolist()) | set(bm25_top.tolist())), dtype=np.int64)
        fields = live.store.fields_at(positions.tolist(), "kind", "tokens")
        return Candidates(
            positions=positions, tokens=tuple(tokens), cosines=dense[positions],
            dense_top_scores=dense_top_scores, bm25=bm25[positions],
            in_dense=np.isin(positions, dense_top), in_bm25=np.isin(positions, bm25_top),
            is_heading=np.array([fields[p][0] == "heading" for p in positions.tolist()], dtype=bool),
            clause_tokens={p: fields[p][1].split("\t") for p in positions.tolist()})


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc) or type(exc).__name__


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` highest scores above zero (unordered)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size <= n:
        return positive
    return positive[np.argpartition(-scores[positive], n - 1)[:n]]
