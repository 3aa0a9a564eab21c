"""The 责任分工表 (task / lead / cooperating) as offices keep it: rows, JSON, CSV and Excel.

One row per clause: document, section, clause number, task, lead units, cooperating units (and the
queried unit's role, when the table is one unit's). ``write_xlsx`` writes a real workbook with
openpyxl: a bold frozen header row, a filter, wrapped text and column widths a person can read.

Example:
    >>> table = engine.duty_table("市发展改革委", region="宿州")     # doctest: +SKIP
    >>> table.write_xlsx(Path("宿州-发改委.xlsx"))                   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyqa.model import Clause
from policyqa.qa.ledger.ledger import ROLE_ZH, Task, Unit

# (key, header, Excel column width in characters)
_COLUMNS = (
    ("n", "序号", 6), ("document", "文件", 34), ("section", "章节", 30), ("clause", "条款", 12),
    ("task", "任务", 70), ("leads", "牵头单位", 30), ("cooperating", "配合单位", 30),
    ("responsible", "责任单位", 30),
)
_ROLE_COLUMN = ("role", "本单位角色", 12)
_ID_COLUMN = ("clause_id", "条款编号", 36)
_CHINESE_NUMERAL = set("一二三四五六七八九十百零")


def clause_number(clause: Clause) -> str:
    """The clause's numbering as a reader writes it: 五、31 · 二、（一）1 · 六、（十四）."""
    out = ""
    for i, part in enumerate(clause.numbering):
        last = i == len(clause.numbering) - 1
        if part and set(part.split("~")[0]) <= _CHINESE_NUMERAL:
            out += part + ("、" if not last else "")
        elif part.isdigit() and not last:
            out += part + "."
        else:
            out += part
    return out or "（正文）"


@dataclass(frozen=True)
class DutyTable:
    """A 责任分工表: the tasks of some units (or of whole documents), in reading order.

    Attributes:
        title: What the table holds, e.g. 宿州市 市发展改革委 · 牵头.
        units: The units it is about (empty: every unit of the selected documents).
        role: lead / cooperating / any.
        tasks: The rows.
    """

    title: str
    units: tuple[Unit, ...]
    role: str
    tasks: tuple[Task, ...]

    @property
    def columns(self) -> tuple[tuple[str, str, int], ...]:
        return _COLUMNS + ((_ROLE_COLUMN,) if self.units else ()) + (_ID_COLUMN,)

    def records(self) -> list[dict[str, Any]]:
        """One dict per row (the JSON form); units are lists, the rest strings."""
        out = []
        for n, task in enumerate(self.tasks, start=1):
            c = task.clause
            out.append({
                "n": n, "doc_id": c.doc_id, "document": c.doc_title or c.doc_id,
                "section": " › ".join(c.path[:-1]), "clause": clause_number(c), "path": list(c.path),
                "task": task.task_text, "text": task.text, "leads": list(c.leads),
                "cooperating": list(c.cooperating), "responsible": list(c.responsible), "role": task.role,
                "clause_id": c.clause_id, "deadline": c.deadline,
            })
        return out

    def rows(self) -> list[list[Any]]:
        """The table as shown and exported: one list per row, in ``columns`` order."""
        out = []
        for record in self.records():
            row = []
            for key, _, _ in self.columns:
                value = record[key]
                if key in ("leads", "cooperating", "responsible"):
                    value = "、".join(value)
                elif key == "role":
                    value = ROLE_ZH.get(value, value)
                row.append(value)
            out.append(row)
        return out

    def headers(self) -> list[str]:
        return [header for _, header, _ in self.columns]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "units": [u.to_dict() for u in self.units], "role": self.role,
                "tasks": self.records()}

    def to_csv(self) -> str:
        """CSV with machine-friendly columns (doc_id first), one line per row."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["doc_id", "document", "clause_id", "clause", "section", "task", "leads",
                         "cooperating", "responsible", "role"])
        for r in self.records():
            writer.writerow([r["doc_id"], r["document"], r["clause_id"], r["clause"], r["section"], r["task"],
                             "、".join(r["leads"]), "、".join(r["cooperating"]), "、".join(r["responsible"]),
                             r["role"]])
        return buf.getvalue()

    def write_xlsx(self, path: Path | str) -> Path:
        """Write the table as an Excel workbook (sheet 责任分工表); returns the path.

        The header is row 1 (bold, frozen, with a filter); the task and unit columns wrap.
        """
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        path = Path(path)
        book = Workbook()
        sheet = book.active
        sheet.title = "责任分工表"
        sheet.append(self.headers())
        for row in self.rows():
            sheet.append(row)
        fill = PatternFill("solid", fgColor="DDEBF7")
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center", vertical="center")
        for i, (_, _, width) in enumerate(self.columns, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = width
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
        return path


def table_title(units: tuple[Unit, ...], role: str, *, scope: str = "") -> str:
    """宿州市 市发展改革委 · 牵头 / 全部单位 · 宿州市推进… (for headings and file names)."""
    who = "、".join(u.label for u in units) if units else (scope or "全部单位")
    return who if role == "any" else f"{who} · {ROLE_ZH[role]}"
