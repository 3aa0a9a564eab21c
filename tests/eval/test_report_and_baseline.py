"""Report files, the baseline's chunking/FAISS plumbing, and the external loaders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.eval.baseline import CHUNK_SIZE, NaiveRag
from policyqa.eval.report import markdown_report, markdown_table, write_report
from policyqa.index.embedders import HashEmbedder
from policyqa.ingest.catalog import bundled_corpus_dir

DATA = {
    "testset": "seed", "questions": 2,
    "systems": {
        "policyqa": {"hit@1": 1.0, "hit@5": 1.0, "lead_exact": 0.5, "compare_coverage": None,
                     "false_abstain": 0.0, "latency_ms_p50": 120.0, "latency_ms_p95": 300.0},
        "baseline": {"hit@1": 0.5, "hit@5": 1.0, "lead_exact": 0.0, "compare_coverage": None,
                     "false_abstain": 0.0, "latency_ms_p50": 80.0, "latency_ms_p95": 90.0},
    },
    "by_intent": {},
}


def test_markdown_table_rows_and_dashes() -> None:
    table = markdown_table(DATA).splitlines()
    assert table[0] == "| metric | policyqa | baseline |"
    assert "| hit@1 | 1.000 | 0.500 |" in table
    assert "| latency_ms_p50 ↓ | 120 | 80 |" in table
    assert not any(row.startswith("| compare_coverage") for row in table)  # applies to no question
    assert "$ policyqa eval --report out" in markdown_report(DATA, command="policyqa eval --report out")


def test_write_report_writes_every_file(tmp_path: Path) -> None:
    failures = [{"system": "baseline", "id": "q-1", "intent": "fact", "lang": "zh", "question": "几个？",
                 "failed": ["fact_contains"], "expected": {"answer": "11个", "gold_docs": [], "gold_clauses": []},
                 "got": {"answer": "不知道", "abstained": False, "leads": [], "cooperating": [],
                         "cited_docs": [], "first_citation": "", "top_retrieved": []}}]
    paths = write_report(DATA, failures, tmp_path / "out")
    assert [p.name for p in paths] == ["report.json", "report.md", "chart.png", "failures.jsonl", "failures.md"]
    assert json.loads(paths[0].read_text(encoding="utf-8"))["systems"]["baseline"]["hit@1"] == 0.5
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(paths[3].read_text(encoding="utf-8").splitlines()[0])["id"] == "q-1"
    assert "几个？" in paths[4].read_text(encoding="utf-8")


def test_baseline_chunks_within_size_and_finds_a_chunk_by_its_own_text() -> None:
    # HashEmbedder: NOT semantic, only the chunk → FAISS → search plumbing is under test here.
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(bundled_corpus_dir().glob("*.txt"))]
    rag = NaiveRag(texts, HashEmbedder())
    assert all(len(c.page_content) <= CHUNK_SIZE for c in rag.chunks)
    assert len(rag.chunks) > len(texts)
    target = rag.chunks[7]
    answer = rag.ask(target.page_content, k=3)
    assert answer.text == target.page_content
    assert answer.passages[0].doc_id == target.metadata["doc_id"]
    assert len(answer.passages) == 3


@pytest.mark.corpus_extra
def test_ncp_loader_reads_all_questions_and_unique_passages(extra_dir: Path) -> None:
    from policyqa.eval.external import best_sentence, load_ncp

    items, passages = load_ncp(extra_dir)
    assert len(items) == 658
    assert 0 < len(passages) < len(items)
    assert all(i.answer and i.passage_id in passages for i in items)
    # the extractive answer is a span of its passage
    assert sum(i.answer in passages[i.passage_id] for i in items) >= 0.95 * len(items)
    assert best_sentence("甲乙丙。丁戊己。", "丁戊是什么") == "丁戊己。"


@pytest.mark.corpus_extra
def test_ncp_sample_is_deterministic_and_holds_its_gold_passages(extra_dir: Path) -> None:
    from policyqa.eval.external import load_ncp, sample_ncp

    items, passages = load_ncp(extra_dir)
    first = sample_ncp(items, passages, questions=40, distractors=25)
    again = sample_ncp(list(reversed(items)), dict(reversed(list(passages.items()))), questions=40, distractors=25)
    assert [i.id for i in first.items] == [i.id for i in again.items] and set(first.passages) == set(again.passages)
    gold = {i.passage_id for i in first.items}
    assert len(first.items) == 40 and gold <= set(first.passages)
    assert len(first.passages) == len(gold) + 25
    assert first.describe()["of_questions"] == 658 and "sha1" in first.describe()["rule"]
    whole = sample_ncp(items, passages, questions=0)
    assert len(whole.items) == 658 and whole.passages == passages


@pytest.mark.corpus_extra
def test_extra_files_parse_and_map_to_doc_ids(extra_dir: Path) -> None:
    from policyqa.eval.external import extra_parsed_documents, with_doc_ids
    from policyqa.eval.testset import load_testset

    cases = load_testset("extra_responsibility")
    parsed = extra_parsed_documents(cases, extra_dir)
    assert len(parsed) == len({f for c in cases for f in c.gold_files})
    mapped = with_doc_ids(cases, parsed)
    ids = {p.document.doc_id for p in parsed}
    assert all(set(c.gold_docs) <= ids for c in mapped)


def test_failure_rows_keep_a_unit_tasks_question_unit_and_role_whole(tmp_path: Path) -> None:
    from policyqa.eval.runner import EvalReport, QuestionResult, write_failures
    from policyqa.eval.testset import TestCase

    case = TestCase(id="t-1", question="市财政局负责哪些任务？", intent="unit_tasks", lang="zh", answer="两项",
                    unit="市财政局", role="lead", gold_tasks=("统筹资金", "绩效评价"))
    result = QuestionResult(case_id="t-1", system="policyqa", retrieved=(), answer_text="", abstained=True,
                            leads=(), cooperating=(), cited=(), latency_ms=1.0,
                            scores={"task_recall": 0.0, "task_precision": 0.0})
    report = EvalReport("t", [case], {}, {}, {"policyqa": [result]})
    [row] = report.failures()
    assert row["expected"]["unit"] == "市财政局" and row["expected"]["role"] == "lead"
    assert row["expected"]["gold_tasks"] == ["统筹资金", "绩效评价"]
    write_failures([row], tmp_path)
    assert "expected tasks of 市财政局 (lead): ['统筹资金', '绩效评价']" in (tmp_path / "failures.md").read_text("utf-8")
