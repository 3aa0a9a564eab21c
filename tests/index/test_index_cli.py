"""`policyqa ingest / docs / remove / search` through ``ui.cli.main``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policyqa.index.clause_index import ClauseIndex
from policyqa.ui.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture()
def seed_copy(seed_index: ClauseIndex, tmp_path: Path) -> Path:
    dest = tmp_path / "index"
    shutil.copytree(seed_index.path, dest, ignore=shutil.ignore_patterns(".write.lock"))
    return dest


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_search_json(seed_index: ClauseIndex, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "冷链物流由谁牵头？", "--k", "3", "--index", str(seed_index.path), "--json"]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out  # UTF-8, not escapes
    data = json.loads(out)
    assert data["query"] == "冷链物流由谁牵头？" and len(data["results"]) == 3
    first = data["results"][0]
    assert set(first) == {"rank", "score", "clause_id", "doc_id", "doc_title", "region", "path", "text",
                          "leads", "cooperating", "responsible"}
    assert first["rank"] == 1 and isinstance(first["path"], list) and isinstance(first["leads"], list)


def test_search_filters_and_text_output(seed_index: ClauseIndex, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["search", "结对帮扶", "--index", str(seed_index.path)]
    assert main(args + ["--doc", "yongqiao-pairing-plan-2022", "--has-responsibility", "--json"]) == 0
    results = _json(capsys)["results"]
    assert results and all(r["doc_id"] == "yongqiao-pairing-plan-2022" and (r["leads"] or r["cooperating"] or r["responsible"])
                           for r in results)
    assert main(args + ["--region", "宿迁", "--type", "实施意见", "--k", "2"]) == 0
    assert "1. [" in capsys.readouterr().out


def test_search_batch_in_order(seed_index: ClauseIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "q1", "query": "蕲县港"}\n\n{"id": 2, "query": "Who leads cold-chain logistics?"}\n',
                     encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--k", "2", "--index", str(seed_index.path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["query"]) for r in lines] == [("q1", "蕲县港"), (2, "Who leads cold-chain logistics?")]
    assert all(len(r["results"]) == 2 for r in lines)


@pytest.mark.parametrize("content,problem", [('{"id": 1, "query": "x"}\n{"id": 2\n', "q.jsonl:2: not valid JSON"),
                                             ('{"id": 1}\n', 'q.jsonl:1: expected an object with a non-empty "query"')])
def test_search_batch_malformed_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
                                     problem: str) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(content, encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--index", str(tmp_path / "none")]) == 1
    assert problem in capsys.readouterr().err


def test_search_needs_query_or_batch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["search", "--index", str(tmp_path)]) == 1
    assert "QUERY or --batch" in capsys.readouterr().err


def test_docs_json(seed_index: ClauseIndex, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "--json", "--index", str(seed_index.path)]) == 0
    docs = _json(capsys)["documents"]
    assert len(docs) == 5 and all(d["clause_count"] > 0 for d in docs)


def test_ingest_unchanged_then_remove(seed_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(CORPUS), "--index", str(seed_copy), "--json"]) == 0
    report = _json(capsys)
    assert len(report["unchanged"]) == 5 and report["added"] == [] and report["clauses_embedded"] == 0
    assert main(["remove", "suzhou-hangzhou-pairing-news-2023", "--index", str(seed_copy)]) == 0
    capsys.readouterr()
    assert main(["docs", "--json", "--index", str(seed_copy)]) == 0
    assert len(_json(capsys)["documents"]) == 4
    assert main(["remove", "nope", "--index", str(seed_copy)]) == 1
    assert "no document 'nope'" in capsys.readouterr().err


def test_ingest_with_bad_files_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "plan.txt"
    good.write_text("一、总体要求\n（一）加快冷链物流建设（市发展改革委牵头）\n（二）推进蕲县港建设\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    index = tmp_path / "idx"
    code = main(["ingest", str(good), str(empty), "--index", str(index), "--embedder", "hash"])
    captured = capsys.readouterr()
    assert code == 3 and "empty.txt" in captured.err and "1 added" in captured.out


def test_mismatched_embedder_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "plan.txt"
    good.write_text("一、总体要求\n（一）加快冷链物流建设\n", encoding="utf-8")
    assert main(["ingest", str(good), "--index", str(tmp_path / "i"), "--embedder", "hash"]) == 0
    assert main(["search", "冷链", "--index", str(tmp_path / "i")]) == 1
    assert "'hash-384'" in capsys.readouterr().err
