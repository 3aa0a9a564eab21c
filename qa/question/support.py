"""How well the corpus, and one clause, supports a question's content: lexical evidence.

Dense scores say what a question is *like*; they cannot say that 碳达峰 or 公积金 appears nowhere.
Two lexical measures, both over the question's content (question words and places removed):

- ``missing_terms``: noun-like words of the question that no clause of the corpus contains;
- ``coverage``: the share of the question's character bigrams a clause contains, weighted by
  inverse document frequency, so a rare bigram (冷链) counts more than a common one (建设).

Character bigrams rather than jieba words, because Chinese paraphrase keeps characters but moves
word boundaries (生产加工供应基地 / 供应基地建设).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from policyqa.index.lexicon import ASCII_TERM as _ASCII_TERM
from policyqa.index.lexicon import HAN_RUN as _HAN_RUN
from policyqa.index.lexicon import bigrams
from policyqa.qa.question.shorthand import spelled_out

# jieba tags of words that name a thing (nouns, noun-verbs, foreign words, unknown words);
# a missing verb or pronoun (引入, 获得, 这些) is paraphrase, a missing noun is missing content.
_NOUN_TAGS = ("n", "vn", "nz", "nt", "nl", "ng", "eng", "nr", "ns", "x")
# A word this frequent in jieba's general-language dictionary (counts over ~60M words) is ordinary
# question wording (名称 5k, 标准 10k, 情况 33k), not the specific subject of a question (氢能 14,
# 有效期 157, or words it lacks: 碳达峰): a document need not use it to answer.
COMMON_WORD_FREQ = 2000


__all__ = ["Vocabulary", "best_coverage", "bigrams", "concept_coverage"]


class Vocabulary:
    """Bigram document frequencies and substring lookup over every clause of the index.

    Args:
        lexicon: The index's ``index.lexicon.Lexicon`` (counted with the version, not per start).
    """

    def __init__(self, lexicon: Any) -> None:
        self._lexicon = lexicon
        self._n = max(lexicon.n, 1)
        self._idf: dict[str, float] = {}

    def idf(self, gram: str) -> float:
        """Smoothed inverse document frequency; a bigram the corpus lacks gets the maximum."""
        value = self._idf.get(gram)
        if value is None:
            value = math.log((self._n + 1) / (self._lexicon.df(gram) + 0.5))
            if len(self._idf) < 500_000:
                self._idf[gram] = value
        return value

    def contains(self, term: str) -> bool:
        """True when some clause contains ``term`` (case-insensitive for Latin letters)."""
        return self._lexicon.contains(term)

    def missing_terms(self, content: str, within: str | None = None) -> list[str]:
        """Specific noun-like words (2+ characters, not common language) of ``content`` no clause contains
        (or, given ``within``, the search text of some documents, that text does not)."""
        from jieba import posseg

        contains = self.contains if within is None else spelled_out(within).__contains__
        missing = []
        for token in posseg.cut(content):
            word = token.word.strip()
            if len(word) < 2 or not _is_term(word, token.flag) or is_common_word(word):
                continue
            if not _covered(word, contains):
                missing.append(word)
        return list(dict.fromkeys(missing))

    def missing_concepts(self, concepts: Iterable[tuple[str, ...]], within: str | None = None) -> list[str]:
        """For an English question: the noun-like concepts (each given as its Chinese terms, from
        `index.glossary.concepts`) of which no clause (or ``within``) holds any term; each named by its
        first term."""
        from jieba import posseg

        contains = self.contains if within is None else spelled_out(within).__contains__
        missing = []
        for terms in concepts:
            first = terms[0] if terms else ""
            flags = [t.flag for t in posseg.cut(first)]
            if len(first) < 2 or len(flags) != 1 or not _is_term(first, flags[0]) or is_common_word(first):
                continue
            if not any(_covered(t, contains) for t in terms):
                missing.append(first)
        return list(dict.fromkeys(missing))

    def subject_coverage(self, content: str, text: str) -> float:
        """``coverage`` where a word of ordinary language the text lacks does not count (名称, 情况 …):
        a document need not use the question's wording, only hold its subject.

        A common word that modifies the word after it, as the corpus writes them together, is part of
        the subject (城镇调查失业率: 城镇 and 调查 say which rate): Chinese compounds put the head last, and
        only a head of ordinary language (…目标, …情况) is wording."""
        text = spelled_out(text)
        absent = [w for w in common_words(content) if w not in text and not self._modifies(w, content)]
        for word in sorted(absent, key=len, reverse=True):
            content = content.replace(word, " ")
        return self._coverage(bigrams(content), bigrams(text)) if content.strip() else 1.0

    def concept_coverage(self, concepts: Iterable[tuple[str, ...]], text: str) -> float:
        """For an English question: ``concept_coverage`` with each concept weighted by how rare its
        Chinese terms are in the corpus (mean bigram IDF of its rarest term), as ``coverage`` weights the
        bigrams of a Chinese one: holding 氢能 says more than holding 目标 or 考核. A question whose concepts
        are all of ordinary language (public … plan: 公共, 规划) still ranks by them, the rarer the more:
        they are its only lexical evidence, and a sentence holding none of them is not the better for it."""
        concepts = list(concepts)
        specific = _specific(concepts) or [terms for terms in concepts if any(len(t) >= 2 for t in terms)]
        if not specific:
            return 1.0
        weights = [max((self._rarity(t) for t in terms), default=0.0) for terms in specific]
        total = sum(weights)
        held = sum(w for terms, w in zip(specific, weights) if any(t in text for t in terms))
        return held / total if total else 0.0

    def _rarity(self, term: str) -> float:
        grams = bigrams(term)
        return sum(self.idf(g) for g in grams) / len(grams) if grams else 0.0

    def _modifies(self, word: str, content: str) -> bool:
        """``word``, a noun, stands right before two more Han characters of ``content`` and the corpus
        holds them together (城镇调查, 调查失业): it is a modifier inside a term, not question wording.
        Time words (今年新增) and verbs say when or how, not which thing."""
        if not _is_noun(word):
            return False
        at = content.find(word)
        while at >= 0:
            after = content[at + len(word): at + len(word) + 2]
            if len(after) == 2 and _HAN_RUN.fullmatch(after) and self.contains(word + after):
                return True
            at = content.find(word, at + 1)
        return False

    def coverage(self, content: str | set[str], text: str) -> float:
        """IDF-weighted share of the content's bigrams found in ``text`` (0 when none)."""
        wanted = bigrams(content) if isinstance(content, str) else content
        # The question's short forms were spelled out too (GDP → 生产总值).
        return self._coverage(wanted, bigrams(spelled_out(text)))

    def _coverage(self, wanted: set[str], have: set[str]) -> float:
        if not wanted:
            return 0.0
        total = sum(self.idf(g) for g in wanted)
        return sum(self.idf(g) for g in wanted if g in have) / total if total else 0.0


def _covered(word: str, contains: Any) -> bool:
    """The word occurs (``contains``), or the word less a one-character affix (最高奖 → 最高, 奖补资金 →
    补资金 …), or, for a compound of 4+ characters, both of its halves of 2+ characters (信贷政策 → 信贷 +
    政策): jieba glues affixes and compounds the corpus writes apart."""
    if contains(word):
        return True
    if len(word) >= 3 and (contains(word[:-1]) or contains(word[1:])):
        return True
    return len(word) >= 4 and any(contains(word[:i]) and contains(word[i:]) for i in range(2, len(word) - 1))


@lru_cache(maxsize=4096)
def common_words(content: str) -> tuple[str, ...]:
    """The words of ordinary language (``is_common_word``, 2+ characters) in a question's content."""
    import jieba

    return tuple(dict.fromkeys(w for w in jieba.cut(content) if len(w) >= 2 and is_common_word(w)))


def is_common_word(word: str) -> bool:
    """True for a word of ordinary language (``COMMON_WORD_FREQ``), which never marks a subject."""
    import jieba

    jieba.dt.check_initialized()  # its word frequencies load with the dictionary, on first use
    return jieba.dt.FREQ.get(word, 0) >= COMMON_WORD_FREQ


@lru_cache(maxsize=4096)
def _is_noun(word: str) -> bool:
    from jieba import posseg

    tagged = list(posseg.cut(word))
    return len(tagged) == 1 and tagged[0].flag.startswith(_NOUN_TAGS)


def _is_term(word: str, flag: str) -> bool:
    if _ASCII_TERM.fullmatch(word):
        return not word.isdigit()  # figures are checked separately, as figures
    return flag.startswith(_NOUN_TAGS) and _HAN_RUN.fullmatch(word) is not None


def best_coverage(vocab: Vocabulary, content: str, texts: Iterable[str]) -> float:
    """The highest ``coverage`` of ``content`` among ``texts`` (0 for none)."""
    wanted = bigrams(content)
    return max((vocab.coverage(wanted, t) for t in texts), default=0.0)


def concept_coverage(concepts: Iterable[tuple[str, ...]], text: str) -> float:
    """For an English question: the share of its specific concepts (each as its Chinese terms, from
    ``language.concepts``) of which ``text`` holds some term; concepts of ordinary language (年, 多少 …)
    do not count. 1.0 when the question names no specific concept (nothing to hold)."""
    specific = _specific(concepts)
    if not specific:
        return 1.0
    return sum(any(t in text for t in terms) for terms in specific) / len(specific)


def _specific(concepts: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The concepts not of ordinary language (年, 多少 …): some term of two or more characters is no common word."""
    return [terms for terms in concepts if terms and not all(len(t) < 2 or is_common_word(t) for t in terms)]
