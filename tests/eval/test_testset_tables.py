"""Staff test sets as CSV / Excel, the refusal of a set whose documents are not indexed, metric labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.eval.coverage import check_coverage, missing_documents
from policyqa.eval.errors import DocumentsNotIndexedError, TestSetError
from policyqa.eval.metric_labels import LABELS
from policyqa.eval.metrics import METRIC_NAMES
from policyqa.eval.testset import load_testset
from policyqa.eval.testset_tables import NO_ANSWER, load_any_testset, write_template

CSV = ("编号,问题,牵头单位,配合单位,答案,条款,文件\n"
       "q1,冷链物流由谁牵头？,市发展改革委,市商务局、市农业农村局,,加快冷链物流等项目建设,suzhou-yrd-action-plan-2021\n"
       ",到2025年建成几个园区？,,,3个,,\n"
       "\n"
       "q3,火星基地由谁负责？,,,无答案,,\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_csv_rows_become_test_cases(tmp_path: Path) -> None:
    cases = load_any_testset(_write(tmp_path, "mine.csv", CSV))
    assert [(c.id, c.intent, c.line) for c in cases] == [("q1", "responsibility", 2), ("row-3", "fact", 3),
                                                         ("q3", "unanswerable", 5)]
    first = cases[0]
    assert first.leads == ("市发展改革委",) and first.cooperating == ("市商务局", "市农业农村局")
    assert first.gold_clauses == ("加快冷链物流等项目建设",) and first.gold_docs == ("suzhou-yrd-action-plan-2021",)
    assert cases[1].answer_contains == ("3个",) and cases[2].answer == NO_ANSWER


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("问题,牵头单位\n冷链物流由谁牵头？,\n", ":2:", "牵头单位, 答案 or 条款"),
    ("问题,答案,条款\n火星？,无答案,某条款\n", ":2:", "must not name"),
    ("问题,负责人\n冷链？,张三\n", ":1:", "unknown column '负责人'"),
    ("牵头单位\n市发展改革委\n", ":1:", "missing column 问题"),
    ("编号,问题,答案\nx,甲？,1\nx,乙？,2\n", ":3:", "duplicate 编号 'x'"),
    ("问题,答案\n", ":0:", "no questions"),
])
def test_bad_rows_are_named(tmp_path: Path, text: str, where: str, problem: str) -> None:
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(TestSetError) as err:
        load_any_testset(path)
    assert f"bad.csv{where}" in str(err.value) and problem in str(err.value)


def test_the_excel_template_loads_back(tmp_path: Path) -> None:
    cases = load_any_testset(write_template(tmp_path / "模板.xlsx"))
    assert [c.intent for c in cases] == ["responsibility", "unanswerable"]
    assert not missing_documents(cases, [c for case in load_testset("seed") for c in case.gold_docs])


def test_not_an_excel_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TestSetError, match="not a readable Excel"):
        load_any_testset(_write(tmp_path, "x.xlsx", "plain text"))


def test_a_set_whose_documents_are_missing_is_refused_with_the_fix(tmp_path: Path) -> None:
    cases = load_testset("extra_facts")
    with pytest.raises(DocumentsNotIndexedError) as err:
        check_coverage(cases, ["suzhou-yrd-action-plan-2021"], testset="extra_facts", index_dir=tmp_path / "idx",
                       extra_dir=Path("/data/corpus-extra"))
    message = str(err.value)
    assert "extra_facts" in message and "不在索引中" in message
    assert f"policyqa ingest /data/corpus-extra/{cases[0].gold_files[0]}" in message and str(tmp_path / "idx") in message
    seed = load_testset("seed")
    check_coverage(seed, {d for c in seed for d in (*c.gold_docs, *c.expected_docs)}, testset="seed",
                   index_dir=tmp_path)


def test_every_metric_has_a_chinese_name_and_an_explanation() -> None:
    assert set(LABELS) == set(METRIC_NAMES)
    assert all(label.chinese != label.name and label.explanation for label in LABELS.values())


def test_cli_eval_refuses_a_staff_table_about_unindexed_documents(seed_index, tmp_path: Path,  # noqa: ANN001
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from policyqa.ui.cli import main

    path = _write(tmp_path, "ours.csv", "问题,牵头单位,文件\n冷链物流由谁牵头？,市发展改革委,no-such-plan\n")
    assert main(["eval", "--testset", str(path), "--index", str(seed_index.path), "--no-baseline"]) == 1
    err = capsys.readouterr().err
    assert "no-such-plan" in err and "policyqa ingest" in err
