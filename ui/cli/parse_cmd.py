"""`policyqa parse PATH... [--json]`: documents in, clauses out (JSON Lines or a readable tree)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from policyqa.settings import Settings

_EPILOG = """examples:
  policyqa parse corpus/ --json | jq -c '{clause_id, leads}'
  policyqa parse plan.pdf notes.docx                 # readable tree
  policyqa parse my_docs/ --json > clauses.jsonl || echo "exit $?"   # 3: some files skipped
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse", help="parse documents into clauses (no index needed)", epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Parse files or folders (a folder's catalog.toml supplies metadata) into clauses.")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md/.pdf/.docx/.doc/.wps/.html files or folders")
    p.add_argument("--json", action="store_true", help="JSON Lines: one object per clause, UTF-8")
    p.set_defaults(func=cmd_parse)


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    """Print every clause of every readable file; report skipped files on stderr.

    Returns:
        0 when all files parsed, 3 when some were skipped, 1 when none could be read.
    """
    from policyqa.ingest.config import IngestConfig
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.ui.cli import EXIT_ERROR, EXIT_OK, EXIT_SKIPPED, print_json

    report = ingest_paths(args.paths, IngestConfig.from_settings(settings))
    try:
        for parsed in report.parsed:
            if args.json:
                for clause in parsed.clauses:
                    print_json(clause_record(parsed.document, clause))
            else:
                _print_tree(parsed)
    except BrokenPipeError:  # `policyqa parse … | head`: the reader has all it wants
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_OK
    for error in report.skipped:
        print(f"policyqa: skipped {error}", file=sys.stderr)
    if report.skipped and report.parsed:
        print(f"policyqa: {len(report.parsed)} parsed, {len(report.skipped)} skipped", file=sys.stderr)
    if not report.skipped:
        return EXIT_OK
    return EXIT_SKIPPED if report.parsed else EXIT_ERROR


def clause_record(document: Any, clause: Any) -> dict[str, Any]:
    """One JSON Lines record: the clause's fields plus its document's id, title and region."""
    record = clause.to_dict()
    record.update(doc_id=document.doc_id, doc_title=document.title, region=document.region,
                  doc_type=document.doc_type, doc_date=document.date)
    return record


def _print_tree(parsed: Any) -> None:
    doc = parsed.document
    meta = " · ".join(x for x in (doc.region, doc.date, doc.doc_type) if x)
    print(f"《{doc.title}》 [{doc.doc_id}] {meta} — {len(parsed.clauses)} clauses")
    for clause in parsed.clauses:
        depth = max(len(clause.numbering) - 1, 0) if clause.kind != "paragraph" else len(clause.path) - 1
        label = "/".join(clause.numbering) or "·"
        part = f"#{clause.part}" if clause.part else ""
        text = " ".join(clause.text.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        print(f"{'  ' * (depth + 1)}{label}{part} {text}")
        if clause.has_responsibility:
            duty = "  ".join(f"{label}: {'、'.join(units)}" for label, units in
                             (("牵头", clause.leads), ("配合", clause.cooperating), ("责任单位", clause.responsible))
                             if units)
            print(f"{'  ' * (depth + 2)}[{duty}]")
    print()
