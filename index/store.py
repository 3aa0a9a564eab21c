"""The seam between ``ClauseIndex`` and where an index version lives: the ``StoreBackend`` protocol.

``ClauseIndex`` keeps what is the same on every store — the embedder and its query-vector cache,
classifying documents into new / changed / unchanged, query expansion, fusion, hits. A backend
holds versions: it builds one, swaps it in atomically, follows the live one, and answers the reads
(documents, clauses, neighbours, the lexicon) and both retrievers' candidates on it.

Backends are chosen by a store URI (``POLICYQA_STORE`` / ``--store``):

* ``local`` (the default): today's files under the index directory (``index.local_store``);
* ``milvus-lite:PATH.db``: Milvus embedded in this process, for tests and single-machine trials;
* ``milvus://host:19530`` (or ``milvus+tls://…``): a Milvus server or cluster (``index.milvus_store``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import numpy as np

from policyqa.index.errors import IndexStoreError

if TYPE_CHECKING:
    from policyqa.index.builder import AddReport, BuildOptions, ProgressCallback
    from policyqa.index.embed_cache import EmbeddingCache
    from policyqa.index.embedders import Embedder
    from policyqa.index.hybrid import Candidates, Filters, FusionParams
    from policyqa.index.lexicon import Lexicon
    from policyqa.index.persist import Manifest
    from policyqa.model import Clause, Document, ParsedDocument

LOCAL = "local"
DEFAULT_COLLECTION = "policyqa"  # the alias a Milvus store serves; `?collection=NAME` overrides it


class StoreBackend(Protocol):
    """Where one index's versions live. Positions (``Candidates.positions``) are per version."""

    uri: str

    @property
    def version(self) -> str:
        """The live version's name ('' before the first build)."""

    @property
    def manifest(self) -> Manifest | None:
        """The live version's manifest (None before the first build)."""

    def refresh(self) -> None:
        """Follow the live version if another process committed a newer one."""

    def follow(self) -> None:
        """``refresh`` when the live pointer may have moved (cheap; called before each search)."""

    def write_lock(self, timeout: float | None) -> contextlib.AbstractContextManager[None]:
        """Serialise writers of this index."""

    def build(self, upserts: Sequence[ParsedDocument], removals: set[str], embedder: Embedder,
              cache: EmbeddingCache | None, *, options: BuildOptions, report: AddReport, progress: bool,
              on_progress: ProgressCallback | None = None, reembed: bool = False) -> None:
        """Build the next version from the live one and swap it in last; a failure leaves the live one.

        ``on_progress(done, total)`` follows the embedding; ``reembed`` embeds every kept clause again
        (the live version's vectors come from another engine of the same model)."""

    def documents(self) -> list[tuple[Document, int]]:
        """Documents in ingest order with their clause counts."""

    def clauses(self, doc_id: str | None = None) -> list[Clause]:
        """Every clause (position order), or one document's (reading order)."""

    def clause(self, clause_id: str) -> Clause | None:
        """One clause by id."""

    def context(self, clause_id: str, before: int, after: int) -> list[Clause]:
        """The clause with up to ``before``/``after`` neighbours from its document."""

    @property
    def lexicon(self) -> Lexicon | None:
        """Corpus-wide lexical facts of the live version."""

    def allowed(self, filters: Filters) -> Any:
        """The backend's form of a filter (positions, an expression), for ``candidates``."""

    def candidates(self, text: str, qvec: np.ndarray, fusion: FusionParams, n: int,
                   allowed: Any = None) -> Candidates | None:
        """Both retrievers' candidates for the (expanded, search-form) query ``text``."""

    def clauses_at(self, positions: Sequence[int]) -> dict[int, Clause]:
        """Clauses of the live version by position."""

    def close(self) -> None:
        """Release connections and files."""


def store_kind(uri: str) -> str:
    """``local``, ``milvus-lite`` or ``milvus`` for a store URI.

    Raises:
        IndexStoreError: an unknown scheme (the message lists the known ones).
    """
    uri = (uri or LOCAL).strip()
    if uri == LOCAL:
        return LOCAL
    if uri.startswith("milvus-lite:"):
        return "milvus-lite"
    if uri.startswith(("milvus://", "milvus+tls://", "http://", "https://")):
        return "milvus"
    raise IndexStoreError(
        f"unknown store {uri!r}; use 'local', 'milvus-lite:PATH.db' or 'milvus://HOST:19530' (POLICYQA_STORE / --store)")


def make_store(uri: str, root: Path, *, token: str = "") -> StoreBackend:
    """The backend a store URI names; ``root`` is the local index directory (its files for ``local``;
    the embedding cache, write lock and lexicon cache for Milvus)."""
    kind = store_kind(uri)
    if kind == LOCAL:
        from policyqa.index.local_store import LocalStore

        return LocalStore(root)
    from policyqa.index.milvus_store import MilvusStore

    return MilvusStore(uri.strip(), root, token=token)


def store_variant(uri: str, suffix: str) -> str:
    """The same store holding a second, separate index (its collection name gets ``_suffix``); ``local``
    stays ``local`` (a separate index there is a separate directory)."""
    if store_kind(uri) == LOCAL:
        return LOCAL
    from urllib.parse import parse_qsl, urlencode

    base, _, query = uri.partition("?")
    params = dict(parse_qsl(query))
    params["collection"] = f"{params.get('collection', DEFAULT_COLLECTION)}_{suffix}"
    return f"{base}?{urlencode(params)}"
