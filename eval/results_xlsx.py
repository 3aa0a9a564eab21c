"""An evaluation's per-question results and its failures as an Excel workbook, with Chinese headers.

Sheet 逐题结果 has one row per question (policyqa's answer, pass or fail and why); sheet 未通过 repeats
the failed rows. It is what staff download from the 评测 tab to go through the questions one by one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policyqa.eval.metric_labels import label

HEADERS = ("编号", "问题", "题型", "结果", "未通过的指标", "标准答案", "标准牵头单位", "policyqa 的回答",
           "回答的牵头单位", "回答的配合单位", "第 1 条引用", "用时（毫秒）")
INTENT_NAMES = {"responsibility": "责任分工", "fact": "事实", "compare": "对比", "general": "一般",
                "unanswerable": "无答案"}


def result_rows(report: Any, *, system: str = "policyqa") -> list[tuple[Any, ...]]:
    """One row per question of ``system`` in ``report`` (an ``eval.runner.EvalReport``), in file order."""
    from policyqa.eval.runner import failed_metrics

    by_id = {c.id: c for c in report.cases}
    rows = []
    for r in report.results.get(system, []):
        case = by_id[r.case_id]
        failed = failed_metrics(r)
        answer = ("（未作答）" if r.abstained else "") + r.answer_text
        rows.append((case.id, case.question, INTENT_NAMES.get(case.intent, case.intent),
                     "未通过" if failed else "通过", "、".join(label(n).chinese for n in failed),
                     case.answer, "、".join(case.leads), answer[:1000], "、".join(r.leads),
                     "、".join(r.cooperating), r.cited[0].text[:300] if r.cited else "", round(r.latency_ms)))
    return rows


def write_results_xlsx(report: Any, path: Path) -> Path:
    """Write the workbook to ``path``; returns it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = result_rows(report)
    book = Workbook()
    for sheet, chosen in ((book.active, rows), (book.create_sheet(), [r for r in rows if r[3] == "未通过"])):
        sheet.title = "逐题结果" if chosen is rows else "未通过"
        sheet.append(HEADERS)
        for row in chosen:
            sheet.append(list(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDEFGHIJKL", (10, 36, 8, 8, 18, 36, 18, 48, 18, 24, 40, 10)):
            sheet.column_dimensions[column].width = width
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    book.save(path)
    return path
