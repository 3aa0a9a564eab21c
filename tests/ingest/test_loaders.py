"""Loaders on real files: encodings, PDF/DOCX/HTML, and every bad input naming its file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyqa.ingest.config import IngestConfig
from policyqa.ingest.errors import (
    BrokenPdfError,
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UndecodableTextError,
    UnsupportedFormatError,
)
from policyqa.ingest.loaders import supported_suffixes
from policyqa.model import ParsedDocument
from policyqa.ingest.pipeline import parse_file

DATA = Path(__file__).resolve().parent.parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "ingest"


@pytest.mark.parametrize(("name", "error"), [
    ("empty.txt", EmptyDocumentError),
    ("whitespace.txt", EmptyDocumentError),
    ("binary.txt", UndecodableTextError),
    ("truncated.pdf", BrokenPdfError),
    ("encrypted.pdf", BrokenPdfError),
    ("no_text.pdf", BrokenPdfError),
    ("broken.docx", UndecodableTextError),
    ("encrypted.docx", UndecodableTextError),
    ("unknown.xyz", UnsupportedFormatError),
])
def test_bad_inputs_raise_an_error_naming_the_file(name, error):
    with pytest.raises(error) as info:
        parse_file(BAD / name)
    assert str(BAD / name) in str(info.value) and name in str(info.value)
    assert "\n" not in str(info.value)


def test_encrypted_pdf_says_so():
    with pytest.raises(BrokenPdfError, match="encrypted"):
        parse_file(BAD / "encrypted.pdf")


def test_encrypted_docx_says_so():
    # A real password-protected Word file (see data/bad/SOURCES.md): an OLE container, not a zip.
    with pytest.raises(UndecodableTextError, match=r"encrypted \.docx \(password protected\)"):
        parse_file(BAD / "encrypted.docx")


def test_truncated_docx_names_the_file(tmp_path):
    import docx

    whole = tmp_path / "whole.docx"
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    document.save(str(whole))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # a download that stopped half way
    with pytest.raises(UndecodableTextError, match="cut.docx: not a readable .docx file"):
        parse_file(cut)


def test_unsupported_lists_supported_suffixes():
    with pytest.raises(UnsupportedFormatError) as info:
        parse_file(BAD / "unknown.xyz")
    for suffix in supported_suffixes():
        assert suffix in str(info.value)


def test_gbk_file_parses():
    parsed = parse_file(BAD / "gbk.txt")
    assert parsed.document.title == "宿州市推进结对合作帮扶工作方案"
    by_id = {c.clause_id.split(":")[1]: c for c in parsed.clauses}
    assert by_id["二/1"].responsible == ("区商务局", "区发展改革委")  # （责任单位：…）: no lead named
    assert by_id["二/2"].cooperating == ("区人力资源社会保障局",)


def test_utf8_bom_is_not_text():
    parsed = parse_file(GOOD / "bom.txt")
    assert parsed.clauses[0].text == "一、总体要求" and not parsed.text.startswith("\ufeff")


def test_huge_file_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: no disk, no memory
    with pytest.raises(FileTooLargeError) as info:
        parse_file(huge)
    assert "huge.txt" in str(info.value) and "50 MB" in str(info.value)
    with pytest.raises(FileTooLargeError):
        parse_file(GOOD / "bom.txt", config=IngestConfig(max_bytes=10))


def test_pdf_keeps_page_numbers():
    parsed = parse_file(GOOD / "two_pages.pdf")
    pages = {c.clause_id.split(":")[1]: c.page for c in parsed.clauses}
    assert pages["一/（一）"] == 1 and pages["二/1"] == 2 and pages["二/2"] == 2
    two_one = next(c for c in parsed.clauses if c.numbering == ("二", "1"))
    assert two_one.leads == ("市发展改革委",) and two_one.cooperating == ("市商务局",)


def test_docx_paragraphs():
    parsed = parse_file(GOOD / "plan.docx")
    assert parsed.document.title == "某区合作帮扶工作方案"
    assert [c.numbering for c in parsed.clauses if c.kind == "clause"] == [("一", "1"), ("一", "2")]
    assert parsed.clauses[-1].leads == ("区委组织部",)


def test_html_drops_script_style_nav_footer():
    parsed = parse_file(GOOD / "page.html")
    assert parsed.document.title == "某市推进合作实施意见"
    text = " ".join(c.text for c in parsed.clauses)
    for junk in ("不是正文", "color:red", "首页", "监督电话", "网站标题"):
        assert junk not in text
    assert parsed.clauses[-1].responsible == ("市委组织部", "市人力资源社会保障局")


def test_markdown_metadata_header_gives_title_and_date_not_clauses(tmp_path):
    md = tmp_path / "doc.md"
    md.write_text("# 关于印发某方案的通知\n\n**发布日期**: 2025-05-27\n**发布机构**: 上海市科学技术委员会\n"
                  "**原文链接**: [http://x.cn/a.html](http://x.cn/a.html)\n**检索时间**: 2026-02-03 13:11:03\n\n---\n\n"
                  "一、总体要求\n（一）坚持创新。（责任单位：市科委）\n（二）坚持协同。\n", encoding="utf-8")
    parsed = parse_file(md)
    assert parsed.document.title == "关于印发某方案的通知"
    assert parsed.document.date == "2025-05-27" and parsed.document.issuer == "上海市科学技术委员会"
    text = " ".join(c.text for c in parsed.clauses)
    assert "检索时间" not in text and "原文链接" not in text and "发布日期" not in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_a_document_or_an_ingest_error(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.txt"
        path.write_bytes(data)
        try:
            result = parse_file(path)
        except IngestError as exc:
            assert "random.txt" in str(exc)
        else:
            assert isinstance(result, ParsedDocument) and result.clauses


def test_ocr_bounds_are_settings():
    from policyqa.ingest.config import IngestConfig
    from policyqa.settings import Settings

    settings = Settings.from_env({"POLICYQA_OCR_MAX_MINUTES": "5", "POLICYQA_OCR_MAX_PAGES": "300",
                                  "POLICYQA_OCR_THREADS": "1"})
    config = IngestConfig.from_settings(settings)
    assert (config.ocr_max_minutes, config.ocr_max_pages, config.ocr_threads) == (5.0, 300, 1)
    with pytest.raises(ValueError, match="ocr_max_pages"):
        IngestConfig(ocr_max_pages=-1)


def _hard_wrapped(paragraphs: list[str], width: int = 29) -> str:
    """The paragraphs as a PDF exported line by line: every printed line its own paragraph, the first
    indented, with a page number between two lines of one paragraph."""
    lines: list[str] = []
    for text in paragraphs:
        text = "　　" + text
        lines += [text[i:i + width] for i in range(0, len(text), width)]
    lines.insert(len(lines) // 2, "— 3 —")
    return "\n\n".join(lines) + "\n"


def test_a_hard_wrapped_text_file_reads_as_paragraphs(tmp_path):
    body = ("全市上下坚持稳中求进工作总基调，统筹发展和安全，经济社会发展取得新成效，主要经济指标增速高于全省平均水平，"
            "城乡居民人均可支配收入稳步增长。")
    paragraphs = ["各位代表：", "一、2023年工作回顾", body * 6, "二、2024年重点工作",
                  "（一）推进生态文明建设。拓展生态价值实现路径，启动集体林碳汇开发，拓展草原湿地、景区景点、光伏项目碳汇核算，"
                  "支持某某生态开发集团争列国家第三方审定与核查机构。鼓励发展排污权抵押贷款等绿色金融。",
                  "（二）推进城乡融合发展。" + body * 4]
    path = tmp_path / "某市2024年政府工作报告.txt"
    path.write_text(_hard_wrapped(paragraphs), encoding="utf-8")
    clauses = parse_file(path).clauses
    green = next(c for c in clauses if "碳汇核算" in c.text)
    assert "支持某某生态开发集团争列国家第三方审定与核查机构。" in green.text
    assert "\n" not in green.text.strip() and green.numbering[-1] == "（一）"
    assert any(c.numbering[-1:] == ("（二）",) for c in clauses)
    assert not any("— 3 —" in c.text for c in clauses)
