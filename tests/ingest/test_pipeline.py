"""The span invariant and coverage (parsing never drops text), catalog metadata and batch runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyqa.ingest.boilerplate import find_boilerplate
from policyqa.ingest.catalog import bundled_corpus_dir, load_catalog
from policyqa.ingest.errors import EmptyDocumentError, IngestError
from policyqa.ingest.loaders import RawDocument
from policyqa.model import Clause, ParsedDocument
from policyqa.ingest.pipeline import ingest_paths, parse_file, parse_raw

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"


def assert_spans_exact_and_covering(parsed: ParsedDocument) -> None:
    """text == original[start:end], stripped; every non-space char outside boilerplate is in a span."""
    text = parsed.text
    covered = bytearray(len(text))
    for clause in parsed.clauses:
        assert clause.text == text[clause.start:clause.end]
        assert clause.text == clause.text.strip() and clause.text
        covered[clause.start:clause.end] = b"\x01" * (clause.end - clause.start)
    for start, end in find_boilerplate(text):
        covered[start:end] = b"\x01" * (end - start)
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, text[lost[0]:lost[0] + 40]


def test_seed_spans(seeds):
    for parsed in seeds.values():
        assert_spans_exact_and_covering(parsed)
        spans = [(c.start, c.end) for c in parsed.clauses]
        assert spans == sorted(spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # no overlap


@pytest.mark.corpus_extra
def test_extra_spans(extra_dir):
    files = sorted(extra_dir.glob("pkulaw-policy-samples/*.txt")) + sorted(extra_dir.glob("shanghai-policy-md/*.md"))
    assert files
    for file in files:
        assert_spans_exact_and_covering(parse_file(file))


_PIECES = st.sampled_from([
    "一、", "二、", "三、", "（一）", "（二）", "(三)", "1.", "2.", "3、", "（1）", "①", "②", "第一条", "第二条",
    "推进合作共建", "加强交流。", "（责任单位：市商务局、市财政局）", "(市发展改革委牵头,市科技局等按职责分工负责)",
    "到2025年", "3.5亿元", "，", "。", "；", " ", "\n", "\n\n", "　", "新聞中心 > 頭條要聞 >", "監督電話:010-1",
    "2022-05-08 08:21:00", "相關新聞", "（", "）", "**", "# ",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=60).map("".join))
def test_parsing_never_drops_text(text):
    try:
        parsed = parse_raw(RawDocument(Path("gen.txt"), text))
    except EmptyDocumentError:
        assert not "".join(ch for i, ch in enumerate(text) if not ch.isspace()) or find_boilerplate(text)
        return
    assert_spans_exact_and_covering(parsed)
    ids = [c.clause_id for c in parsed.clauses]
    assert len(ids) == len(set(ids))


def test_catalog_metadata_reaches_clauses(seeds):
    catalog = load_catalog(bundled_corpus_dir())
    assert len(catalog) == 5
    parsed = seeds["suzhou-yrd-action-plan-2021"]
    assert parsed.document.title == "宿州市推进长三角一体化发展三年行动计划(2021-2023年)"
    assert parsed.document.region == "安徽省宿州市" and len(parsed.document.sha256) == 64
    clause = parsed.clauses[5]
    assert clause.doc_title == parsed.document.title and clause.region == "安徽省宿州市"
    assert clause.doc_type == "行动计划"


def test_clause_round_trip(seeds):
    for clause in seeds["yongqiao-pairing-plan-2022"].clauses:
        assert Clause.from_dict(clause.to_dict()) == clause


def test_without_catalog_title_from_text_and_id_from_name(tmp_path):
    src = bundled_corpus_dir() / "suqian_north_south_cooperation_opinions_2020.txt"
    copy = tmp_path / "Suqian Opinions.txt"
    shutil.copy(src, copy)
    parsed = parse_file(copy)
    assert parsed.document.doc_id == "suqian-opinions"
    # The web heading above the title (宿迁市委市政府最新发布) is not the title; the issuer line is part of it.
    assert parsed.document.title == "中共宿迁市委 宿迁市人民政府关于推动全市南北合作共建高质量发展实施意见"
    assert parsed.document.date == "2020-06-27"
    assert parsed.document.region == "江苏省宿迁市" and parsed.document.docnumber == "宿发﹝2020﹞14号"


def test_folder_run_goes_on_and_reports_each_failure(tmp_path):
    for name in ("empty.txt", "binary.txt", "gbk.txt", "truncated.pdf", "unknown.xyz"):
        shutil.copy(BAD / name, tmp_path / name)
    report = ingest_paths([tmp_path])
    assert [p.document.source_path for p in report.parsed] == ["gbk.txt"]
    assert sorted(e.path.name for e in report.skipped) == ["binary.txt", "empty.txt", "truncated.pdf"]
    assert all(isinstance(e, IngestError) for e in report.skipped)


def test_explicit_unknown_file_is_reported():
    report = ingest_paths([BAD / "unknown.xyz", BAD / "gbk.txt"])
    assert len(report.parsed) == 1 and report.skipped[0].path.name == "unknown.xyz"


def test_reparse_is_reproducible(seeds):
    again = ingest_paths([bundled_corpus_dir()])
    assert {p.document.doc_id: p.clauses for p in again.parsed} == {k: v.clauses for k, v in seeds.items()}


def test_markers_of_a_traditional_script_document_are_read_and_kept_as_written(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("青禾區推進文旅融合發展實施方案\n\n一、主要任務\n\n（一）打造濱水文旅街區。提升夜間消費活力。"
                    "（責任單位：區文旅局、區商務委）\n（二）推進非遺進景區。（牽頭單位：區文旅局；配合單位：區文聯）\n",
                    encoding="utf-8")
    parsed = parse_file(path)
    assert parsed.document.script == "traditional"
    duties = [(c.leads, c.cooperating, c.responsible) for c in parsed.clauses if c.has_responsibility]
    assert duties == [((), (), ("區文旅局", "區商務委")), (("區文旅局",), ("區文聯",), ())]
