"""`policyqa eval --json` end to end on a small subset of the seed set (real index, real embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.eval.metrics import METRIC_NAMES
from policyqa.eval.testset import load_testset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One question per intent and language: quick, yet every metric applies to something."""
    picked, seen = [], set()
    for case in load_testset("seed"):
        key = (case.intent, case.lang)
        if key not in seen:
            seen.add(key)
            picked.append(case)
    path = tmp_path_factory.mktemp("eval") / "subset.jsonl"
    path.write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in picked), encoding="utf-8")
    return path


def test_eval_json_has_both_systems_and_every_metric(subset: Path, tmp_path_factory: pytest.TempPathFactory,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("policyqa.qa.engine", reason="the QA engine has not landed yet")
    from policyqa.ui.cli import main

    index_dir = tmp_path_factory.mktemp("index")
    report_dir = tmp_path_factory.mktemp("report")
    code = main(["eval", "--testset", str(subset), "--index", str(index_dir), "--json", "--report", str(report_dir)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    n = len(load_testset(subset))
    assert data["testset"] == str(subset) and data["questions"] == n
    assert set(data["systems"]) == {"policyqa", "baseline"}
    for system in data["systems"].values():
        assert set(METRIC_NAMES) <= set(system)
        intents = {case.intent for case in load_testset(subset)}
        for name in METRIC_NAMES:
            value = system[name]
            if name.startswith("task_") and "unit_tasks" not in intents:
                assert value is None, name  # a metric no question of the set applies to
                continue
            assert value is not None, name
            assert value >= 0 and (name.startswith("latency") or value <= 1)
    assert data["systems"]["baseline"]["lead_exact"] == 0.0  # it names no units
    assert data["systems"]["baseline"]["abstain_recall"] == 0.0  # and never abstains
    assert set(data["by_intent"]) == {c.intent for c in load_testset(subset)}
    assert set(data["by_lang"]) == {c.lang for c in load_testset(subset)}
    assert "## questions in en" in (report_dir / "report.md").read_text(encoding="utf-8")
    assert {p.name for p in report_dir.iterdir()} >= {"report.json", "report.md", "chart.png", "failures.jsonl"}


def test_unknown_testset_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    from policyqa.ui.cli import main

    assert main(["eval", "--testset", "no-such-set", "--json"]) == 1
    err = capsys.readouterr().err
    assert "no such test set" in err and "seed" in err and "Traceback" not in err
