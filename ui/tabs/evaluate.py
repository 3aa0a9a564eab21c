"""评测 tab: run a bundled test set → metrics table (policyqa vs baseline), a chart, failed questions.

The numbers come from ``eval.runner.run_eval`` and the chart from ``eval.report``; this tab only
lays them out.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.ui import render

METRIC_HEADERS = ["指标 (metric)", "policyqa", "基线 (baseline)"]


def bundled_testsets() -> list[str]:
    """Names of the test sets shipped in ``eval/testsets/`` (``seed`` etc.)."""
    from policyqa import eval as eval_pkg

    folder = Path(eval_pkg.__file__).parent / "testsets"
    return sorted(p.stem for p in folder.glob("*.jsonl"))


def metric_rows(report: Any) -> list[list[Any]]:
    """One row per metric: name, policyqa value, baseline value ("" when not run or not applicable)."""
    ours = report.systems.get("policyqa", {})
    base = report.systems.get("baseline", {})
    return [[name, _fmt(value), _fmt(base.get(name))] for name, value in ours.items()]


def _fmt(value: Any) -> Any:
    if value is None:
        return ""
    return round(value, 3) if isinstance(value, float) else value


def chart_png(report: Any) -> str:
    """The eval layer's own chart (same as `policyqa eval --report`), as a PNG path for gr.Image."""
    from policyqa.eval.report import write_chart

    path = Path(tempfile.mkdtemp(prefix="policyqa-eval-")) / "chart.png"
    write_chart(report.to_dict(), path)
    return str(path)


def failure_rows(report: Any) -> list[dict[str, Any]]:
    """policyqa's failed questions as {id, question, failed, expected, got} text for the list."""
    rows = []
    for row in report.failures():
        if row["system"] != "policyqa":
            continue  # the baseline's failures are in `policyqa eval --report`; here we debug ours
        exp, got = row["expected"], row["got"]
        expected = exp.get("answer", "")
        if exp.get("leads"):
            expected += f"  [牵头 {'、'.join(exp['leads'])}]"
        answer = ("(未作答 abstained) " if got.get("abstained") else "") + got.get("answer", "")
        if got.get("leads"):
            answer += f"  [牵头 {'、'.join(got['leads'])}]"
        rows.append({"id": row["id"], "question": row["question"], "failed": ", ".join(row["failed"]),
                     "expected": expected, "got": answer})
    return rows


def build(state: Any) -> None:
    """Lay out the tab inside the current Blocks."""
    sets = bundled_testsets()
    default = "seed" if "seed" in sets else (sets[0] if sets else None)  # seed: the bundled corpus
    with gr.Row():
        name = gr.Dropdown(sets, value=default, label="测试集 (test set; seed = 内置语料 bundled corpus)", elem_id="eval-set")
        limit = gr.Number(value=0, precision=0, minimum=0, label="题目数上限 (0 = 全部; limit)",
                          elem_id="eval-limit")
        baseline = gr.Checkbox(value=True, label="同时运行基线 (also run the baseline)")
        button = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    status = gr.HTML(elem_id="eval-status")
    table = gr.Dataframe(headers=METRIC_HEADERS, value=[], interactive=False, elem_id="eval-metrics")
    chart = gr.Image(label="指标图 (chart)", type="filepath", interactive=False, elem_id="eval-chart")
    failures = gr.HTML(elem_id="eval-failures")

    def run(set_name: str | None, n: float | None, with_baseline: bool, progress=gr.Progress(track_tqdm=True)):
        from policyqa.eval.runner import run_eval
        from policyqa.eval.testset import load_testset

        if not set_name:
            return render.message("请选择测试集 (choose a test set)。", kind="error"), [], None, ""
        progress(0, desc="加载测试集")
        cases = load_testset(set_name)
        if n and int(n) > 0:
            cases = cases[: int(n)]
        total = len(cases) * (2 if with_baseline else 1)
        done = iter(range(1, total + 1))

        def tick(line: str) -> None:
            progress((next(done, total), total), desc=line)

        report = run_eval(state.engine, cases, baseline=bool(with_baseline), testset=set_name, progress=tick)
        rows = metric_rows(report)
        failed = failure_rows(report)
        note = render.message(f"{set_name}: {len(cases)} 题，policyqa 失败 {len(failed)} 题 "
                              f"({len(cases)} questions, {len(failed)} failed)", kind="ok")
        return note, rows, chart_png(report), render.failures_html(failed)

    button.click(run, [name, limit, baseline], [status, table, chart, failures], api_visibility="private")
