"""`policyqa settings`: every setting, its env var, default and help."""

from __future__ import annotations

import argparse

from policyqa.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("settings", help="list settings and their POLICYQA_* environment variables")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_settings)


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.ui.cli import print_json

    rows = Settings.describe()
    if args.json:
        print_json({"settings": rows})
        return 0
    for row in rows:
        print(f"{row['env']:<28} {row['default']!s:<20} {row['help']}")
    return 0
