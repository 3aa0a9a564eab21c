"""The answer pipeline as LangChain Runnables, so a retriever or an answerer can be swapped.

``build_chain(engine)`` is ``retrieve | answer [| llm]``, each step a ``RunnableLambda``:

- retrieve: question → ``Retrieval`` (places resolved, hits from the index);
- answer:   ``Retrieval`` → extractive ``Answer``;
- llm:      extractive ``Answer`` → LLM ``Answer`` (falls back to the extractive one on error).

``build_retriever_chain(retriever, engine)`` does the same with any LangChain ``BaseRetriever``
(e.g. ``qa.retriever.ClauseRetriever`` with other settings, or a retriever over another store):
its Documents must carry the clause id as ``id`` or ``metadata["clause_id"]``.

Example:
    >>> chain = build_chain(engine)                              # doctest: +SKIP
    >>> chain.invoke("宿州市冷链物流项目由哪个部门牵头？").leads    # doctest: +SKIP
    ('市发展改革委',)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langchain_core.documents import Document as LcDocument
from langchain_core.runnables import Runnable, RunnableLambda

from policyqa.index.hybrid import Hit
from policyqa.qa.answer import Answer
from policyqa.qa.answerers.extractive import Retrieval


def build_chain(engine: Any, *, llm: bool = False) -> Runnable:
    """``retrieve | answer`` (``| llm`` when asked) over a ``QAEngine``."""
    chain: Runnable = RunnableLambda(engine.retrieve, name="retrieve") | RunnableLambda(
        engine.answer_retrieval, name="answer")
    if llm:
        chain = chain | RunnableLambda(_llm_step(engine), name="llm")
    return chain


def build_retriever_chain(retriever: Runnable, engine: Any, *, llm: bool = False) -> Runnable:
    """Like ``build_chain``, but the hits come from any LangChain retriever.

    The question is still analysed by the engine (intent, places, missing terms); only the
    clause search is replaced.
    """

    def _retrieve(question: str) -> Retrieval:
        planned = engine.retrieve(question)
        docs = retriever.invoke(planned.query)
        return replace(planned, hits=tuple(documents_to_hits(docs, engine.index)))

    chain: Runnable = RunnableLambda(_retrieve, name="retrieve") | RunnableLambda(
        engine.answer_retrieval, name="answer")
    if llm:
        chain = chain | RunnableLambda(_llm_step(engine), name="llm")
    return chain


def documents_to_hits(docs: list[LcDocument], index: Any) -> list[Hit]:
    """LangChain Documents back to ``Hit``s, looking each clause up in the index by id."""
    hits = []
    for rank, doc in enumerate(docs, start=1):
        clause_id = doc.id or doc.metadata.get("clause_id", "")
        clause = index.clause(clause_id) if clause_id else None
        if clause is not None:
            score = float(doc.metadata.get("score", 1.0 / rank))
            hits.append(Hit(clause, score, rank, str(doc.metadata.get("source", "external"))))
    return hits


def _llm_step(engine: Any) -> Any:
    from policyqa.qa.answerers.llm import LlmAnswerer

    answerer = LlmAnswerer(engine.settings, max_tokens=getattr(engine, "llm_max_tokens", 400))

    def _step(answer: Answer) -> Answer:
        return answerer.answer(answer.question, answer)

    return _step
