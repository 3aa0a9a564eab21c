"""Build the next index version from the live one plus added, changed and removed documents.

Unchanged documents are copied with their vectors (from the live version's ``vectors.npy``) and their
tokens; only new or changed clauses are embedded (through the embedding cache, so even those are free
when their text was embedded before). Everything is written into a fresh ``v-<stamp>/``; the caller
commits it with ``persist.commit_version``.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from policyqa.index.bm25_store import Bm25Store
from policyqa.index.dense import WINDOW_OWNERS, WINDOW_VECTORS, save_mean, sentence_windows
from policyqa.index.clause_store import ClauseRow, ClauseStore, text_sha
from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache
from policyqa.index.embedders import Embedder
from policyqa.index.faiss_store import ANN_THRESHOLD, VECTORS_FILE, FaissStore, choose_kind
from policyqa.index.lexicon import build_lexicon
from policyqa.index.npy_files import NpyRowWriter
from policyqa.index.persist import Manifest, package_version
from policyqa.index.tokenize import ClauseTokenizer, changed_words
from policyqa.index.version import IndexVersion
from policyqa.model import Clause, Document, ParsedDocument
from policyqa.ingest import PARSER_VERSION
from policyqa.ingest.normalize import to_search_form

log = logging.getLogger(__name__)

PASSAGE_FORMATS = ("text", "path")
DEFAULT_PASSAGE_FORMAT = "text"  # headings prepended ("path") made the dense side worse on the dev set


@dataclass
class AddReport:
    """What an ``add`` or ``remove`` changed (document ids), and how many clauses it embedded."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    clauses_embedded: int = 0
    windows_embedded: int = 0                   # sentence windows of long clauses (``index.dense``)
    clause_count: int = 0
    version: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True)
class BuildOptions:
    passage_format: str = DEFAULT_PASSAGE_FORMAT
    faiss_kind: str = "auto"
    ann_threshold: int = ANN_THRESHOLD


def passage_text(clause: Clause, fmt: str) -> str:
    """The text embedded for a clause. ``path`` prefixes the enclosing headings, so a short clause
    (“加快蕲县港建设”) carries its section's topic; ``text`` embeds the clause alone."""
    if fmt == "path" and len(clause.path) > 1:
        context = to_search_form(" ".join(clause.path[:-1]))
        return f"{context}\n{clause.search_text}"
    return clause.search_text


def user_words(document: Document, clauses: Iterable[Clause]) -> set[str]:
    """Unit and place names that must stay one token: every lead and cooperating unit, and the
    document's province, city and district."""
    words = {document.province, document.city, document.district}
    for clause in clauses:
        words.update(clause.leads)
        words.update(clause.cooperating)
        words.update(clause.responsible)
    return {to_search_form(w) for w in words if w and len(w) <= 20}


def with_document_fields(document: Document, clause: Clause) -> Clause:
    """Fill a clause's document fields from its document where the parser left them empty."""
    return dataclasses.replace(
        clause, doc_title=clause.doc_title or document.title, region=clause.region or document.region,
        doc_type=clause.doc_type or document.doc_type)


def parsed_with(live: Manifest | None, documents: Iterable[str], upserts: Sequence[ParsedDocument]) -> dict[str, str]:
    """Which parser each document of a new version was parsed by: this one for those just added, the
    live version's record for those it keeps."""
    new = {p.document.doc_id for p in upserts}
    old = live.parsed if live else {}
    return {d: PARSER_VERSION if d in new else old.get(d, "") for d in documents}


def classify(live: Manifest | None, docs: Sequence[ParsedDocument],
             held: Mapping[str, Document] | None = None) -> tuple[list[ParsedDocument], AddReport]:
    """Split incoming documents into new/changed (returned) and unchanged (only reported), by the
    live version's manifest.

    Args:
        held: the documents the live version holds, by id. A document whose text is unchanged but
            whose metadata is not (a corrected sidecar: another title, region or date) is changed:
            its clauses carry the title and region. Without it, only the text counts.
    """
    known = live.documents if live else {}
    report, todo = AddReport(), {}
    for parsed in docs:  # a doc given twice: the last copy wins
        todo[parsed.document.doc_id] = parsed
    upserts = []
    for doc_id, parsed in todo.items():
        same_metadata = held is None or held.get(doc_id) == parsed.document
        # A version parsed by an older parser holds other clauses for the same text: parse it again.
        same_parse = live is not None and live.parsed.get(doc_id) == PARSER_VERSION
        if known.get(doc_id) == parsed.document.sha256 and same_metadata and same_parse:
            report.unchanged.append(doc_id)
            continue
        (report.updated if doc_id in known else report.added).append(doc_id)
        upserts.append(parsed)
    return upserts, report


BUILD_CHUNK = 20_000  # clauses parsed into rows, embedded and written at a time: bounded memory at 1M
EMBED_STEP = 64       # clauses (with their sentence windows) embedded between two progress updates

ProgressCallback = Callable[[int, int], None]  # (clauses done, clauses to do)


def build_version(vdir: Path, live: IndexVersion | None, upserts: Sequence[ParsedDocument],
                  removals: set[str], embedder: Embedder, cache: EmbeddingCache | None, *,
                  options: BuildOptions, report: AddReport, progress: bool,
                  on_progress: ProgressCallback | None = None, reembed: bool = False) -> Manifest:
    """Write a complete version (all but its manifest) into the empty ``vdir``; returns its manifest.

    Clauses stream through in chunks of about ``BUILD_CHUNK``: each chunk's rows go to SQLite and its
    clause and window vectors to ``vectors.npy`` / ``windows.npy`` on disk before the next chunk is
    read, so memory holds one chunk, not the corpus. FAISS, BM25 and the lexicon are then built from
    those files and from the clause store.

    Args:
        progress: show a tqdm bar on stderr that moves every ``EMBED_STEP`` clauses (rate, time left).
        on_progress: also called with (clauses done, clauses to do) at each step (the web app's bar).
        reembed: embed the kept documents' clauses again instead of copying their vectors (the live
            version's vectors come from another engine).
    """
    replaced = removals | {p.document.doc_id for p in upserts}
    kept_docs = [(d, words) for d, words in (live.store.documents_with_words() if live else [])
                 if d.doc_id not in replaced]
    new_words = {p.document.doc_id: user_words(p.document, p.clauses) for p in upserts}
    all_words = set().union(*(w for _, w in kept_docs), *new_words.values())
    tokenizer = ClauseTokenizer(all_words)
    retokenize = changed_words(live.tokenizer.user_words if live else (), tokenizer.user_words)

    store = ClauseStore.create(vdir)
    out = _Arrays(vdir, embedder.dim)
    try:
        n_new = sum(len(p.clauses) for p in upserts)
        n_kept = sum(n for d, n in live.store.documents() if d.doc_id not in replaced) if live and reembed else 0
        with _Progress(n_new + n_kept, progress, on_progress) as bar:
            embed = _Embedding(out, embedder, cache, report, bar)
            pos = _copy_kept(live, kept_docs, store, tokenizer, retokenize, out, embed,
                             options.passage_format if reembed else None)
            with tokenizer.batches(n_new) as tokens_of:
                for first, chunk in _document_chunks(upserts, BUILD_CHUNK, start=len(kept_docs)):
                    rows = _new_rows(chunk, tokens_of, options.passage_format, store, first, new_words)
                    store.append_rows(pos, rows)
                    embed.clauses(pos, [passage_text(r.clause, options.passage_format) for r in rows],
                                  [r.clause.search_text for r in rows])
                    pos += len(rows)
        store.commit()
        vectors, _, _ = out.finish()
        kind = choose_kind(options.faiss_kind, len(vectors), options.ann_threshold)
        FaissStore.build(vdir, vectors, kind, save_vectors=False)
        save_mean(vdir, vectors)
        if len(vectors):  # bm25s cannot index an empty corpus; search returns nothing for one anyway
            Bm25Store.build(vdir, store.iter_tokens())
        build_lexicon(vdir, store.iter_search_texts())
        documents = {d.doc_id: d.sha256 for d, _ in store.documents()}
    except BaseException:
        out.close()  # the caller removes the half-written version directory
        raise
    finally:
        store.close()
    report.clause_count = len(vectors)
    return Manifest(schema_version=1, package_version=package_version(), embedder=embedder.name,
                    dim=embedder.dim, tokenizer=tokenizer.signature, faiss_kind=kind,
                    clause_count=len(vectors), documents=documents,
                    passage_format=options.passage_format, created=vdir.name,
                    engine=getattr(embedder, "engine", embedder.name),
                    model_sha256=getattr(embedder, "model_sha256", ""),
                    parsed=parsed_with(live.manifest if live else None, documents, upserts))


class _Arrays:
    """The version's vector files, written row chunk by row chunk (``index.npy_files``)."""

    def __init__(self, vdir: Path, dim: int) -> None:
        self.vectors = NpyRowWriter(vdir / VECTORS_FILE, dim)
        self.windows = NpyRowWriter(vdir / WINDOW_VECTORS, dim)
        self.owners = NpyRowWriter(vdir / WINDOW_OWNERS, None, np.int64)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.vectors.finish(), self.windows.finish(), self.owners.finish()

    def close(self) -> None:
        for writer in (self.vectors, self.windows, self.owners):
            writer.close()


class _Progress:
    """The build's progress: a tqdm bar on stderr (clauses done / total, rate, time left) and an
    optional callback, both moved after every embedded step."""

    def __init__(self, total: int, show: bool, callback: ProgressCallback | None) -> None:
        from tqdm import tqdm

        self.total, self.done, self._callback = total, 0, callback
        self._bar = tqdm(total=total, desc="indexing clauses", unit="clause", disable=not show or not total,
                         leave=False, dynamic_ncols=True)

    def __enter__(self) -> _Progress:
        if self._callback and self.total:
            self._callback(0, self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()

    def update(self, n: int) -> None:
        self.done += n
        self._bar.update(n)
        if self._callback:
            self._callback(self.done, self.total)


class _Embedding:
    """Embeds clauses and their sentence windows step by step, appending to the version's arrays."""

    def __init__(self, out: _Arrays, embedder: Embedder, cache: EmbeddingCache | None, report: AddReport,
                 bar: _Progress) -> None:
        self.out, self.embedder, self.cache, self.report, self.bar = out, embedder, cache, report, bar

    def clauses(self, first_pos: int, passages: Sequence[str], search_texts: Sequence[str]) -> None:
        """Vectors for clauses at ``first_pos``… (their passage texts) and their search texts' windows."""
        for start in range(0, len(passages), EMBED_STEP):
            step = passages[start:start + EMBED_STEP]
            vectors, embedded = embed_with_cache(self.embedder, step, self.cache)
            self.out.vectors.append(vectors)
            self.report.clauses_embedded += embedded
            self.report.windows_embedded += _add_windows(
                self.out, [(first_pos + start + i, t) for i, t in enumerate(search_texts[start:start + len(step)])],
                self.embedder, self.cache)
            self.bar.update(len(step))


def _document_chunks(docs: Sequence[ParsedDocument], size: int, *, start: int
                     ) -> Iterator[tuple[int, list[ParsedDocument]]]:
    """Runs of whole documents of about ``size`` clauses, each with the ``ord`` of its first document."""
    chunk: list[ParsedDocument] = []
    clauses, first = 0, start
    for parsed in docs:
        chunk.append(parsed)
        clauses += len(parsed.clauses)
        if clauses >= size:
            yield first, chunk
            first, chunk, clauses = first + len(chunk), [], 0
    if chunk:
        yield first, chunk


def _copy_kept(live: IndexVersion | None, kept_docs: list[tuple[Document, set[str]]], store: ClauseStore,
               tokenizer: ClauseTokenizer, retokenize: set[str], out: _Arrays, embed: _Embedding,
               reembed_format: str | None) -> int:
    """Copy unchanged documents' rows, vectors and windows into the new version, one document at a time;
    returns the number of clause rows copied (the first new clause's position). With ``reembed_format``
    (a passage format) their clauses and windows are embedded again instead of copied."""
    pos = 0
    for ord_, (document, words) in enumerate(kept_docs):
        assert live is not None
        store.add_document(document, ord_, words)
        rows = live.store.stored_rows(document.doc_id)
        for row in rows:
            text = row.values["search_text"]
            if retokenize and any(w in text for w in retokenize):
                row.values["tokens"] = "\t".join(tokenizer.tokenize(text))
        store.append_stored(pos, rows)
        if reembed_format is not None:
            clauses = live.store.clauses(document.doc_id)
            embed.clauses(pos, [passage_text(c, reembed_format) for c in clauses],
                          [r.values["search_text"] for r in rows])
            pos += len(rows)
            continue
        old = np.array([r.old_pos for r in rows], dtype=np.int64)
        out.vectors.append(live.faiss.vectors[old])
        if live.dense.has_windows:
            windows, local = live.dense.windows_of(old)
            out.windows.append(windows)
            out.owners.append(pos + local)
        else:  # a version from before sentence windows: its clauses get theirs now
            embed.report.windows_embedded += _add_windows(
                out, [(pos + i, r.values["search_text"]) for i, r in enumerate(rows)], embed.embedder, embed.cache)
        pos += len(rows)
    return pos


def _new_rows(chunk: Sequence[ParsedDocument], tokens_of: Callable[[list[str]], list[str]], fmt: str,
              store: ClauseStore, first_ord: int, words: dict[str, set[str]]) -> list[ClauseRow]:
    clauses: list[tuple[int, Clause, str]] = []
    for offset, parsed in enumerate(chunk):
        document = parsed.document
        store.add_document(document, first_ord + offset, words[document.doc_id])
        title = to_search_form(document.title)
        clauses.extend((ord_, with_document_fields(document, c), title) for ord_, c in enumerate(parsed.clauses))
    tokens = tokens_of([c.search_text for _, c, _ in clauses])
    return [ClauseRow(clause, ord_, text_sha(passage_text(clause, fmt)), toks, title)
            for (ord_, clause, title), toks in zip(clauses, tokens)]


def _add_windows(out: _Arrays, clauses: Sequence[tuple[int, str]], embedder: Embedder,
                 cache: EmbeddingCache | None) -> int:
    """Embed the sentence windows of ``(position, search text)`` clauses (through the cache) and append
    them with their owners; returns how many distinct windows were embedded."""
    todo = [(pos, w) for pos, text in clauses for w in sentence_windows(text)]
    if not todo:
        return 0
    vectors, embedded = embed_with_cache(embedder, [w for _, w in todo], cache)
    out.windows.append(vectors)
    out.owners.append(np.array([pos for pos, _ in todo], dtype=np.int64))
    return embedded
