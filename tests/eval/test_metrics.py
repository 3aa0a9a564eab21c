"""Metric functions on examples worked by hand."""

from __future__ import annotations

import math

import pytest

from policyqa.eval import metrics as m
from policyqa.eval.metrics import Passage


def test_gains_credit_each_gold_substring_once_and_fold_script_and_width() -> None:
    ps = [Passage("a", "无关"), Passage("b", "（二）滬蘇浙城市結對"), Passage("c", "重复：(二)沪苏浙城市结对")]
    # Traditional + full-width text matches a Simplified, half-width gold; the overlap copy gains nothing.
    assert m.gains(ps, ["(二)沪苏浙城市结对"]) == [0, 1, 0]


def test_gains_for_compare_count_each_expected_document_once() -> None:
    ps = [Passage("x", "a"), Passage("x", "b"), Passage("y", "c"), Passage("z", "d")]
    assert m.gains(ps, ["zzz"], expected_docs=["x", "z"]) == [1, 0, 0, 1]


def test_hit_and_mrr() -> None:
    rel = [0, 0, 1, 0, 1]
    assert m.hit_at(rel, 1) == 0.0 and m.hit_at(rel, 2) == 0.0 and m.hit_at(rel, 3) == 1.0
    assert m.mrr_at(rel, 10) == pytest.approx(1 / 3)
    assert m.mrr_at(rel, 2) == 0.0


def test_ndcg_by_hand() -> None:
    # One gold clause at rank 2: DCG = 1/log2(3); ideal = 1/log2(2) = 1.
    assert m.ndcg_at([0, 1, 0], 10, 1) == pytest.approx(1 / math.log2(3))
    # Two gold clauses at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3)).
    assert m.ndcg_at([1, 0, 1], 10, 2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert m.ndcg_at([1, 1], 10, 2) == pytest.approx(1.0)
    assert m.ndcg_at([0, 0], 10, 0) == 0.0


def test_unit_normalisation() -> None:
    assert m.normalize_unit(" 市工商联等 ") == "市工商联"
    assert m.normalize_unit("省經濟和信息化廳") == "省经济和信息化厅"
    assert m.normalize_unit("等") == "等"  # never strip a name to nothing


def test_lead_exact_is_set_equality_after_normalising() -> None:
    assert m.lead_exact(["区农业农村局", "区商务局"], ["区商务局", "区农业农村局"]) == 1.0
    assert m.lead_exact(["区商务局"], ["区商务局", "区农业农村局"]) == 0.0
    assert m.lead_exact(["市工商联等"], ["市工商联"]) == 1.0


def test_lead_f1_by_hand() -> None:
    # predicted {A, B}, gold {A, B, C}: P = 1, R = 2/3, F1 = 0.8
    assert m.lead_f1(["A", "B"], ["A", "B", "C"]) == pytest.approx(0.8)
    # predicted {A, D}, gold {A, B}: P = R = 1/2
    assert m.lead_f1(["A", "D"], ["A", "B"]) == pytest.approx(0.5)
    assert m.lead_f1([], ["A"]) == 0.0
    assert m.lead_f1([], []) == 1.0


def test_fact_contains_normalises() -> None:
    assert m.fact_contains("協議總投資21.6億元，項目11個", ["21.6亿元", "11个"]) == 1.0
    assert m.fact_contains("2021 年实现全覆盖", ["2021年"]) == 1.0
    assert m.fact_contains("项目11个", ["21.6亿元", "11个"]) == 0.0


def test_compare_coverage_and_citation() -> None:
    assert m.compare_coverage(["a", "a", "c"], ["a", "b", "c", "d"]) == 0.5
    assert m.cites_gold(Passage("a", "由市发展改革委牵头"), ["发展改革委牵头"]) == 1.0
    assert m.cites_gold(None, ["x"]) == 0.0
    assert m.cites_gold(Passage("b", "别的"), ["x"], expected_docs=["b"]) == 1.0


def test_percentile_and_mean() -> None:
    assert m.percentile([10, 20, 30, 40], 50) == pytest.approx(25.0)
    assert m.percentile([], 50) is None
    assert m.mean([]) is None and m.mean([1, 0, 1, 0]) == 0.5


def test_task_recall_and_precision_by_hand() -> None:
    from policyqa.eval.metrics import task_precision, task_recall

    cited = ["一、推进甲乙丙建设", "二、完善丁戊己机制", "三、无关条款"]
    gold = ["甲乙丙", "丁戊己", "庚辛壬"]
    assert task_recall(cited, gold) == 2 / 3
    assert task_precision(cited, gold) == 2 / 3
    assert task_recall([], gold) == 0.0 and task_precision([], gold) == 0.0
