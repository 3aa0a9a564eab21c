"""Tables as data: a 责任分工表 (header naming the task and the units) becomes one row record per task.

A header cell is classified by what it names: 序号, the task (重点任务 / 具体举措 / 工作内容 …), the leads
(牵头单位 / 主办单位, or 责任单位 when no 牵头 column exists), the cooperating units (配合 / 协办 / 参与 /
协同 单位, or 责任单位 beside a 牵头 column), the deadline (完成时限 / 完成时间 / 时间节点 …). A table is a
duty table when its header names a task and a lead column; any other table stays readable text.
Headers may span two rows (责任单位 over 牵头 | 配合); cells may hold several lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.ingest.normalize import to_simplified
from policyqa.ingest.responsibility import split_units

_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"^(序号|编号|序列)$")
_TASK = re.compile(r"任务|举措|措施|内容|事项|工作|目标|项目")
_LEAD = re.compile(r"牵头|主办|主责")
_RESPONSIBLE = re.compile(r"责任|负责")
_COOPERATING = re.compile(r"配合|协办|参与|协同|协助|协作|支撑")
_DEADLINE = re.compile(r"时限|期限|时间|进度|节点|完成年份")
_UNIT_WORD = re.compile(r"单位|部门|领导|处室|机构")
_MAX_HEADER_ROWS = 3


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds what: indexes into a row; ``task`` may name several (重点任务 + 具体举措)."""

    names: tuple[str, ...]
    task: tuple[int, ...]
    lead: tuple[int, ...]
    cooperating: tuple[int, ...]
    deadline: tuple[int, ...]
    number: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One data row of a duty table, as the clause it becomes says it."""

    text: str                       # the row as a line: 任务…（牵头单位：…；配合单位：…；完成时限：…）
    task: str
    leads: tuple[str, ...]
    cooperating: tuple[str, ...]
    deadline: str
    index: int = 0                  # position of the row among the rows given to :func:`duty_rows`


def cell_text(cell: str | None) -> str:
    """A cell's text with every line stripped; lines of a wrapped cell are joined without spaces."""
    if not cell:
        return ""
    return "".join(line.strip() for line in cell.splitlines())


def classify_header(rows: Sequence[Sequence[str]]) -> tuple[Columns, int] | None:
    """The duty-table columns of the first rows, and how many rows the header takes; ``None`` when
    the table is not a duty table."""
    width = max((len(r) for r in rows), default=0)
    for depth in range(1, min(_MAX_HEADER_ROWS, len(rows)) + 1):
        columns = _columns(tuple(_header_name(rows[:depth], col) for col in range(width)))
        if columns is None:
            continue
        # A second header row under a spanning cell (责任单位 over 牵头单位 | 配合单位).
        while depth < min(_MAX_HEADER_ROWS, len(rows) - 1) and _names_roles(rows[depth], columns):
            depth += 1
            columns = _columns(tuple(_header_name(rows[:depth], col) for col in range(width))) or columns
        if depth < len(rows):
            return columns, depth + _header_rest(rows[depth:], columns)
    return None


def _names_roles(row: Sequence[str], columns: Columns) -> bool:
    """Whether a row under the header only names roles (牵头单位 / 配合单位) and holds no task."""
    cells = [_WS.sub("", c or "") for c in row]
    if any(i < len(cells) and cells[i] and cells[i] != columns.names[i] for i in columns.task):
        return False
    named = [c for i, c in enumerate(cells) if c and c != columns.names[i]] if len(cells) == len(columns.names) else []
    return bool(named) and all(_LEAD.search(c) or _COOPERATING.search(c) or _RESPONSIBLE.search(c) for c in named)


def _header_name(rows: Sequence[Sequence[str]], col: int) -> str:
    parts: list[str] = []
    for row in rows:
        name = _WS.sub("", row[col]) if col < len(row) and row[col] else ""
        if name and name not in parts:
            parts.append(name)
    return "".join(parts)


def _header_rest(rows: Sequence[Sequence[str]], columns: Columns) -> int:
    """Rows right after the header that repeat it (a header repeated on every page of a PDF)."""
    count = 0
    for row in rows:
        if tuple(_WS.sub("", c or "") for c in row) == columns.names:
            count += 1
        else:
            break
    return count


def _columns(names: tuple[str, ...]) -> Columns | None:
    number, task, lead, responsible, cooperating, deadline = [], [], [], [], [], []
    for i, written in enumerate(names):
        name = to_simplified(written)  # 牽頭單位 names the column 牵头单位 does
        if _NUMBER.match(name):
            number.append(i)
        elif _COOPERATING.search(name) and (_UNIT_WORD.search(name) or len(name) <= 4):
            cooperating.append(i)
        elif _LEAD.search(name) and (_UNIT_WORD.search(name) or len(name) <= 4):
            lead.append(i)
        elif _RESPONSIBLE.search(name) and _UNIT_WORD.search(name):
            responsible.append(i)
        elif _DEADLINE.search(name):
            deadline.append(i)
        elif _TASK.search(name):
            task.append(i)
    # 责任单位 beside a 牵头 column names the others, as in a （牵头…；责任单位：…） parenthetical.
    if lead:
        cooperating = sorted(cooperating + responsible)
    else:
        lead = responsible
    if not task or not lead:
        return None
    return Columns(names, tuple(task), tuple(lead), tuple(cooperating), tuple(deadline), tuple(number))


def duty_rows(rows: Sequence[Sequence[str]], columns: Columns) -> list[DutyRow]:
    """The data rows (after the header) of a duty table, each rendered and parsed.

    Rows that repeat the header (tables continued over pages) and rows without a task are left out.
    """
    out: list[DutyRow] = []
    for index, row in enumerate(rows):
        cells = [cell_text(row[i]) if i < len(row) else "" for i in range(len(columns.names))]
        if tuple(_WS.sub("", c) for c in cells) == columns.names:
            continue
        task = "；".join(dict.fromkeys(cells[i] for i in columns.task if cells[i]))
        if not task:
            continue
        leads = _units(row, columns.lead)
        cooperating = tuple(u for u in _units(row, columns.cooperating) if u not in leads)
        deadline = "；".join(cells[i] for i in columns.deadline if cells[i])
        for i in columns.lead + columns.cooperating:  # one unit per line reads as a 、 list
            cells[i] = "、".join(_units(row, (i,)))
        out.append(DutyRow(_render(columns, cells), task, leads, cooperating, deadline, index))
    return out


def _units(row: Sequence[str], indexes: tuple[int, ...]) -> tuple[str, ...]:
    units: list[str] = []
    for i in indexes:
        # Each line of a multi-line cell is one unit or a list of them.
        lines = (row[i] or "").splitlines() if i < len(row) else []
        for line in lines:
            units.extend(split_units(line))
    return tuple(dict.fromkeys(u for u in units if u and u not in ("无", "—", "-", "/")))


def _render(columns: Columns, cells: list[str]) -> str:
    """A row as a plan writes a task: its text, then its units and deadline in a parenthetical,
    ``任务…。（牵头单位：A；配合单位：B；完成时限：2023年）``."""
    names = columns.names
    # Several task columns (重点任务 | 具体举措) read as a plan writes them: the task, then its measures.
    parts = list(dict.fromkeys(cells[i] for i in columns.task if cells[i]))
    body = "".join(p if p[-1] in "。；;！？：:" or n == len(parts) - 1 else f"{p}。" for n, p in enumerate(parts))
    task_or_number = set(columns.task) | set(columns.number)
    notes = [f"{names[i]}：{cells[i]}" for i in range(len(names))
             if cells[i] and names[i] and i not in task_or_number]
    return f"{body}（{'；'.join(dict.fromkeys(notes))}）" if notes else body


def plain_rows(rows: Sequence[Sequence[str]]) -> list[str]:
    """Any other table as readable lines: one per row, cells separated by `` | ``."""
    lines = []
    for row in rows:
        # A merged cell repeats across the columns it spans: show it once.
        cells = [c for i, c in enumerate(map(cell_text, row)) if c and (i == 0 or c != cell_text(row[i - 1]))]
        line = " | ".join(cells)
        if line:
            lines.append(line)
    return lines


def fill_merged(rows: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Rows of a PDF table with merged cells filled in: pdfplumber gives ``None`` for the cells a merged
    cell covers, the cell above (a unit column merged over several tasks) or, in the first row, the cell
    to the left (a header spanning columns)."""
    out: list[list[str]] = []
    for r, row in enumerate(rows):
        cells: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                cells.append(cell)
            elif r > 0 and c < len(out[-1]):
                cells.append(out[-1][c])
            else:
                cells.append(cells[-1] if cells else "")
        out.append(cells)
    return out
