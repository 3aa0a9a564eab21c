"""责任清单 tab: pick a region and a unit → all its tasks by document and role, a chart, an Excel file.

The ledger (``qa.ledger``) lists *every* task of a unit, not a search's top k. Units are scoped by
region, so the unit picker only offers the chosen region's units. Also registers the public ``tasks``
and ``units`` API endpoints.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from policyqa.errors import PolicyqaError
from policyqa.ui import render
from policyqa.ui.tabs.pickers import LiveList

ROLES = [("全部 (any)", "any"), ("牵头 (lead)", "lead"), ("配合 (cooperating)", "cooperating")]
ROLE_COLORS = {"牵头": "#1e40af", "配合": "#10b981"}
CHART_UNITS = 25  # the chart shows the region's busiest units; the picker lists them all


def unit_value(unit: Any) -> str:
    """A unit's picker value: region, level and key (what identifies it), tab-separated."""
    return "\t".join(unit.uid)


def unit_choices(ledger: Any, region: str) -> list[tuple[str, str]]:
    """Picker choices: 市发展改革委（牵头 17 · 配合 19）, busiest first."""
    return [(f"{u.name}（牵头 {u.leads} · 配合 {u.cooperating}）", unit_value(u)) for u in ledger.units(region=region)]


def chart_frame(ledger: Any, region: str) -> Any:
    """Tasks per unit of a region, one row per (unit, role), for ``gr.BarPlot``."""
    import pandas as pd

    units = ledger.units(region=region)[:CHART_UNITS] if region else []
    rows = [{"单位": u.name, "任务数": n, "角色": role}
            for u in units for role, n in (("牵头", u.leads), ("配合", u.cooperating))]
    return pd.DataFrame(rows, columns=["单位", "任务数", "角色"])


def chart_legend() -> str:
    """The chart's legend: a colour swatch per role."""
    items = "".join(f'<span class="legend-item"><span class="swatch" style="background:{colour}"></span>{role}'
                    f'{" (lead)" if role == "牵头" else " (cooperating)"}</span>'
                    for role, colour in ROLE_COLORS.items())
    return f'<div class="pqa legend">图例 (legend)：{items}</div>'


def write_xlsx(table: Any) -> str:
    """The table as an Excel file in a fresh temporary folder; returns its path."""
    from policyqa.index.uploads import safe_name

    folder = Path(tempfile.mkdtemp(prefix="policyqa-ledger-"))
    return str(table.write_xlsx(folder / f"{safe_name(table.title)[:40]}-责任分工表.xlsx"))


def _region_note(region: str, n_units: int) -> str:
    return render.message(f"{region}：{n_units} 个单位，请选择单位 (pick a unit)。")


def build(state: Any) -> list[LiveList]:
    """Lay out the tab inside the current Blocks; returns its lists (regions, units, chart, note)."""
    with gr.Row():
        region = gr.Dropdown([], value=None, label="地区 (region)", elem_id="ledger-region", scale=1)
        unit = gr.Dropdown([], value=None, label="单位 (unit)", elem_id="ledger-unit", scale=2)
        role = gr.Radio(ROLES, value="any", label="角色 (role)", elem_id="ledger-role", scale=1)
    status = gr.HTML("", elem_id="ledger-status")
    with gr.Row():
        with gr.Column(scale=3):
            tasks = gr.HTML(elem_id="ledger-tasks")
        with gr.Column(scale=2):
            chart = gr.BarPlot(chart_frame(state.engine.ledger, ""), x="单位", y="任务数", color="角色",
                               x_label_angle=-60, sort="-y", height=420, label="各单位任务数 (tasks per unit)",
                               color_map=ROLE_COLORS, elem_id="ledger-chart")
            # Gradio's plot draws its legend title without entries here: the legend is ours, in HTML.
            gr.HTML(chart_legend(), elem_id="ledger-legend")
            download = gr.File(label="导出 Excel (责任分工表)", interactive=False, elem_id="ledger-xlsx")

    def pick_region(r: str | None):
        current = state.engine.ledger
        choices = unit_choices(current, r) if r else []
        return (gr.update(choices=choices, value=None), chart_frame(current, r or ""),
                _region_note(r, len(choices)) if r else render.message("请选择地区 (pick a region)。"), "", None)

    def show(r: str | None, value: str | None, role_value: str):
        if not r or not value:
            return render.message("请选择单位 (pick a unit)。"), "", None
        current = state.engine.ledger
        uid = tuple(value.split("\t"))
        if len(uid) != 3 or uid not in {u.uid for u in current.units(region=r)}:
            return render.message("该单位不在所选地区 (unit not in this region)。", kind="error"), "", None
        from policyqa.qa.ledger.duty_table import DutyTable, clause_number, table_title

        picked = (current.unit(uid),)
        found = current.tasks(picked, role=role_value)
        table = DutyTable(table_title(picked, role_value), picked, role_value, tuple(found))
        leads = sum(t.role == "lead" for t in found)
        note = render.message(f"{picked[0].label}：{len(found)} 项任务（牵头 {leads} · 配合 {len(found) - leads}），"
                              f"来自 {len({t.clause.doc_id for t in found})} 份文件。", kind="ok")
        return note, render.ledger_html(found, number=clause_number), write_xlsx(table) if found else None

    # .input (the user's own picks), not .change: pick_region clears the unit, and that must not
    # fire show() and overwrite the region's note.
    region.input(pick_region, region, [unit, chart, status, tasks, download], api_visibility="private")
    for trigger in (unit.input, role.input):
        trigger(show, [region, unit, role], [status, tasks, download], api_visibility="private")
    def tasks_api(unit: str | None = None, region: str | None = None, doc_ids: list[str] | None = None,
                  role: str = "any") -> dict:
        """The 责任分工表 of a unit (市发改委, 埇桥区财政局 …), a region's units, or whole documents."""
        try:
            return state.engine.duty_table(unit or None, region=region or None, doc_ids=doc_ids or None,
                                           role=role).to_dict()
        except (PolicyqaError, ValueError) as exc:  # unknown unit/region/document (with near names), bad role
            raise gr.Error(str(exc)) from exc

    def units_api(region: str | None = None) -> list[dict]:
        """Every unit (of a region) with its number of lead and cooperating tasks."""
        try:
            return [u.to_dict() for u in state.engine.ledger.units(region=region or "")]
        except PolicyqaError as exc:
            raise gr.Error(str(exc)) from exc

    gr.api(tasks_api, api_name="tasks")
    gr.api(units_api, api_name="units")
    return _live_lists(state, region, unit, chart, status)


def _first_region(state: Any) -> str:
    regions = state.engine.ledger.regions
    return regions[0] if regions else ""


def _live_lists(state: Any, region: Any, unit: Any, chart: Any, status: Any) -> list[LiveList]:
    """The first region with its units, chart and note, as the index holds them now."""

    def note() -> str:
        first = _first_region(state)
        return _region_note(first, len(state.engine.ledger.units(region=first))) if first else ""

    return [
        LiveList(region, lambda: gr.update(choices=list(state.engine.ledger.regions),
                                           value=_first_region(state) or None)),
        LiveList(unit, lambda: gr.update(choices=unit_choices(state.engine.ledger, _first_region(state))
                                         if _first_region(state) else [], value=None)),
        LiveList(chart, lambda: chart_frame(state.engine.ledger, _first_region(state))),
        LiveList(status, note),
    ]
