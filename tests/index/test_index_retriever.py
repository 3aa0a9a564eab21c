"""ClauseRetriever: LangChain Documents carrying the search JSON."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from policyqa.index.clause_index import ClauseIndex
from policyqa.index.hybrid import Filters
from policyqa.qa.retriever import ClauseRetriever


def test_retriever_returns_documents_with_search_metadata(seed_index: ClauseIndex) -> None:
    retriever = ClauseRetriever(index=seed_index, k=3)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("冷链物流由谁牵头？")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    meta = docs[0].metadata
    assert meta["rank"] == 1 and docs[0].page_content == meta["text"] and docs[0].id == meta["clause_id"]
    assert {"score", "doc_id", "doc_title", "region", "path", "leads", "cooperating", "source",
            "matched_terms"} <= set(meta)


def test_retriever_filters(seed_index: ClauseIndex) -> None:
    retriever = ClauseRetriever(index=seed_index, k=5, filters=Filters(doc_ids=("yongqiao-pairing-plan-2022",)))
    assert {d.metadata["doc_id"] for d in retriever.invoke("干部挂职")} == {"yongqiao-pairing-plan-2022"}
