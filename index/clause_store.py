"""SQLite store of one index version's documents and clauses.

A clause's ``pos`` is its row in the FAISS and BM25 arrays (0..n-1, reading order); hits are turned
back into ``Clause`` objects here, by position, so opening an index loads no clause text.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from policyqa.model import Clause, Document

DB_NAME = "clauses.sqlite"

_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, ord INTEGER NOT NULL, sha256 TEXT NOT NULL,
                        data TEXT NOT NULL, words TEXT NOT NULL);  -- words: its tokenizer user words
CREATE TABLE clauses (pos INTEGER PRIMARY KEY, clause_id TEXT NOT NULL, doc_id TEXT NOT NULL,
                      ord INTEGER NOT NULL, kind TEXT NOT NULL, has_resp INTEGER NOT NULL,
                      region TEXT NOT NULL, doc_type TEXT NOT NULL, doc_title TEXT NOT NULL,  -- search form
                      text_sha TEXT NOT NULL, tokens TEXT NOT NULL, search_text TEXT NOT NULL,
                      data TEXT NOT NULL);
CREATE INDEX clauses_doc ON clauses (doc_id, ord);
CREATE INDEX clauses_id ON clauses (clause_id);
"""

_ROW_FIELDS = ("clause_id", "doc_id", "ord", "kind", "has_resp", "region", "doc_type", "doc_title",
               "text_sha", "tokens", "search_text", "data")


def text_sha(text: str) -> str:
    """Content hash of an embedded text: the embedding cache key, with the embedder's name."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ClauseRow:
    """A clause as stored: the model plus what the index derived from it."""

    clause: Clause
    ord: int
    text_sha: str          # sha of the passage text that was embedded
    tokens: str            # tab-joined tokens (``ClauseTokenizer.token_strings``)
    title_search: str      # the document title in search form, for the region filter

    def values(self) -> tuple[Any, ...]:
        c = self.clause
        return (c.clause_id, c.doc_id, self.ord, c.kind, int(c.has_responsibility), c.region,
                c.doc_type, self.title_search, self.text_sha, self.tokens, c.search_text,
                json.dumps(c.to_dict(), ensure_ascii=False))


@dataclass(frozen=True)
class StoredRow:
    """A row read back for copying into the next version (``old_pos`` finds its vector)."""

    old_pos: int
    values: dict[str, Any]


class ClauseStore:
    """One version's SQLite database. Use ``create`` to build, ``open`` to read."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn, self.path = conn, path

    @classmethod
    def create(cls, vdir: Path) -> ClauseStore:
        path = vdir / DB_NAME
        conn = sqlite3.connect(path)
        conn.executescript(_SCHEMA)
        return cls(conn, path)

    @classmethod
    def open(cls, vdir: Path) -> ClauseStore:
        path = vdir / DB_NAME
        # Read-only: a reader can never modify a version; check_same_thread off for the web app's threads.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    # --- writing -------------------------------------------------------------------------------
    def add_document(self, document: Document, ord_: int, words: Iterable[str] = ()) -> None:
        self._conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                           (document.doc_id, ord_, document.sha256,
                            json.dumps(document.to_dict(), ensure_ascii=False), "\t".join(sorted(words))))

    def append_rows(self, start_pos: int, rows: Sequence[ClauseRow]) -> None:
        self._conn.executemany(
            f"INSERT INTO clauses (pos, {', '.join(_ROW_FIELDS)}) VALUES ({', '.join('?' * 13)})",
            [(start_pos + i, *row.values()) for i, row in enumerate(rows)])

    def append_stored(self, start_pos: int, rows: Sequence[StoredRow]) -> None:
        self._conn.executemany(
            f"INSERT INTO clauses (pos, {', '.join(_ROW_FIELDS)}) VALUES ({', '.join('?' * 13)})",
            [(start_pos + i, *(r.values[f] for f in _ROW_FIELDS)) for i, r in enumerate(rows)])

    def commit(self) -> None:
        self._conn.commit()

    # --- reading -------------------------------------------------------------------------------
    def documents(self) -> list[tuple[Document, int]]:
        """Documents in ingest order, each with its clause count."""
        cur = self._conn.execute(
            "SELECT d.data, (SELECT COUNT(*) FROM clauses c WHERE c.doc_id = d.doc_id) "
            "FROM documents d ORDER BY d.ord")
        return [(Document.from_dict(json.loads(data)), count) for data, count in cur]

    def documents_with_words(self) -> list[tuple[Document, set[str]]]:
        """Documents in ingest order with the user words their clauses contributed."""
        cur = self._conn.execute("SELECT data, words FROM documents ORDER BY ord")
        return [(Document.from_dict(json.loads(d)), set(w.split("\t")) - {""}) for d, w in cur]

    def user_words(self) -> set[str]:
        return set().union(*(w for _, w in self.documents_with_words()))

    def document_data(self, doc_id: str) -> dict[str, Any] | None:
        row = self._conn.execute("SELECT data FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def stored_rows(self, doc_id: str) -> list[StoredRow]:
        cur = self._conn.execute(
            f"SELECT pos, {', '.join(_ROW_FIELDS)} FROM clauses WHERE doc_id = ? ORDER BY ord", (doc_id,))
        return [StoredRow(r[0], dict(zip(_ROW_FIELDS, r[1:]))) for r in cur]

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM clauses").fetchone()[0])

    def clauses_at(self, positions: Sequence[int]) -> dict[int, Clause]:
        """Clauses by position (a dict; callers keep their own order)."""
        out: dict[int, Clause] = {}
        for chunk in _chunks(list(positions), 500):
            marks = ",".join("?" * len(chunk))
            for pos, data in self._conn.execute(
                    f"SELECT pos, data FROM clauses WHERE pos IN ({marks})", chunk):
                out[pos] = Clause.from_dict(json.loads(data))
        return out

    def fields_at(self, positions: Sequence[int], *names: str) -> dict[int, tuple[Any, ...]]:
        """Some columns (e.g. kind, tokens) by position, without decoding whole clauses."""
        bad = set(names) - set(_ROW_FIELDS)
        if bad:
            raise ValueError(f"unknown clause columns {sorted(bad)}")
        out: dict[int, tuple[Any, ...]] = {}
        for chunk in _chunks(list(positions), 500):
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                    f"SELECT pos, {', '.join(names)} FROM clauses WHERE pos IN ({marks})", chunk):
                out[row[0]] = row[1:]
        return out

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        sql, args = "SELECT data FROM clauses ORDER BY pos", ()
        if doc_id is not None:
            sql, args = "SELECT data FROM clauses WHERE doc_id = ? ORDER BY ord", (doc_id,)
        return [Clause.from_dict(json.loads(d)) for (d,) in self._conn.execute(sql, args)]

    def position_of(self, clause_id: str) -> int | None:
        row = self._conn.execute("SELECT pos FROM clauses WHERE clause_id = ? ORDER BY pos LIMIT 1",
                                 (clause_id,)).fetchone()
        return int(row[0]) if row else None

    def neighbours(self, pos: int, before: int, after: int) -> list[Clause]:
        """The clause at ``pos`` with up to ``before``/``after`` clauses of the same document around it."""
        doc_id, ord_ = self._conn.execute("SELECT doc_id, ord FROM clauses WHERE pos = ?", (pos,)).fetchone()
        cur = self._conn.execute(
            "SELECT data FROM clauses WHERE doc_id = ? AND ord BETWEEN ? AND ? ORDER BY ord",
            (doc_id, ord_ - before, ord_ + after))
        return [Clause.from_dict(json.loads(d)) for (d,) in cur]

    def any_text_contains(self, term: str) -> bool:
        """True when some clause's search text contains ``term`` (Latin letters case-insensitive)."""
        column = "lower(search_text)" if term.lower() != term.upper() else "search_text"
        row = self._conn.execute(f"SELECT 1 FROM clauses WHERE instr({column}, ?) > 0 LIMIT 1",
                                 (term.lower() if column != "search_text" else term,)).fetchone()
        return row is not None

    def iter_search_texts(self) -> Iterator[str]:
        """Every clause's search text in position order."""
        for (text,) in self._conn.execute("SELECT search_text FROM clauses ORDER BY pos"):
            yield text

    def iter_tokens(self) -> Iterator[list[str]]:
        """Every clause's tokens in position order (to build BM25), interned: the same word in a million
        clauses is one string object, not a million."""
        for (tokens,) in self._conn.execute("SELECT tokens FROM clauses ORDER BY pos"):
            yield [sys.intern(t) for t in tokens.split("\t")] if tokens else []

    def filter_positions(self, where: str, args: Iterable[Any]) -> np.ndarray:
        """Positions matching a SQL condition over the clause columns (built by ``hybrid.Filters``)."""
        cur = self._conn.execute(f"SELECT pos FROM clauses WHERE {where} ORDER BY pos", tuple(args))
        return np.fromiter((p for (p,) in cur), dtype=np.int64)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
