"""对比 tab: a topic across documents/regions → side-by-side table (document, clause, units) + CSV.

Also registers the public ``compare`` API endpoint.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.ui import render
from policyqa.ui.tabs.pickers import LiveList, catalogue_picker, empty_to_none

HEADERS = ["文件 (document)", "地区 (region)", "条款 (clause)", "内容 (text)", "牵头单位 (lead)", "配合单位 (cooperating)"]


def comparison_rows(comparison: Any) -> list[list[str]]:
    """One table row per (document, clause); a document with nothing on the topic gets its note."""
    rows = []
    for row in comparison.rows:
        if not row.clauses:
            rows.append([row.doc_title, row.region, "", row.note, "", ""])
        for clause, _score in row.clauses:
            rows.append([row.doc_title, row.region, render.clause_path(clause), clause.text,
                         "、".join(clause.leads), "、".join(clause.cooperating)])
    return rows


def write_csv(comparison: Any) -> str:
    """The qa layer's CSV, with a BOM so Excel opens the Chinese correctly; returns the file path."""
    from policyqa.qa.answerers.compare import to_csv
    from policyqa.index.uploads import safe_name

    folder = Path(tempfile.mkdtemp(prefix="policyqa-compare-"))
    path = folder / f"{safe_name(comparison.topic)[:40]}-对比.csv"
    path.write_text(to_csv(comparison), encoding="utf-8-sig")
    return str(path)


def build(state: Any) -> list[LiveList]:
    """Lay out the tab inside the current Blocks; returns its catalogue pickers (filled on page load)."""
    with gr.Row():
        topic = gr.Textbox(label="主题 (topic)", placeholder="例如：干部挂职交流、产业园区共建", scale=4,
                           elem_id="compare-topic")
        button = gr.Button("对比", variant="primary", scale=1, elem_id="compare-button")
    with gr.Row():
        docs = gr.Dropdown([], multiselect=True, label="文件 (documents; empty = all)")
        regions = gr.Dropdown([], multiselect=True, label="地区 (regions; empty = all)")
    status = gr.HTML(elem_id="compare-status")
    # Every row shows, no inner scroll box: a comparison is read across all its documents at once.
    table = gr.Dataframe(headers=HEADERS, value=[], wrap=True, interactive=False, elem_id="compare-table",
                         max_height=100_000,
                         column_widths=["16%", "10%", "18%", "34%", "11%", "11%"])
    download = gr.File(label="导出 CSV (export)", interactive=False, elem_id="compare-csv")

    def run(t: str, d: list[str], r: list[str]):
        if not t or not t.strip():
            return render.message("请输入对比主题 (enter a topic)。"), [], None
        comparison = state.engine.compare(t.strip(), doc_ids=empty_to_none(d), regions=empty_to_none(r))
        covered = [row for row in comparison.rows if row.clauses]
        if not covered:
            return render.message("所选文件中没有相关条款 (no clauses on this topic)。"), [], None
        n_clauses = sum(len(row.clauses) for row in covered)
        note = render.message(f"{n_clauses} 条条款，来自 {len(covered)} 份文件 "
                              f"({n_clauses} clauses from {len(covered)} documents)。", kind="ok")
        return note, comparison_rows(comparison), write_csv(comparison)

    for trigger in (button.click, topic.submit):
        trigger(run, [topic, docs, regions], [status, table, download], api_visibility="private")

    def compare_api(topic: str, doc_ids: list[str] | None = None, regions: list[str] | None = None) -> dict:
        """Compare how documents treat a topic; returns the comparison as JSON."""
        comparison = state.engine.compare(topic, doc_ids=empty_to_none(doc_ids), regions=empty_to_none(regions))
        return comparison.to_dict()

    gr.api(compare_api, api_name="compare")
    return [catalogue_picker(docs, state.index, "documents"), catalogue_picker(regions, state.index, "regions")]
