"""`policyqa ask / compare / tasks` through main([...]) against the seed index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.ui.cli import main


@pytest.fixture()
def index_args(seed_index) -> list[str]:  # noqa: ANN001
    return ["--index", str(seed_index.path)]


def test_ask_json_shape(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "宿州市冷链物流项目由哪个部门牵头？", "--json", *index_args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"question", "answer", "abstained", "intent", "leads", "cooperating", "citations", "mode"} <= set(data)
    assert data["leads"] == ["市发展改革委"] and data["mode"] == "extractive"
    assert {"n", "clause_id", "doc_id", "doc_title", "path", "text"} <= set(data["citations"][0])


def test_ask_text_names_the_clause(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "宿州市冷链物流项目由哪个部门牵头？", *index_args]) == 0
    out = capsys.readouterr().out
    assert "《宿州市推进长三角一体化发展三年行动计划(2021-2023年)》" in out and " 31" in out


def test_ask_batch_keeps_order(index_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.jsonl"
    questions = [("b", "宿州市冷链物流项目由哪个部门牵头？"), ("a", "亳州市与哪个城市结对？")]
    batch.write_text("".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) + "\n"
                             for i, q in questions), encoding="utf-8")
    assert main(["ask", "--batch", str(batch), *index_args]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["b", "a"]
    assert lines[1]["abstained"] is True


def test_ask_batch_bad_line_names_it(index_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"id": 1, "question": "冷链物流由谁牵头？"}\n{"id": 2, "question": \n', encoding="utf-8")
    assert main(["ask", "--batch", str(batch), *index_args]) == 1
    assert f"{batch}:2:" in capsys.readouterr().err


def test_compare_json_shape(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "干部挂职交流", "--json", *index_args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"topic", "rows"}
    row = data["rows"][0]
    assert {"doc_id", "doc_title", "region", "clauses"} <= set(row)
    assert set(row["clauses"][0]) == {"clause_id", "path", "text", "leads", "cooperating", "responsible", "score"}


def test_tasks_csv(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "区财政局", "--csv", *index_args]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("doc_id,") and len(lines) == 1 + 4


def test_a_cold_ask_prints_nothing_on_stderr(seed_index) -> None:  # noqa: ANN001
    """A fresh process, as a user's first `policyqa ask`: jieba's dictionary messages are silenced."""
    from policyqa.eval.bench.cli_cold import cli_ask_cold

    result = cli_ask_cold(Path(seed_index.path), "e5-small-bundled")
    assert result["cli_ask_exit"] == 0 and result["cli_ask_stderr"] == []
