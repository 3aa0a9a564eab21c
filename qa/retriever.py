"""ClauseRetriever: the index as a LangChain retriever — the only place LangChain ``Document``s are made.

>>> from qa.retriever import ClauseRetriever
>>> retriever = ClauseRetriever(index=index, k=5)                       # doctest: +SKIP
>>> docs = retriever.invoke("Who leads cold-chain logistics in Suzhou?")  # doctest: +SKIP
>>> docs[0].metadata["leads"]                                           # doctest: +SKIP
['市发展改革委']
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LcDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from policyqa.index.hybrid import Filters, Hit


def hit_to_document(hit: Hit) -> LcDocument:
    """A hit as a LangChain Document: the clause's original text, and the search JSON as metadata
    (plus ``source`` and ``matched_terms``)."""
    metadata = {**hit.to_dict(), "source": hit.source, "matched_terms": list(hit.matched_terms)}
    return LcDocument(page_content=hit.clause.text, metadata=metadata, id=hit.clause.clause_id)


class ClauseRetriever(BaseRetriever):
    """Hybrid clause search (``ClauseIndex.search``) behind LangChain's retriever interface.

    Attributes:
        index: a ``ClauseIndex`` (typed loosely so pydantic does not validate it).
        k: results per query.
        filters: optional ``Filters`` applied to every query.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[LcDocument]:
        from policyqa.qa.question.language import search_query

        text = search_query(query, getattr(self.index, "lexicon", None))
        return [hit_to_document(h) for h in self.index.search(text, k=self.k, filters=self.filters)]
