"""Choices for the document / region / type pickers, read from the index's catalogue.

Kept in one place because three tabs show them and the 文库 tab refreshes them all after an
upload or delete.
"""

from __future__ import annotations

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


@dataclass
class Picker:
    """A dropdown whose choices come from the catalogue; ``kind`` is documents/regions/doc_types."""

    component: gr.Dropdown
    kind: str

    def update(self, choices: PickerChoices) -> Any:
        return gr.update(choices=getattr(choices, self.kind))


def refresh(pickers: list[Picker], index: Any) -> list[Any]:
    """New choices for each picker, in order (the output list of a ``.then`` after a write)."""
    choices = picker_choices(index)
    return [p.update(choices) for p in pickers]


def empty_to_none(values: list[str] | None) -> list[str] | None:
    """Gradio gives [] for "nothing picked"; the engine's filters mean "no filter" by None."""
    return list(values) if values else None
