"""`policyqa tasks / units` and the inverse question through `ask --json`, via main([...]) on the seed index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.ui.cli import main

YQ = "yongqiao-pairing-plan-2022"


@pytest.fixture()
def index_args(seed_index) -> list[str]:  # noqa: ANN001
    return ["--index", str(seed_index.path)]


def test_tasks_json_for_one_unit(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "--unit", "宿州海关", "--json", *index_args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [u["label"] for u in data["units"]] == ["宿州海关"]
    assert [t["clause"] for t in data["tasks"]] == ["七、44", "七、45", "七、48"]
    assert {t["role"] for t in data["tasks"]} == {"cooperating"}
    assert all("宿州海关" in t["cooperating"] for t in data["tasks"])


def test_positional_unit_is_the_same_as_the_option(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "埇桥区财政局", "--json", *index_args]) == 0
    positional = json.loads(capsys.readouterr().out)
    assert main(["tasks", "--unit", "区财政局", "--region", "埇桥", "--json", *index_args]) == 0
    assert json.loads(capsys.readouterr().out)["tasks"] == positional["tasks"]
    assert len(positional["tasks"]) == 4


def test_role_filter(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "--unit", "市文旅局", "--region", "宿州", "--role", "lead", "--csv", *index_args]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("doc_id,") and len(lines) == 1 + 3
    assert all(line.endswith(",lead") for line in lines[1:])


def test_unknown_unit_is_a_clear_error(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "--unit", "市发改局", *index_args]) == 1
    err = capsys.readouterr().err
    assert "unknown unit '市发改局'" in err and "市发展改革委" in err and "Traceback" not in err
    assert main(["tasks", "--unit", "市发改局", "--json", *index_args]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and "市发展改革委" in data["suggestions"]


def test_whole_plan_to_xlsx(index_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "埇桥-责任分工表.xlsx"
    assert main(["tasks", "--doc", YQ, "--xlsx", str(out), *index_args]) == 0
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "文件", "章节", "条款", "任务", "牵头单位", "配合单位")
    assert len(rows) == 1 + 22 and [r[0] for r in rows[1:]] == list(range(1, 23))  # 21 marked, 1 in a sentence
    assert "22" in capsys.readouterr().err


def test_units_json(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "--region", "宿迁", "--json", *index_args]) == 0
    units = json.loads(capsys.readouterr().out)["units"]
    assert {u["region"] for u in units} == {"宿迁市"}
    by_name = {u["name"]: u for u in units}
    # 宿迁's （责任单位：…） lists name no lead: its units are responsible; collectives are marked.
    assert (by_name["市发展改革委"]["responsible"], by_name["市委组织部"]["responsible"]) == (14, 3)
    assert by_name["市发展改革委"]["leads"] == 0 and not by_name["市发展改革委"]["collective"]
    assert by_name["市各相关部门"]["collective"] and by_name["各县、区"]["collective"]
    assert main(["units", "--region", "苏州", *index_args]) == 1
    assert "unknown region '苏州'" in capsys.readouterr().err


def test_ask_json_of_the_inverse_question(index_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "市委组织部牵头哪些任务？", "--json", *index_args]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"question", "answer", "abstained", "intent", "leads", "cooperating", "citations", "mode"} <= set(data)
    assert data["intent"] == "unit_tasks" and data["role"] == "lead"
    # No region in the question: both 市委组织部 are named, each under its own region; 宿迁's is only
    # ever listed as 责任单位, so it leads nothing and the answer says so.
    assert sorted(u["region"] for u in data["units"]) == ["宿州市", "宿迁市"]
    assert len(data["citations"]) == 1 and "问题未指明地区" in data["answer"]
    assert "宿迁市 市委组织部没有牵头的任务（另有责任单位 3 项）" in data["answer"]
