"""The one jieba tokenizer, used at build time and at query time, with a user dictionary of unit and place names.

A private ``jieba.Tokenizer`` (not jieba's global one), so our user words never leak into other code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from policyqa.index import jieba_setup

log = logging.getLogger(__name__)

jieba_setup.prepare()  # quiet, with jieba.posseg's tag table from its cache: before anyone tokenizes

TOKENIZER_NAME = "jieba-search"

# Function words and question words: they match everywhere and say nothing about a clause.
_STOPWORDS = frozenset("""
的 了 和 与 及 以及 等 在 是 对 为 由 于 从 将 把 被 并 或 而 也 都 就 之 其 各 该 这 那 此 有 要 个
中 上 下 年 月 日 我 我们 你 他 她 它 它们 哪 哪些 哪个 哪里 哪儿 谁 什么 怎么 怎样 如何 多少 几 是否
吗 呢 吧 啊 请问 一下 关于 方面 有关 相关 进行 开展 问 请
a an the of in on at to for by with and or is are was were be been who what which whom whose
how when where why does do did from as that this these those it its about into
""".split())

# Tokens made only of punctuation, symbols or spaces carry nothing.
_JUNK = re.compile(r"^[\W_]+$", re.UNICODE)


def is_searchable(token: str) -> bool:
    """True for tokens worth indexing: not whitespace, punctuation or a stopword."""
    return bool(token.strip()) and not _JUNK.match(token) and token not in _STOPWORDS


class ClauseTokenizer:
    """jieba in search mode (long words plus their dictionary sub-words), lower-cased, stopwords removed.

    User words (unit and place names) get a frequency computed against jieba's base dictionary only
    and jieba's total is kept fixed, so a text's tokens depend only on the user words it contains.
    That is what lets an index re-tokenize only the clauses containing added or removed words.

    Args:
        user_words: names that must stay one token, e.g. 市发展改革委, 埇桥区 (search form).
    """

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = tuple(sorted({w.strip() for w in user_words if len(w.strip()) >= 2}))
        self._jieba = None

    @property
    def signature(self) -> str:
        """Name, jieba version and a hash of the user dictionary (recorded in the manifest)."""
        import jieba

        digest = hashlib.sha256("\n".join(self.user_words).encode("utf-8")).hexdigest()[:16]
        return f"{TOKENIZER_NAME}/{jieba.__version__}/{digest}"

    def _load(self):  # noqa: ANN202 - jieba has no type hints
        if self._jieba is None:
            import jieba

            base_freq, base_total = _base_dictionary()
            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base_freq), base_total, True
            freqs = {w: tokenizer.suggest_freq(w, tune=False) for w in self.user_words}
            for word, freq in freqs.items():
                tokenizer.add_word(word, freq=max(int(freq), 1))
            tokenizer.total = base_total
            self._jieba = tokenizer
        return self._jieba

    def tokenize(self, text: str) -> list[str]:
        """Tokens of a search-form text, in order, with repeats (BM25 counts term frequency)."""
        if not text:
            return []
        raw = self._load().cut_for_search(text)
        return [t for t in (tok.strip().lower() for tok in raw) if is_searchable(t)]

    def token_strings(self, texts: Iterable[str], *, workers: int | None = None) -> list[str]:
        """Each text's tokens joined by tabs, as the clause store keeps them: a million clauses'
        token lists would hold a Python string per token (gigabytes); one string per clause does not."""
        texts = list(texts)
        with self.batches(len(texts), workers=workers) as tokens_of:
            return tokens_of(texts)

    def tokenize_many(self, texts: Iterable[str], *, workers: int | None = None) -> list[list[str]]:
        """``tokenize`` for many texts, in order (worker processes for large batches, see ``batches``)."""
        return [s.split("\t") if s else [] for s in self.token_strings(texts, workers=workers)]

    @contextmanager
    def batches(self, expected: int, *, workers: int | None = None) -> Iterator[Callable[[list[str]], list[str]]]:
        """A ``token_strings`` for many batches of one build, sharing one set of worker processes.

        jieba is pure Python (about 3.5 ms for a 290-character clause here), so when ``expected`` (the
        texts the build will tokenize) reaches ``PARALLEL_MIN`` the texts are spread over ``workers``
        processes (default: the CPU count, at most 8), started once for the whole build. Workers are
        spawned, not forked (the web app ingests from a thread), and each loads the same dictionary and
        user words, so tokens are identical to ``tokenize``'s.
        """
        workers = min(os.cpu_count() or 1, 8) if workers is None else workers
        if workers < 2 or expected < PARALLEL_MIN:
            yield self._in_process
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.user_words,))
        broken = False

        def tokens_of(texts: list[str]) -> list[str]:
            nonlocal broken
            if not broken:
                chunks = [texts[i:i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
                try:
                    return [tokens for part in pool.map(_tokenize_chunk, chunks) for tokens in part]
                except BrokenProcessPool:
                    # A worker could not start or died: e.g. a script that builds an index at import
                    # time, without ``if __name__ == "__main__":``, which spawned workers re-run.
                    log.warning("tokenizer worker processes failed; tokenizing in this process instead")
                    broken = True
            return self._in_process(texts)

        try:
            yield tokens_of
        finally:
            pool.shutdown(cancel_futures=True)

    def _in_process(self, texts: list[str]) -> list[str]:
        return ["\t".join(self.tokenize(t)) for t in texts]


PARALLEL_MIN = 20_000
_CHUNK = 2_000
_WORKER: ClauseTokenizer | None = None


def _init_worker(user_words: tuple[str, ...]) -> None:
    global _WORKER
    _WORKER = ClauseTokenizer(user_words)


def _tokenize_chunk(texts: list[str]) -> list[str]:
    assert _WORKER is not None
    return _WORKER._in_process(texts)


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary, loaded once per process (a second or more) and copied per tokenizer.

    It is jieba's global tokenizer's dictionary: ``jieba.posseg`` (places, missing terms) uses that one,
    so loading it here saves a second load on the first question.
    """
    import jieba

    jieba.dt.initialize()
    return jieba.dt.FREQ, jieba.dt.total


def changed_words(old: Iterable[str], new: Iterable[str]) -> set[str]:
    """User words added or removed between two dictionaries."""
    return set(old) ^ set(new)
