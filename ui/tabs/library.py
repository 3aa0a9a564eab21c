"""文库 tab: the documents with metadata and clause counts; upload, delete, correct a field, re-index.

Every write goes through ``state.library`` (``index.library.Library``, the same service as
`policyqa ingest/remove`): one writer at a time, each uploaded file validated, stored, parsed and added
on its own, so a bad file is reported in the page and the others still go in. Reads in other tabs keep
using the live index version while a write builds the next one. The table and the delete picker are
read when a page loads and after each write (``pickers.LiveList``), never fixed at server start.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.errors import PolicyqaError
from policyqa.index.library import UploadFile
from policyqa.index.uploads import ALLOWED_SUFFIXES
from policyqa.ui import render
from policyqa.ui.tabs import corrections
from policyqa.ui.tabs.pickers import LiveList, read_all

log = logging.getLogger(__name__)

HEADERS = ["文件 ID", "标题 (title)", "地区 (region)", "类型 (type)", "日期 (date)", "条款数 (clauses)", "来源 (source)"]


def document_rows(index: Any) -> list[list[Any]]:
    """One row per document in the index, newest first (an upload appears at the top)."""
    rows = []
    for info in index.documents():
        d = info.document
        rows.append([d.doc_id, d.title, d.region, d.doc_type, d.date, info.clause_count, d.source_path])
    return rows[::-1]


def _doc_options(index: Any) -> list[tuple[str, str]]:
    return [(f"{i.document.title}（{i.document.doc_id}）", i.document.doc_id) for i in index.documents()]


def upload_files(state: Any, paths: list[str], progress: Any) -> str:
    """Upload each file through the library; returns the per-file report as HTML.

    ``progress`` is a ``gr.Progress`` (or any callable taking ``(done, total)`` and ``desc=``).
    """
    # Gradio keeps the browser's file name as the temp file's name.
    files = [UploadFile(Path(p), Path(p).name) for p in paths]

    def step(done: int, total: int, name: str) -> None:
        progress((done, total), desc=f"索引 {name}" if name else "完成")

    report = state.library.upload(files, progress=step)
    lines = [("ok", f"✓ {f.name}: 《{f.title}》 {f.clause_count} 条条款{'已加入索引' if f.changed else '未变化'}")
             if f.ok else ("error", f"✗ {f.name}: {f.problem}") for f in report.files]
    return render.wrap("".join(f'<div class="{k}">{render.esc(t)}</div>' for k, t in lines))


def delete_document(state: Any, doc_id: str) -> str:
    """Remove a document from the index, and its uploaded original if it was an upload."""
    from policyqa.index.clause_index import DocumentNotFoundError

    try:
        report = state.library.remove(doc_id)
    except DocumentNotFoundError:
        return render.message(f"文库中没有 {doc_id} (no such document)。", kind="error")
    return render.message(f"已删除《{report.title}》 (deleted)。", kind="ok")


def reindex_all(state: Any, progress: Any) -> str:
    """Re-read the bundled corpus and every stored upload and bring the index up to date."""
    progress(0, desc="读取并写入索引 (reading and indexing)")
    outcome = state.library.rebuild(progress=True)
    skipped = f"，跳过 {len(outcome.skipped)} 个 (skipped)" if outcome.skipped else ""
    return f"已重建：{outcome.parsed} 份文件{skipped} (re-indexed)。"


def build(state: Any, *, live: list[LiveList]) -> list[LiveList]:
    """Lay out the tab inside the current Blocks; returns its own lists.

    Args:
        live: every other tab's lists, re-read after each write together with this tab's.
    """
    table = gr.Dataframe(headers=HEADERS, value=[], interactive=False, wrap=True, max_height=100_000,
                         label="文库 (documents in the index, newest first)", elem_id="library-table",
                         column_widths=["17%", "35%", "12%", "8%", "10%", "7%", "11%"])
    with gr.Row():
        with gr.Column(scale=3):
            files = gr.File(file_count="multiple", label=f"上传文件 ({' '.join(ALLOWED_SUFFIXES)}; "
                            f"≤ {state.settings.max_file_mb:g} MB)", elem_id="library-upload")
            upload = gr.Button("上传并索引 (upload & index)", variant="primary", elem_id="library-upload-button")
        with gr.Column(scale=2):
            doc = gr.Dropdown([], value=None, label="选择文件 (document)", elem_id="library-doc")
            confirm = gr.Checkbox(label="确认删除 (confirm delete)")
            delete = gr.Button("删除 (delete)", variant="stop", elem_id="library-delete")
            reindex = gr.Button("重建索引 (re-index)", elem_id="library-reindex")
    status = gr.HTML(elem_id="library-status")
    with gr.Accordion("元数据与更正 (fields, where each came from, corrections)", open=True):
        meta = gr.HTML(corrections.provenance_html(None), elem_id="library-meta")
        boxes = []
        for row in (corrections.FIELDS[:3], corrections.FIELDS[3:5], corrections.FIELDS[5:]):
            with gr.Row():
                boxes += [gr.Textbox(label=label, elem_id=f"library-meta-{key}", max_lines=1)
                          for key, _attr, label in row]
        save = gr.Button("保存更正 (save correction)", elem_id="library-correct")
    picker = LiveList(doc, lambda: gr.update(choices=_doc_options(state.index), value=None))
    own = [LiveList(table, lambda: document_rows(state.index)), picker]
    everything = [*own, *live]

    def on_upload(paths: list[str] | None, progress=gr.Progress(track_tqdm=True)):
        if not paths:
            return render.message("请先选择文件 (choose files first)。", kind="error"), None
        try:
            return upload_files(state, list(paths), progress), None
        except PolicyqaError as exc:  # the index could not be opened for writing (locked, mismatched)
            return render.message(f"上传失败：{exc}", kind="error"), None

    def on_delete(doc_id: str | None, sure: bool):
        if not doc_id:
            return render.message("请先选择文件 (choose a document)。", kind="error"), False
        if not sure:
            return render.message("请勾选“确认删除” (tick confirm first)。", kind="error"), False
        try:
            return delete_document(state, doc_id), False
        except PolicyqaError as exc:
            return render.message(f"删除失败：{exc}", kind="error"), False

    def on_pick(doc_id: str | None):
        document = corrections.find_document(state.index, doc_id)
        return [corrections.provenance_html(document), *corrections.form_values(document)]

    def on_correct(doc_id: str | None, *values: str):
        try:
            status, written = corrections.correct_document(state, doc_id, list(values))
        except PolicyqaError as exc:  # the index could not be opened for writing (locked, mismatched)
            status, written = render.message(f"更正失败：{exc}", kind="error"), False
        if not written:  # the form keeps what the user typed, to fix and save again
            return [status, *[gr.skip()] * (1 + len(boxes) + len(everything))]
        lists = read_all(state.index, everything)
        # The corrected document stays picked, its fields now showing the correction and its source.
        lists[everything.index(picker)] = gr.update(choices=_doc_options(state.index), value=doc_id)
        document = corrections.find_document(state.index, doc_id)
        return [status, corrections.provenance_html(document), *corrections.form_values(document), *lists]

    def on_reindex(progress=gr.Progress(track_tqdm=True)):
        try:
            return render.message(reindex_all(state, progress), kind="ok")
        except PolicyqaError as exc:
            return render.message(f"重建失败：{exc}", kind="error")

    def after_write() -> list[Any]:
        return read_all(state.index, everything)

    outputs = [item.component for item in everything]
    upload.click(on_upload, files, [status, files], api_visibility="private").then(
        after_write, None, outputs, api_visibility="private")
    delete.click(on_delete, [doc, confirm], [status, confirm], api_visibility="private").then(
        after_write, None, outputs, api_visibility="private")
    doc.change(on_pick, doc, [meta, *boxes], api_visibility="private")
    save.click(on_correct, [doc, *boxes], [status, meta, *boxes, *outputs], api_visibility="private")
    reindex.click(on_reindex, None, status, api_visibility="private").then(
        after_write, None, outputs, api_visibility="private")
    return own
