"""Measure and tune the fusion on a test set: hit@5 and MRR@10, the model run once per query.

    python -m policyqa.eval.fusion_tuning --index DIR --testset eval/testsets/seed.jsonl [--grid]

Reads the test-set format (eval/testsets/FORMAT.md) directly: the index layer must not import eval.
A clause is relevant when its search form contains a gold substring's search form (``gold_clauses``),
or, for ``compare`` questions, when its document is expected.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from policyqa.index.clause_index import ClauseIndex
from policyqa.index.hybrid import Candidates, FusionParams
from policyqa.ingest.normalize import to_search_form

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TuningCase:
    case_id: str
    query: str
    lang: str
    gold_substrings: tuple[str, ...]
    gold_docs: tuple[str, ...]        # for compare questions: any clause of these documents is relevant


@dataclass(frozen=True)
class Scores:
    hit_at_5: float
    mrr_at_10: float
    n: int
    misses: tuple[str, ...] = ()       # case ids with no relevant clause in the top 5


def _squash(text: str) -> str:
    return to_search_form(text).replace(" ", "")


def load_cases(path: Path) -> list[TuningCase]:
    """Answerable questions over the seed corpus from a test-set JSONL file."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        row = json.loads(line)
        if row.get("intent") == "unanswerable" or row.get("corpus", "seed") != "seed":
            continue
        compare = row.get("intent") == "compare"
        cases.append(TuningCase(
            row["id"], row["question"], row.get("lang", "zh"),
            () if compare else tuple(_squash(g) for g in row.get("gold_clauses", [])),
            tuple(row.get("expected_docs", [])) if compare else ()))
    return cases


def relevant_positions(index: ClauseIndex, case: TuningCase, squashed: dict[int, tuple[str, str]]) -> set[int]:
    """Positions of the clauses relevant to ``case`` (``squashed``: pos → (doc_id, squashed text))."""
    return {pos for pos, (doc_id, text) in squashed.items()
            if doc_id in case.gold_docs or any(g and g in text for g in case.gold_substrings)}


def score(ranked: Sequence[Sequence[int]], relevant: Sequence[set[int]], ids: Sequence[str]) -> Scores:
    hits, rr, misses = 0, 0.0, []
    for case_id, order, gold in zip(ids, ranked, relevant):
        ranks = [i for i, pos in enumerate(order[:10], start=1) if pos in gold]
        hits += bool(ranks and ranks[0] <= 5)
        rr += 1.0 / ranks[0] if ranks else 0.0
        if not ranks or ranks[0] > 5:
            misses.append(case_id)
    n = max(len(ranked), 1)
    return Scores(hits / n, rr / n, len(ranked), tuple(misses))


def evaluate(index: ClauseIndex, cases: Sequence[TuningCase], grid: Sequence[FusionParams]
             ) -> list[tuple[FusionParams, Scores]]:
    """Scores of each fusion setting in ``grid`` (candidates computed once per query)."""
    squashed = {i: (c.doc_id, _squash(c.text)) for i, c in enumerate(index.clauses())}
    relevant = [relevant_positions(index, c, squashed) for c in cases]
    from policyqa.qa.question.language import expand_query

    # English queries are expanded the way the engine expands them before searching.
    cands: list[Candidates | None] = [index.candidates(expand_query(c.query, index.lexicon)) for c in cases]
    results = []
    for params in grid:
        ranked = [[f.pos for f in cand.fuse(params)[:10]] if cand else [] for cand in cands]
        results.append((params, score(ranked, relevant, [c.case_id for c in cases])))
    return results


def default_grid(base: FusionParams) -> list[FusionParams]:
    return [replace(base, bm25_weight=w, dense_floor_rank=f, heading_factor=h)
            for w, f, h in itertools.product((0.0, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0),
                                             (10, 20, 30, 50), (0.8, 0.9, 1.0))]


def main(argv: list[str] | None = None) -> int:
    from policyqa.index.embedders import make_embedder

    parser = argparse.ArgumentParser(prog="python -m policyqa.eval.fusion_tuning", description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--embedder", default="e5-small-bundled")
    parser.add_argument("--testset", default="eval/testsets/seed.jsonl")
    parser.add_argument("--grid", action="store_true", help="try a grid of fusion settings")
    args = parser.parse_args(argv)
    index = ClauseIndex.open(args.index, make_embedder(args.embedder))
    cases = load_cases(Path(args.testset))
    grid = default_grid(index.fusion) if args.grid else [index.fusion]
    results = evaluate(index, cases, grid)
    by_lang = {lang: [c for c in cases if c.lang == lang] for lang in sorted({c.lang for c in cases})}
    for params, s in sorted(results, key=lambda r: (r[1].hit_at_5, r[1].mrr_at_10))[-10:]:
        print(f"hit@5 {s.hit_at_5:.3f}  MRR@10 {s.mrr_at_10:.3f}  n={s.n}  {params}")
    best = max(results, key=lambda r: (r[1].hit_at_5, r[1].mrr_at_10))[0]
    for lang, subset in by_lang.items():
        s = evaluate(index, subset, [best])[0][1]
        print(f"  {lang:<8} hit@5 {s.hit_at_5:.3f}  MRR@10 {s.mrr_at_10:.3f}  n={s.n}  misses {list(s.misses)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
