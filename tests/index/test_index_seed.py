"""The real index of the bundled corpus with the real embedder (session fixture ``seed_index``)."""

from __future__ import annotations

import random

import pytest

from policyqa.index.clause_index import ClauseIndex
from policyqa.index.faiss_store import recall_at_k
from policyqa.index.hybrid import Filters


def test_seed_index_holds_the_bundled_corpus(seed_index: ClauseIndex) -> None:
    ids = {i.document.doc_id for i in seed_index.documents()}
    assert {"suzhou-yrd-action-plan-2021", "yongqiao-pairing-plan-2022", "anhui-pairing-tasks-news-2023"} <= ids
    assert seed_index.manifest.embedder == "e5-small-bundled" and seed_index.manifest.dim == 384
    assert seed_index.manifest.clause_count == len(seed_index.clauses())


def test_self_retrieval(seed_index: ClauseIndex) -> None:
    clauses = [c for c in seed_index.clauses() if c.kind != "heading" and len(c.text) >= 30]
    sample = random.Random(5).sample(clauses, 25)
    for clause, hits in zip(sample, seed_index.search_many([c.text for c in sample], k=3)):
        assert hits[0].clause.text == clause.text, clause.clause_id


def test_unit_names_from_the_parser_stay_one_token(seed_index: ClauseIndex) -> None:
    tokenizer = seed_index.store.live.tokenizer  # the index's own tokenizer, with its user dictionary
    assert {"市发展改革委", "埇桥区"} <= set(tokenizer.user_words)
    tokens = tokenizer.tokenize("由市发展改革委牵头，推进埇桥区冷链物流建设")
    assert "市发展改革委" in tokens and "埇桥区" in tokens


@pytest.mark.parametrize("traditional,simplified", [("滬蘇浙城市結對幫扶皖北城市", "沪苏浙城市结对帮扶皖北城市"),
                                                    ("結對幫扶", "结对帮扶")])
def test_traditional_query_finds_the_same_clauses(seed_index: ClauseIndex, traditional: str,
                                                  simplified: str) -> None:
    trad = [h.clause.clause_id for h in seed_index.search(traditional, k=5)]
    simp = [h.clause.clause_id for h in seed_index.search(simplified, k=5)]
    assert trad == simp and trad


def test_exact_terms_rank_first(seed_index: ClauseIndex) -> None:
    hit = seed_index.search("蕲县港", k=1)[0]
    assert "蕲县港" in hit.clause.search_text and "蕲县" in hit.matched_terms


def test_cold_chain_question_has_its_responsible_units(seed_index: ClauseIndex) -> None:
    hits = seed_index.search("宿州市冷链物流和农产品产地批发市场建设由谁牵头？", k=5)
    top = next(h for h in hits if "冷链物流" in h.clause.search_text)
    assert top.rank <= 2 and "市发展改革委" in top.clause.leads


def test_filters_on_the_seed_corpus(seed_index: ClauseIndex) -> None:
    hits = seed_index.search("干部挂职交流", k=10, filters=Filters(regions=("宿迁",)))
    assert hits and all("宿迁" in h.clause.region for h in hits)
    hits = seed_index.search("干部挂职交流", k=10, filters=Filters(has_responsibility=True,
                                                                doc_types=("工作方案",)))
    assert hits and all(h.clause.has_responsibility and h.clause.doc_type == "工作方案" for h in hits)
    traditional_title = seed_index.search("结对", k=10, filters=Filters(regions=("滬蘇浙",)))
    assert {h.clause.doc_id for h in traditional_title} == {"anhui-pairing-tasks-news-2023"}


def test_recall_of_approximate_indexes_on_real_vectors(seed_index: ClauseIndex) -> None:
    vectors = seed_index.store.live.faiss.vectors
    assert recall_at_k(vectors, vectors[::7], k=10, kind="hnsw") >= 0.95
    assert recall_at_k(vectors, vectors[::7], k=10, kind="ivf") >= 0.95
