"""文库 tab: the documents with metadata and clause counts; upload, delete, re-index.

Every write runs under ``state.write_lock`` (one writer at a time across sessions). Each uploaded
file is validated, stored, parsed and added on its own: a bad file is reported in the page and the
others still go in. Reads in other tabs keep using the live index version while a write builds the
next one (the index layer swaps versions atomically).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.errors import PolicyqaError
from policyqa.ingest.errors import IngestError
from policyqa.ui import render
from policyqa.ui.tabs.pickers import Picker, refresh
from policyqa.ui.uploads import (
    ALLOWED_SUFFIXES,
    UploadConflictError,
    commit_upload,
    discard_upload,
    stage_upload,
    stored_uploads,
    uploads_dir,
)

log = logging.getLogger(__name__)

HEADERS = ["文件 ID", "标题 (title)", "地区 (region)", "类型 (type)", "日期 (date)", "条款数 (clauses)", "来源 (source)"]


def document_rows(index: Any) -> list[list[Any]]:
    """One row per document in the index."""
    rows = []
    for info in index.documents():
        d = info.document
        rows.append([d.doc_id, d.title, d.region, d.doc_type, d.date, info.clause_count, d.source_path])
    return rows


def _doc_options(index: Any) -> list[tuple[str, str]]:
    return [(f"{i.document.title}（{i.document.doc_id}）", i.document.doc_id) for i in index.documents()]


def _ingest_config(settings: Any) -> Any:
    from policyqa.ingest.config import IngestConfig

    return IngestConfig.from_megabytes(settings.max_file_mb)


def upload_files(state: Any, paths: list[str], progress: Any) -> str:
    """Validate, stage, parse and index each file; returns the per-file report as HTML."""
    max_bytes = int(state.settings.max_file_mb * 1024 * 1024)
    lines: list[tuple[str, str]] = []  # (css class, text)
    with state.writing() as writer:
        for i, tmp in enumerate(paths):
            name = Path(tmp).name  # Gradio keeps the browser's file name as the temp file's name
            progress((i, len(paths)), desc=f"索引 {name}")
            lines.append(_upload_one(state, writer, Path(tmp), name, max_bytes))
        progress((len(paths), len(paths)), desc="完成")
    return render.wrap("".join(f'<div class="{k}">{render.esc(t)}</div>' for k, t in lines))


def _upload_one(state: Any, writer: Any, tmp: Path, name: str, max_bytes: int) -> tuple[str, str]:
    from policyqa.ingest.pipeline import parse_file

    staged: Path | None = None
    try:
        staged = stage_upload(tmp, name, state.index_dir, max_bytes=max_bytes)
        parsed = parse_file(staged, config=_ingest_config(state.settings))
        check_not_another_document(writer, parsed, uploads_dir(state.index_dir))
        report = writer.add([parsed], progress=True)
    except IngestError as exc:
        _discard(staged)
        return "error", f"✗ {name}: {exc.problem}"
    except PolicyqaError as exc:  # e.g. IndexWriteError (disk full): the index is unchanged
        _discard(staged)
        return "error", f"✗ {name}: {exc}"
    except Exception:  # noqa: BLE001 - one file's bug must not lose the rest of the batch
        _discard(staged)
        log.exception("upload of %s failed", name)  # the traceback is the bug report
        return "error", f"✗ {name}: 内部错误，详见服务器日志 (internal error, see the server log)"
    commit_upload(staged)
    verb = "未变化" if not report.changed else "已加入索引"
    return "ok", f"✓ {name}: 《{parsed.document.title}》 {len(parsed.clauses)} 条条款{verb}"


def check_not_another_document(writer: Any, parsed: Any, uploads: Path) -> None:
    """Refuse an upload whose document id belongs to a different document.

    The id comes from the (sanitised) file name, so ``a/plan.txt`` and ``plan.txt`` are the same
    upload, and uploading it again replaces that upload: that is an update. But an upload must
    not replace a document that came from elsewhere (the bundled corpus, `policyqa ingest`) just
    because its name slugs to the same id.

    Raises:
        UploadConflictError: the index holds a document with this id that is not this upload.
    """
    doc_id = parsed.document.doc_id
    existing = next((i.document for i in writer.documents() if i.document.doc_id == doc_id), None)
    if existing is None:
        return
    same_upload = existing.source_path == parsed.document.source_path and (uploads / existing.source_path).is_file()
    if not same_upload:
        raise UploadConflictError(
            parsed.document.source_path,
            f"文库中已有 ID 为 {doc_id} 的另一份文件《{existing.title}》，请改名后上传 "
            f"(a different document already has the id {doc_id}; rename the file)")


def _discard(staged: Path | None) -> None:
    if staged is not None:
        discard_upload(staged)


def delete_document(state: Any, doc_id: str) -> str:
    """Remove a document from the index, and its uploaded original if it was an upload."""
    with state.writing() as writer:
        info = next((i for i in writer.documents() if i.document.doc_id == doc_id), None)
        if info is None:
            return render.message(f"文库中没有 {doc_id} (no such document)。", kind="error")
        writer.remove(doc_id)
        original = uploads_dir(state.index_dir) / Path(info.document.source_path).name
        if info.document.source_path and original.is_file():
            original.unlink()
    return render.message(f"已删除《{info.document.title}》 (deleted)。", kind="ok")


def build(state: Any, *, pickers: list[Picker]) -> None:
    """Lay out the tab inside the current Blocks; ``pickers`` are refreshed after every write."""
    table = gr.Dataframe(headers=HEADERS, value=document_rows(state.index), interactive=False, wrap=True,
                         label="文库 (documents in the index)", elem_id="library-table",
                         column_widths=["17%", "35%", "12%", "8%", "10%", "7%", "11%"])
    with gr.Row():
        with gr.Column(scale=3):
            files = gr.File(file_count="multiple", label=f"上传文件 ({' '.join(ALLOWED_SUFFIXES)}; "
                            f"≤ {state.settings.max_file_mb:g} MB)", elem_id="library-upload")
            upload = gr.Button("上传并索引 (upload & index)", variant="primary", elem_id="library-upload-button")
        with gr.Column(scale=2):
            doc = gr.Dropdown(_doc_options(state.index), value=None, label="选择文件 (document)", elem_id="library-doc")
            confirm = gr.Checkbox(label="确认删除 (confirm delete)")
            delete = gr.Button("删除 (delete)", variant="stop", elem_id="library-delete")
            reindex = gr.Button("重建索引 (re-index)", elem_id="library-reindex")
    status = gr.HTML(elem_id="library-status")

    def after_write():
        return [document_rows(state.index), gr.update(choices=_doc_options(state.index), value=None),
                *refresh(pickers, state.index)]

    refresh_outputs = [table, doc, *[p.component for p in pickers]]

    def on_upload(paths: list[str] | None, progress=gr.Progress(track_tqdm=True)):
        if not paths:
            return render.message("请先选择文件 (choose files first)。", kind="error"), None
        return upload_files(state, list(paths), progress), None

    def on_delete(doc_id: str | None, sure: bool):
        if not doc_id:
            return render.message("请先选择文件 (choose a document)。", kind="error"), False
        if not sure:
            return render.message("请勾选“确认删除” (tick confirm first)。", kind="error"), False
        try:
            return delete_document(state, doc_id), False
        except PolicyqaError as exc:
            return render.message(f"删除失败：{exc}", kind="error"), False

    def on_reindex(progress=gr.Progress(track_tqdm=True)):
        try:
            with state.writing() as writer:
                text = reindex_all(state, writer, progress)
        except PolicyqaError as exc:
            return render.message(f"重建失败：{exc}", kind="error")
        return render.message(text, kind="ok")

    upload.click(on_upload, files, [status, files], api_visibility="private").then(
        after_write, None, refresh_outputs, api_visibility="private")
    delete.click(on_delete, [doc, confirm], [status, confirm], api_visibility="private").then(
        after_write, None, refresh_outputs, api_visibility="private")
    reindex.click(on_reindex, None, status, api_visibility="private").then(
        after_write, None, refresh_outputs, api_visibility="private")


def reindex_all(state: Any, writer: Any, progress: Any) -> str:
    """Re-read the bundled corpus and every stored upload and bring the index up to date."""
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.pipeline import ingest_paths

    progress(0, desc="读取文件")
    sources = [bundled_corpus_dir(), *stored_uploads(state.index_dir)]
    report = ingest_paths(sources, config=_ingest_config(state.settings))
    progress(0.5, desc="写入索引")
    writer.add(report.parsed, progress=True)
    skipped = f"，跳过 {len(report.skipped)} 个" if report.skipped else ""
    return f"已重建：{len(report.parsed)} 份文件{skipped} (re-indexed)。"
