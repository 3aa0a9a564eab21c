"""English questions (qa.question.language): the glossary data file, query expansion, place names."""

from __future__ import annotations

import pytest

from policyqa.index.clause_index import ClauseIndex
from policyqa.qa.question.language import chinese_terms, expand_query, glossary, is_english, romanised_places


def test_glossary_parses_and_every_entry_has_chinese() -> None:
    table = glossary()
    assert len(table) > 300
    assert all(1 <= len(key) <= 4 and terms for key, terms in table.items())


def test_phrases_win_over_their_words_and_plurals_are_singular() -> None:
    assert chinese_terms("industrial parks") == "产业园 园区"
    assert chinese_terms("Which bureaus lead logistics parks?") == "局 牵头 物流 园区"


def test_a_province_after_an_ambiguous_city_decides_it() -> None:
    assert "宿州" in chinese_terms("Suzhou") and "苏州" in chinese_terms("Suzhou")
    jiangsu = chinese_terms("industries transferred from Suzhou, Jiangsu").split()
    assert "苏州" in jiangsu and "宿州" not in jiangsu


@pytest.mark.parametrize("query", ["宿州市冷链物流由谁牵头？", "冷链物流 cold chain 项目建设的牵头单位", ""])
def test_chinese_queries_are_left_alone(query: str) -> None:
    assert not is_english(query) and chinese_terms(query) == "" and expand_query(query) == query


def test_unknown_words_give_no_terms() -> None:
    assert chinese_terms("Lorem ipsum dolor sit amet") == ""
    assert expand_query("lorem ipsum") == "lorem ipsum"


def test_english_query_keeps_its_words_and_gains_the_terms() -> None:
    expanded = expand_query("who leads elderly care")
    assert expanded.startswith("who leads elderly care ") and "养老" in expanded and "牵头" in expanded


def test_english_query_ranks_the_chinese_clause_near_the_top(seed_index: ClauseIndex) -> None:
    query = "Which unit is responsible for building wholesale markets for agricultural products?"
    hits = seed_index.search(expand_query(query, seed_index.lexicon), k=3)
    assert any("批发市场" in h.clause.search_text for h in hits), [h.clause.text[:30] for h in hits]


def test_places_are_found_by_their_pinyin_without_a_glossary_line() -> None:
    assert romanised_places("How did Baotou and Xi'an do, and what about Hefei?", ["包头", "西安", "南京"]) == [
        ("包头",), ("西安",)]
    assert romanised_places("the ABA guidelines", ["阿坝"]) == []  # too short to be read as a place


def test_no_phrase_of_a_single_test_question_is_in_the_glossary() -> None:
    for phrase in ("first batch", "national assessment section", "valid", "forest chief"):
        assert tuple(phrase.split()) not in glossary()


def test_an_expanded_english_query_finds_the_logistics_clause(seed_index: ClauseIndex) -> None:
    hits = seed_index.search(expand_query("Who leads logistics projects in Suzhou?", seed_index.lexicon), k=5)
    assert any("物流" in h.clause.search_text for h in hits), [h.clause.text[:30] for h in hits]


def test_an_english_question_of_ordinary_concepts_still_ranks_sentences_by_them() -> None:
    # public … plan → 公共, 规划: no concept is specific, yet they are all the lexical evidence there is.
    from policyqa.index.lexicon import Lexicon, count_lexicon
    from policyqa.qa.question.language import concepts
    from policyqa.qa.question.support import Vocabulary

    import jieba

    jieba.initialize()  # as in the engine, where tokenizing has loaded its word frequencies
    texts = ["新建公共停车泊位3000个。", "完成5条道路雨水管网改造。", "编制全市文化设施规划。", "改造老旧小区214个。"]
    vocab = Vocabulary(Lexicon(count_lexicon(texts), scan=lambda term: any(term in t for t in texts)))
    asked = concepts("How many public parking spaces will the city plan to add?")
    held, none = vocab.concept_coverage(asked, texts[0]), vocab.concept_coverage(asked, texts[1])
    assert held > none == 0.0
