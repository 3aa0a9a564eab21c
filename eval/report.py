"""Write an evaluation report: report.json, report.md (table), chart.png (grouped bars), failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policyqa.eval.metrics import LOWER_IS_BETTER, METRIC_NAMES


def markdown_table(data: dict[str, Any]) -> str:
    """The systems side by side, one metric per row (``—`` where a metric does not apply)."""
    systems = list(data["systems"])
    names = [n for n in _metric_order(data) if any(data["systems"][s].get(n) is not None for s in systems)]
    lines = [f"| metric | {' | '.join(systems)} |", "|---|" + "---:|" * len(systems)]
    for name in names:
        arrow = " ↓" if name in LOWER_IS_BETTER else ""
        cells = [_fmt(data["systems"][s].get(name)) for s in systems]
        lines.append(f"| {name}{arrow} | {' | '.join(cells)} |")
    return "\n".join(lines)


def markdown_report(data: dict[str, Any], *, command: str = "") -> str:
    """The whole Markdown report: overall table, then one table per intent."""
    parts = [f"# Evaluation: {data['testset']} ({data.get('kind', 'dev')}, {data['questions']} questions)", ""]
    if command:
        parts += ["Reproduce with:", "", "```console", f"$ {command}", "```", ""]
    if data.get("sample"):
        parts += [f"Sample: {data['sample']['rule']} (of {data['sample']['of_questions']} questions and "
                  f"{data['sample']['of_passages']} passages).", ""]
    parts += [markdown_table(data), ""]
    for intent, systems in data.get("by_intent", {}).items():
        parts += [f"## {intent}", "", markdown_table({"systems": systems}), ""]
    for lang, systems in data.get("by_lang", {}).items():
        parts += [f"## questions in {lang}", "", markdown_table({"systems": systems}), ""]
    parts.append("↓: lower is better. Latency is per question, in milliseconds.")
    return "\n".join(parts) + "\n"


def write_chart(data: dict[str, Any], path: Path) -> None:
    """Grouped bars, one group per [0, 1] metric, one bar per system (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = list(data["systems"])
    names = [n for n in _metric_order(data) if not n.startswith("latency")
             and any(data["systems"][s].get(n) is not None for s in systems)]
    x = np.arange(len(names))
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(names) + 2), 4.0), dpi=120)
    for i, system in enumerate(systems):
        values = [data["systems"][system].get(n) or 0.0 for n in names]
        ax.bar(x + (i - (len(systems) - 1) / 2) * width, values, width, label=system)
    ax.set_xticks(x, names, rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score (false_abstain: lower is better)")
    ax.set_title(f"{data['testset']}: {data['questions']} questions")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(data: dict[str, Any], failures: list[dict[str, Any]], directory: Path, *,
                 command: str = "") -> list[Path]:
    """Write report.json, report.md, chart.png, failures.jsonl and failures.md into ``directory``."""
    from policyqa.eval.runner import write_failures

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "report.md").write_text(markdown_report(data, command=command), encoding="utf-8")
    write_chart(data, directory / "chart.png")
    write_failures(failures, directory)
    return [directory / n for n in ("report.json", "report.md", "chart.png", "failures.jsonl", "failures.md")]


def _metric_order(data: dict[str, Any]) -> list[str]:
    seen = [n for s in data["systems"].values() for n in s]
    return [n for n in METRIC_NAMES if n in seen] + [n for n in dict.fromkeys(seen) if n not in METRIC_NAMES]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value > 1.0:
        return f"{value:.0f}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
