"""The naive-RAG baseline that common Chinese RAG stacks ship, measured beside policyqa in the same run.

Raw document text → LangChain ``RecursiveCharacterTextSplitter`` (750 characters, 150 overlap, Chinese
sentence separators) → the same embedder as the engine → ``langchain_community`` FAISS → the top chunk is
the answer. No intent logic: it never abstains and names no units. It is a baseline, not a strawman: it
gets the engine's own embedder, and its chunks keep whole sentences.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyqa.eval.metrics import Passage

CHUNK_SIZE = 750
CHUNK_OVERLAP = 150
# The separator list of the usual Chinese recursive splitters: paragraphs, lines, then sentence ends,
# clause breaks, and characters as the last resort.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", ";", "，", ",", " ", ""]


@dataclass(frozen=True, slots=True)
class BaselineAnswer:
    """What the baseline returns for one question: the top chunks, the first of which is the answer."""

    passages: tuple[Passage, ...]
    latency_ms: float

    @property
    def text(self) -> str:
        return self.passages[0].text if self.passages else ""


class NaiveRag:
    """Chunk, embed and search raw texts the way a stock LangChain pipeline does.

    Args:
        documents: ``(doc_id, raw_text)`` pairs.
        embedder: a LangChain ``Embeddings`` (pass the engine's, so only the pipeline differs).
        cache_path: the index's embedding cache (``index.embed_cache``): a chunk embedded in an
            earlier run is not embedded again. The vectors are the same ones ``from_documents`` makes.

    Example:
        >>> rag = NaiveRag([("d1", "冷链物流由市发展改革委牵头。")], embedder)  # doctest: +SKIP
        >>> rag.ask("冷链物流谁牵头？").text                                   # doctest: +SKIP
    """

    def __init__(self, documents: Sequence[tuple[str, str]], embedder: Any, *, cache_path: Path | None = None) -> None:
        with warnings.catch_warnings():  # langchain-community announces its sunset on import
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, separators=SEPARATORS,
            keep_separator="end",
        )
        docs = [Document(page_content=text, metadata={"doc_id": doc_id}) for doc_id, text in documents]
        self.chunks = splitter.split_documents(docs)
        if not self.chunks:
            raise ValueError("the baseline needs at least one non-empty document")
        if cache_path is None or not hasattr(embedder, "name"):
            self.store = FAISS.from_documents(self.chunks, embedder)
            return
        from policyqa.index.embed_cache import EmbeddingCache, embed_with_cache

        cache = EmbeddingCache(cache_path)
        try:
            vectors = embed_with_cache(embedder, [c.page_content for c in self.chunks], cache)[0]
        finally:
            cache.close()
        pairs = [(c.page_content, v.tolist()) for c, v in zip(self.chunks, vectors)]
        self.store = FAISS.from_embeddings(pairs, embedder, metadatas=[c.metadata for c in self.chunks])

    def search(self, question: str, k: int = 10) -> list[Passage]:
        """The ``k`` nearest chunks to the question."""
        found = self.store.similarity_search(question, k=k)
        return [Passage(d.metadata["doc_id"], d.page_content) for d in found]

    def ask(self, question: str, k: int = 10) -> BaselineAnswer:
        """Retrieve the top ``k`` chunks; the first is the answer, timed end to end."""
        start = time.perf_counter()
        passages = tuple(self.search(question, k))
        return BaselineAnswer(passages, (time.perf_counter() - start) * 1000.0)
