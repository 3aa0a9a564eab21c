"""`policyqa ask`, `compare`: answers with cited clauses, comparisons (a unit's tasks: ``ledger_cmds``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from policyqa.settings import Settings
from policyqa.ui.cli.batch import read_batch

_ASK_EPILOG = """examples:
  policyqa ask "宿州市冷链物流项目由哪个部门牵头？"
  policyqa ask "Who leads cold-chain logistics in Suzhou?" --json | jq '.citations[0]'
  policyqa ask --batch questions.jsonl > answers.jsonl     # lines {"id": ..., "question": ...}
  POLICYQA_LLM_BASE_URL=http://127.0.0.1:11434/v1 POLICYQA_LLM_MODEL=qwen2.5 policyqa ask "…" --llm
"""
_COMPARE_EPILOG = """examples:
  policyqa compare "干部挂职交流"
  policyqa compare "养老服务合作" --regions 宿州 埇桥 --markdown
  policyqa compare "承接产业转移" --docs suzhou-yrd-action-plan-2021 suqian-north-south-opinions-2020 --json
"""


def register(sub: argparse._SubParsersAction) -> None:
    from policyqa.ui.cli import add_index_option

    p = sub.add_parser("ask", help="answer a question with cited clauses", epilog=_ASK_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("question", nargs="?", help="the question (Chinese or English)")
    p.add_argument("--batch", metavar="FILE.jsonl", help="one {\"id\", \"question\"} per line ('-' = stdin); "
                   "prints one JSON line per input, in order")
    p.add_argument("--llm", action="store_true", help="answer with the LLM at POLICYQA_LLM_BASE_URL "
                   "(falls back to the extractive answer on any error)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_index_option(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("compare", help="compare documents on a topic: per document, its clauses and leads",
                       epilog=_COMPARE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("topic")
    p.add_argument("--docs", nargs="+", default=[], metavar="DOC_ID", help="only these documents")
    p.add_argument("--regions", nargs="+", default=[], metavar="REGION", help="documents of these regions")
    fmt = p.add_mutually_exclusive_group()
    for name in ("json", "csv", "markdown"):
        fmt.add_argument(f"--{name}", action="store_true", help=f"print {name.upper()}")
    add_index_option(p)
    p.set_defaults(func=cmd_compare)


def open_engine(settings: Settings) -> Any:
    from policyqa.index.clause_index import open_default_index
    from policyqa.qa.engine import QAEngine

    return QAEngine(open_default_index(settings), settings)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.ui.cli import EXIT_USAGE, print_json

    if bool(args.question) == bool(args.batch):
        print("policyqa ask: give a QUESTION or --batch FILE.jsonl (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.batch:
        questions = [(r.get("id", r["_line"]), r["question"]) for r in read_batch(args.batch, "question")]  # every line checked before any model loads
        engine = open_engine(settings)
        for qid, question in questions:
            print_json({"id": qid, **engine.ask(question, llm=args.llm).to_dict()})
        return 0
    answer = open_engine(settings).ask(args.question, llm=args.llm)
    if args.json:
        print_json(answer.to_dict())
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer: Any) -> str:
    """Readable text: the answer, then the cited clauses as [n] 《title》 path."""
    from policyqa.qa.answerers.citations import citation_list

    lines = [answer.text]
    if answer.citations:
        lines += ["", "引用：", citation_list(answer.citations)]
    elif answer.related:
        lines += ["", "相关条款：", citation_list(answer.related)]
    lines += [f"⚠ {flag}" for flag in answer.flags]
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.qa.answerers.compare import to_csv, to_markdown, to_text
    from policyqa.ui.cli import print_json

    comparison = open_engine(settings).compare(args.topic, doc_ids=args.docs or None, regions=args.regions or None)
    if args.json:
        print_json(comparison.to_dict())
    elif args.csv:
        sys.stdout.write(to_csv(comparison))
    elif args.markdown:
        sys.stdout.write(to_markdown(comparison))
    else:
        sys.stdout.write(to_text(comparison))
    return 0
