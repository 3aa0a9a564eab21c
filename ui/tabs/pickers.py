"""Lists read from the index: document / region / type pickers, the 文库 table, the ledger's regions.

None of them is filled when the server starts. Each tab returns its lists as ``LiveList``s; the app
reads them all when a page loads (``Blocks.load``) and again after every write from the 文库 tab, so
a page opened after an upload — from this server or `policyqa ingest` — lists what the index holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr


@dataclass(frozen=True)
class PickerChoices:
    documents: list[tuple[str, str]]   # (label shown, doc_id)
    regions: list[str]
    doc_types: list[str]


def picker_choices(index: Any) -> PickerChoices:
    """Documents, regions and types present in ``index``, in a stable order."""
    infos = index.documents()
    docs = [(f"{i.document.title}（{i.document.doc_id}）", i.document.doc_id) for i in infos]
    regions = sorted({i.document.region for i in infos if i.document.region})
    types = sorted({i.document.doc_type for i in infos if i.document.doc_type})
    return PickerChoices(documents=docs, regions=regions, doc_types=types)


@dataclass(frozen=True)
class LiveList:
    """A component whose choices or rows come from the index; ``read()`` gives its new value or update."""

    component: Any
    read: Callable[[], Any]


def catalogue_picker(component: gr.Dropdown, index: Any, kind: str) -> LiveList:
    """A dropdown offering the ``index``'s ``kind`` (documents, regions or doc_types)."""
    return LiveList(component, lambda: gr.update(choices=getattr(picker_choices(index), kind)))


def read_all(index: Any, lists: list[LiveList]) -> list[Any]:
    """New values for each list, in order (the outputs of ``Blocks.load`` and of a write's ``.then``)."""
    index.refresh()  # another process (`policyqa ingest`) may have committed since our last search
    return [item.read() for item in lists]


def empty_to_none(values: list[str] | None) -> list[str] | None:
    """Gradio gives [] for "nothing picked"; the engine's filters mean "no filter" by None."""
    return list(values) if values else None
