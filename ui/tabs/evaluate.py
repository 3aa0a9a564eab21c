"""评测 tab: run a bundled or an uploaded test set → metrics (policyqa vs baseline), a chart, failures, Excel.

The numbers come from ``eval.runner.run_eval`` and the chart from ``eval.report``; this tab only lays
them out. A test set whose documents the index lacks is refused (``eval.coverage``) instead of scoring
zero; staff may upload their own set as JSONL, CSV or Excel (``eval.testset_tables``, template offered).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.errors import PolicyqaError
from policyqa.ui import render

METRIC_HEADERS = ["指标 (metric)", "说明 (meaning)", "policyqa", "基线 (baseline)"]
PHASES = {"policyqa": "policyqa 作答", "baseline": "基线 (baseline) 作答"}
_TICK = re.compile(r"^(\w+): (\d+)/(\d+)$")


def bundled_testsets() -> list[str]:
    """Names of the test sets shipped in ``eval/testsets/`` (``seed`` etc.)."""
    from policyqa import eval as eval_pkg

    folder = Path(eval_pkg.__file__).parent / "testsets"
    return sorted(p.stem for p in folder.glob("*.jsonl"))


def metric_rows(report: Any) -> list[list[Any]]:
    """One row per metric: Chinese name (English key), one-line meaning, policyqa, baseline ("" = n/a)."""
    from policyqa.eval.metric_labels import label

    ours = report.systems.get("policyqa", {})
    base = report.systems.get("baseline", {})
    rows = []
    for name, value in ours.items():
        meaning = label(name)
        rows.append([f"{meaning.chinese} ({name})", meaning.explanation, _fmt(value), _fmt(base.get(name))])
    return rows


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
    from policyqa.eval.metric_labels import label

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
        failed = "、".join(f"{label(n).chinese} ({n})" for n in row["failed"])
        rows.append({"id": row["id"], "question": row["question"], "failed": failed,
                     "expected": expected, "got": answer})
    return rows


def load_cases(set_name: str | None, uploaded: str | None) -> tuple[str, list[Any]]:
    """The uploaded file's cases when there is one, else the bundled set's; returns (name, cases)."""
    from policyqa.eval.testset_tables import load_any_testset

    if uploaded:
        return Path(uploaded).name, load_any_testset(uploaded)
    if not set_name:
        raise PolicyqaError("请选择或上传测试集 (choose or upload a test set)")
    return set_name, load_any_testset(set_name)


def phase_progress(progress: Any, with_baseline: bool) -> Any:
    """Turn the runner's ``"policyqa: 3/20"`` lines into one labelled bar per phase, with counts."""

    def tick(line: str) -> None:
        match = _TICK.match(line)
        if not match:
            return
        system, done, total = match.group(1), int(match.group(2)), int(match.group(3))
        step = "1/2" if with_baseline and system == "policyqa" else ("2/2" if with_baseline else "1/1")
        what = "切分并嵌入文档…" if done == 0 else f"第 {done}/{total} 题"
        progress((done, total), desc=f"阶段 {step} · {PHASES.get(system, system)}：{what}")

    return tick


def template_path() -> str:
    """The Excel template for staff's own test sets, written once per server into a temp folder."""
    from policyqa.eval.testset_tables import write_template

    folder = Path(tempfile.mkdtemp(prefix="policyqa-template-"))
    return str(write_template(folder / "测试集模板.xlsx"))


def results_xlsx(report: Any, name: str) -> str:
    from policyqa.eval.results_xlsx import write_results_xlsx
    from policyqa.index.uploads import safe_name

    folder = Path(tempfile.mkdtemp(prefix="policyqa-eval-"))
    return str(write_results_xlsx(report, folder / f"{safe_name(Path(name).stem)[:40]}-评测结果.xlsx"))


FORMAT_NOTE = (
    "**自带测试集 (your own test set)**：上传 `.xlsx`、`.csv`（UTF-8）或 `.jsonl`。每行一题，列名："
    "`问题`（必填）、`牵头单位`、`配合单位`（多个用“、”分隔）、`答案`（回答中必须出现的要点，如数字、日期；"
    "填 `无答案` 表示语料中没有答案）、`条款`（答案所在条款的一段原文）、`文件`（文件 ID，见“文库”）、`编号`。"
    "每行至少填 牵头单位、答案、条款 之一，或 无答案。出错时提示第几行。可下载模板。")


def build(state: Any) -> None:
    """Lay out the tab inside the current Blocks."""
    sets = bundled_testsets()
    default = "seed" if "seed" in sets else (sets[0] if sets else None)  # seed: the bundled corpus
    with gr.Row():
        name = gr.Dropdown(sets, value=default, label="测试集 (test set; seed = 内置语料 bundled corpus)",
                           elem_id="eval-set")
        own = gr.File(label="或上传自带测试集 (.xlsx / .csv / .jsonl)", file_types=[".xlsx", ".csv", ".jsonl"],
                      elem_id="eval-upload")
        limit = gr.Number(value=0, precision=0, minimum=0, label="题目数上限 (0 = 全部; limit)",
                          elem_id="eval-limit")
        baseline = gr.Checkbox(value=True, label="同时运行基线 (also run the baseline)")
        button = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    with gr.Accordion("测试集格式与模板 (format and template)", open=False):
        gr.Markdown(FORMAT_NOTE)
        gr.File(value=template_path(), label="模板 (template)", interactive=False, elem_id="eval-template")
    status = gr.HTML(elem_id="eval-status")
    table = gr.Dataframe(headers=METRIC_HEADERS, value=[], interactive=False, wrap=True, max_height=1200,
                         elem_id="eval-metrics", column_widths=["22%", "50%", "14%", "14%"])
    download = gr.File(label="逐题结果与未通过题目 (Excel)", interactive=False, elem_id="eval-xlsx")
    chart = gr.Image(label="指标图 (chart)", type="filepath", interactive=False, elem_id="eval-chart")
    failures = gr.HTML(elem_id="eval-failures")

    def run(set_name: str | None, uploaded: str | None, n: float | None, with_baseline: bool,
            progress=gr.Progress()):
        from policyqa.eval.coverage import check_coverage
        from policyqa.eval.runner import run_eval

        try:
            label, cases = load_cases(set_name, uploaded)
            if n and int(n) > 0:
                cases = cases[: int(n)]
            check_coverage(cases, (i.document.doc_id for i in state.index.documents()), testset=label,
                           index_dir=state.index_dir, extra_dir=_extra_dir())
        except PolicyqaError as exc:
            return render.message(f"无法评测 (cannot evaluate)：{exc}", kind="error"), [], None, None, ""
        report = run_eval(state.engine, cases, baseline=bool(with_baseline), testset=label,
                          progress=phase_progress(progress, bool(with_baseline)))
        failed = failure_rows(report)
        note = render.message(f"{label}: {len(cases)} 题，policyqa 未通过 {len(failed)} 题 "
                              f"({len(cases)} questions, {len(failed)} failed)", kind="ok")
        return (note, metric_rows(report), results_xlsx(report, label), chart_png(report),
                render.failures_html(failed))

    button.click(run, [name, own, limit, baseline], [status, table, download, chart, failures],
                 api_visibility="private")


def _extra_dir() -> Path:
    from policyqa.eval.external import default_extra_dir

    return default_extra_dir()
