"""The fixed query list for latency: real questions from the seed test set, every language and intent."""

from __future__ import annotations

from policyqa.eval.testset import load_testset

DEFAULT_QUERIES = 50


def bench_queries(n: int = DEFAULT_QUERIES) -> list[str]:
    """``n`` questions of ``eval/testsets/seed.jsonl`` taken at an even stride (so zh, zh-Hant and en,
    and every intent, are represented in the proportions of the test set); the same list every run."""
    questions = list(dict.fromkeys(case.question for case in load_testset("seed")))
    if n >= len(questions):
        return questions
    stride = len(questions) / n
    return [questions[int(i * stride)] for i in range(n)]
