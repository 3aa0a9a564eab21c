"""`policyqa tasks`, `units`: the responsibility ledger (责任分工表) — every unit's tasks, complete."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from policyqa.settings import Settings

_TASKS_EPILOG = """examples:
  policyqa tasks --unit 市发改委 --region 宿州               # 宿州市 市发展改革委: every task, lead and cooperating
  policyqa tasks 埇桥区财政局 --role lead --json
  policyqa tasks --doc yongqiao-pairing-plan-2022 --xlsx 埇桥-责任分工表.xlsx   # a plan's whole table
  policyqa tasks --region 宿迁 --role lead --csv > 宿迁-牵头.csv
"""
_UNITS_EPILOG = """examples:
  policyqa units                      # every unit of every region, with its lead / cooperating counts
  policyqa units --region 埇桥区 --json | jq '.units[0]'
"""


def register(sub: argparse._SubParsersAction) -> None:
    from policyqa.ui.cli import add_index_option

    p = sub.add_parser("tasks", help="the 责任分工表: every clause a unit leads or cooperates on",
                       epilog=_TASKS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="One row per clause: document, clause, task, leads, cooperating. "
                                   "Without a unit: the whole table of the selected documents / region.")
    p.add_argument("unit_arg", nargs="?", metavar="UNIT", help="same as --unit (kept for older scripts)")
    p.add_argument("--unit", help="unit name as documents write it or an alias: 市发改委, 埇桥区财政局, 宿州海关")
    p.add_argument("--region", help="the unit's region (宿州, 宿迁市, 埇桥区); without --unit: all its units")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--role", choices=("lead", "cooperating", "responsible", "any"), default="any",
                   help="lead (牵头), cooperating (配合), responsible (责任单位, no lead named) or any (default)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    fmt.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook (header row, readable widths)")
    add_index_option(p)
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("units", help="every unit with its number of lead and cooperating tasks",
                       epilog=_UNITS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--region", help="only units of this region (宿州, 宿迁市, 埇桥区)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_index_option(p)
    p.set_defaults(func=cmd_units)


def cmd_tasks(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.qa.errors import UnknownNameError
    from policyqa.ui.cli import EXIT_USAGE, print_json
    from policyqa.ui.cli.ask_cmds import open_engine

    if args.unit_arg and args.unit and args.unit_arg != args.unit:
        print("policyqa tasks: give the unit once (UNIT or --unit)", file=sys.stderr)
        return EXIT_USAGE
    unit = args.unit or args.unit_arg
    try:
        table = open_engine(settings).duty_table(unit, doc_ids=args.doc or None, region=args.region,
                                                 role=args.role)
    except UnknownNameError as exc:
        return _name_error(exc, json_out=args.json)
    if args.json:
        print_json(table.to_dict())
    elif args.csv:
        sys.stdout.write(table.to_csv())
    elif args.xlsx:
        path = table.write_xlsx(args.xlsx)
        print(f"{path}: {len(table.tasks)} 行 ({table.title})", file=sys.stderr)
    else:
        sys.stdout.write(_tasks_text(table))
    return 0


def _tasks_text(table: Any) -> str:
    """Readable text, grouped by document: clause number, task, then its units."""
    from policyqa.qa.answerers.citations import shorten
    from policyqa.qa.ledger.ledger import ROLE_ZH

    lines = [f"{table.title}：{len(table.tasks)} 项任务"]
    document = None
    for r in table.records():
        if r["document"] != document:
            document = r["document"]
            lines.append(f"\n《{document}》")
        role = f"[{ROLE_ZH[r['role']]}] " if r["role"] else ""
        lines.append(f"- {role}{r['clause']} {shorten(r['task'], 100)}")
        units = [f"{label}：{'、'.join(r[key])}" for key, label in
                 (("leads", "牵头"), ("cooperating", "配合"), ("responsible", "责任单位")) if r[key]]
        lines.append("  " + "；".join(units))
    return "\n".join(lines) + "\n"


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.qa.errors import UnknownNameError
    from policyqa.ui.cli import print_json
    from policyqa.ui.cli.ask_cmds import open_engine

    try:
        units = open_engine(settings).ledger.units(region=args.region or "")
    except UnknownNameError as exc:
        return _name_error(exc, json_out=args.json)
    if args.json:
        print_json({"units": [u.to_dict() for u in units]})
        return 0
    width = max((_width(u.label) for u in units), default=0)
    print(f"{_pad('单位 (unit)', width)}  牵头  配合  责任  合计")
    for u in units:
        mark = "  (集合)" if u.collective else ""  # 各县区 / 市各相关部门: a collective, not one unit
        print(f"{_pad(u.label, width)}  {u.leads:>4}  {u.cooperating:>4}  {u.responsible:>4}  {u.total:>4}{mark}")
    return 0


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _name_error(exc: Any, *, json_out: bool) -> int:
    """An unknown unit / region / document: one line on stderr; under --json also the error shape."""
    from policyqa.ui.cli import EXIT_ERROR, print_json

    if json_out:
        print_json({"ok": False, "error": str(exc), "errors": [str(exc)], "suggestions": list(exc.suggestions)})
    print(f"policyqa: error: {exc}", file=sys.stderr)
    return EXIT_ERROR
