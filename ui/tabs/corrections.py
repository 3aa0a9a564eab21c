"""The 文库 tab's correction form: a document's fields with where each came from, and a user's fixes.

A fix goes through ``state.library.correct`` (``index.library.Library``, as `policyqa docs --set` does):
validated as a sidecar is, written as the file's ``<file>.meta.toml``, the document re-indexed. Only
the fields a user changed are written, so the others stay inferred (or catalogued) and keep saying so;
the region is one group, so a change to province, city or district writes all three as shown.
"""

from __future__ import annotations

from typing import Any

from policyqa.model import Document
from policyqa.ui import render

# (sidecar key, Document attribute, label)
FIELDS = (("title", "title", "标题 (title)"), ("issuer", "issuer", "发文机关 (issuer)"),
          ("docnumber", "docnumber", "文号 (document number)"), ("date", "date", "日期 (date: 2024 / 2024-01 / 2024-01-29)"),
          ("type", "doc_type", "类型 (type)"), ("province", "province", "省 (province)"),
          ("city", "city", "市 (city)"), ("district", "district", "区县 (district)"))
_REGION_KEYS = ("province", "city", "district")
_SOURCE_LABELS = {"catalog": "目录 catalog.toml", "sidecar": "更正 / 附注文件 (sidecar)", "filename": "文件名 (file name)"}


def find_document(index: Any, doc_id: str | None) -> Document | None:
    """The document ``doc_id`` as the live index holds it."""
    if not doc_id:
        return None
    return next((i.document for i in index.documents() if i.document.doc_id == doc_id), None)


def source_label(source: str) -> str:
    """``inferred:title`` → 推断：标题 (inferred from the title), ``sidecar`` → 更正 …"""
    if source.startswith("inferred:"):
        return f"推断 (inferred: {source.removeprefix('inferred:')})"
    return _SOURCE_LABELS.get(source, source or "—")


def provenance_html(document: Document | None) -> str:
    """A table of the document's fields, each with its value and where it came from."""
    if document is None:
        return render.message("选择一份文件以查看并更正其元数据 (pick a document to see and correct its fields)。")
    rows = "".join(
        f"<tr><td>{render.esc(label)}</td><td class='meta-value' data-field='{key}'>"
        f"{render.esc(getattr(document, attr) or '—')}</td>"
        f"<td class='meta-source' data-field='{key}'>{render.esc(source_label(document.source_of(attr)) if getattr(document, attr) else '—')}</td></tr>"
        for key, attr, label in FIELDS)
    return render.wrap(f"<table class='meta'><tr><th>字段 (field)</th><th>值 (value)</th><th>来源 (source)</th></tr>"
                       f"{rows}</table>")


def form_values(document: Document | None) -> list[str]:
    """The form's values for ``document`` (empty strings without one), in ``FIELDS`` order."""
    return [getattr(document, attr) if document else "" for _key, attr, _label in FIELDS]


def changes_from_form(document: Document, values: list[str]) -> dict[str, str]:
    """Sidecar changes: the fields whose value differs from the document's; all three region fields
    when any of them differs (a region is given as a whole)."""
    given = {key: (value or "").strip() for (key, _attr, _label), value in zip(FIELDS, values)}
    changes = {key: given[key] for key, attr, _label in FIELDS if given[key] != getattr(document, attr)}
    if any(key in changes for key in _REGION_KEYS):
        changes.update({key: given[key] for key in _REGION_KEYS})
    return changes


def correct_document(state: Any, doc_id: str | None, values: list[str]) -> tuple[str, bool]:
    """Apply the form to ``doc_id`` through the library: ``(status line as HTML, whether it was written)``."""
    from policyqa.index.clause_index import DocumentNotFoundError
    from policyqa.index.errors import SidecarWriteError, SourceFileNotFoundError
    from policyqa.ingest.errors import IngestError

    document = find_document(state.index, doc_id)
    if document is None:
        return render.message("请先选择文件 (choose a document)。", kind="error"), False
    changes = changes_from_form(document, values)
    if not changes:
        return render.message("没有改动 (nothing changed)。"), False
    try:
        report = state.library.correct(document.doc_id, changes)
    except IngestError as exc:  # names the sidecar and the field: 'city' … is not a region of the table
        return render.message(f"未保存：{exc.problem}（{exc.path.name}）(not saved)", kind="error"), False
    except (DocumentNotFoundError, SourceFileNotFoundError, SidecarWriteError) as exc:
        return render.message(f"未保存：{exc} (not saved)", kind="error"), False
    # What the document now holds: a province completed from a city, a cleared field inferred again.
    fixed = "，".join(f"{key}={getattr(report.document, attr) or '—'}"
                     for key, attr, _label in FIELDS if key in changes)
    return render.message(f"已更正《{report.document.title}》：{fixed}；已写入 {report.sidecar.name} 并重新索引 "
                          f"(corrected and re-indexed)。", kind="ok"), True
