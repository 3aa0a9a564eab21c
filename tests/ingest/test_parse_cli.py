"""`policyqa parse`: JSON Lines, readable tree, one-line errors and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from policyqa.ingest.catalog import bundled_corpus_dir
from policyqa.ui.cli import main

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"


def test_parse_json_lines(capsys):
    assert main(["parse", str(bundled_corpus_dir()), "--json"]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) > 200
    for key in ("doc_id", "doc_title", "region", "clause_id", "path", "text", "leads", "cooperating",
                "start", "end"):
        assert key in records[0]
    c31 = next(r for r in records if r["clause_id"] == "suzhou-yrd-action-plan-2021:五/31")
    assert c31["path"] == ["五、实施长三角绿色农产品生产加工供应基地建设行动", "31"]
    assert c31["leads"] == ["市发展改革委"] and c31["region"] == "安徽省宿州市"


def test_parse_tree(capsys):
    assert main(["parse", str(bundled_corpus_dir() / "yongqiao_shangcheng_pairing_work_plan_2022.txt")]) == 0
    out = capsys.readouterr().out
    assert "二/（一）/1 1.构建农产品产销新体系" in out and "责任单位: 区商务局" in out


def test_some_files_skipped_exit_3(capsys, tmp_path):
    code = main(["parse", str(BAD / "gbk.txt"), str(BAD / "empty.txt"), str(BAD / "unknown.xyz"), "--json"])
    captured = capsys.readouterr()
    assert code == 3
    errors = [line for line in captured.err.splitlines() if line.startswith("policyqa: skipped ")]
    assert len(errors) == 2 and "empty.txt" in errors[0] and "unknown.xyz" in errors[1]
    assert "Traceback" not in captured.err
    assert all(json.loads(line)["doc_id"] == "gbk" for line in captured.out.splitlines())


def test_all_failed_exit_1(capsys, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in ("empty.txt", "binary.txt", "encrypted.pdf"):
        shutil.copy(BAD / name, folder / name)
    assert main(["parse", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.count("policyqa: skipped ") == 3 and "encrypted.pdf" in err and "Traceback" not in err
