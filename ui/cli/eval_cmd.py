"""`policyqa eval`: run a test set through policyqa and the naive-RAG baseline, print or write the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from policyqa.settings import Settings

_EPILOG = """examples:
  policyqa eval                                   # seed test set on the default index, text table
  policyqa eval --json | jq '.systems.policyqa'
  policyqa eval --report report/                  # report.json, report.md, chart.png, failures.jsonl/md
  policyqa eval --testset extra_responsibility    # Anhui/Shanghai policies from ../shared/corpus-extra
  policyqa eval --testset extra_facts             # facts and unanswerable questions on the same policies
  policyqa eval --testset ncp                     # external NCP epidemic-policy QA: 100-question sample
  policyqa eval --testset ncp --sample 0          # all 658 questions over all 593 passages (about an hour)
  policyqa eval --testset my_questions.jsonl --no-baseline
  policyqa eval --testset 我们的问题.xlsx              # staff's own questions: .xlsx or .csv (eval/testsets/FORMAT.md)
"""


def register(sub: argparse._SubParsersAction) -> None:
    from policyqa.ui.cli import add_index_option

    p = sub.add_parser("eval", help="evaluate answers on a test set, beside a naive-RAG baseline",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--testset", default="seed",
                   help="bundled name (seed, extra_responsibility, extra_facts, ncp) or a .jsonl, .csv or .xlsx path "
                        "(default: seed)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--report", metavar="DIR", help="write report.json, report.md, chart.png and the failures")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive LangChain RAG baseline")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="only the first N questions")
    p.add_argument("--sample", type=int, default=100, metavar="N",
                   help="ncp only: N questions chosen by sha1 of their id, 0 = all (default: 100)")
    p.add_argument("--distractors", type=int, default=100, metavar="M",
                   help="ncp only: M further passages indexed beside the sample's own (default: 100)")
    p.add_argument("--extra-dir", metavar="DIR", help="corpus-extra folder (default: ../shared/corpus-extra)")
    add_index_option(p)
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.eval.external import default_extra_dir

    extra_dir = Path(args.extra_dir) if args.extra_dir else default_extra_dir()
    if args.testset == "ncp":
        data, failures = _eval_ncp(args, settings, extra_dir), []
    else:
        data, failures = _eval_testset(args, settings, extra_dir)
    if args.report:
        from policyqa.eval.report import write_report

        command = "policyqa " + " ".join(a for a in sys.argv[1:]) if sys.argv[1:] else "policyqa eval"
        for path in write_report(data, failures, Path(args.report), command=command):
            print(f"wrote {path}", file=sys.stderr)
    if args.json:
        from policyqa.ui.cli import print_json

        print_json(data)
    elif not args.report:
        from policyqa.eval.report import markdown_table

        print(f"{data['testset']} ({data.get('kind', 'dev')}): {data['questions']} questions")
        if data.get("sample"):
            print(f"sample: {data['sample']['rule']}")
        print(markdown_table(data))
    return 0


def _eval_testset(args: argparse.Namespace, settings: Settings, extra_dir: Path) -> tuple[dict[str, Any], list]:
    from policyqa.eval.runner import bundled_documents, raw_documents, run_eval
    from policyqa.eval.testset_tables import load_any_testset

    cases = load_any_testset(args.testset)
    if args.limit:
        cases = cases[: args.limit]
    if any(c.corpus == "extra" for c in cases):
        from policyqa.eval.external import extra_parsed_documents, with_doc_ids

        parsed = extra_parsed_documents(cases, extra_dir)
        cases = with_doc_ids(cases, parsed)
        index = _separate_index(settings, "extra", parsed)
        docs = raw_documents(parsed)
    else:
        from policyqa.eval.coverage import check_coverage
        from policyqa.index.clause_index import open_default_index

        index = open_default_index(settings)
        check_coverage(cases, (i.document.doc_id for i in index.documents()), testset=args.testset,
                       index_dir=index.root, extra_dir=extra_dir)
        docs = bundled_documents() if not args.no_baseline else []
    report = run_eval(_engine(index, settings), cases, baseline=not args.no_baseline, testset=args.testset,
                      baseline_docs=docs, embedder=index.embedder, progress=_progress())
    return report.to_dict(), report.failures()


def _eval_ncp(args: argparse.Namespace, settings: Settings, extra_dir: Path) -> dict[str, Any]:
    from policyqa.eval.baseline import NaiveRag
    from policyqa.eval.external import load_ncp, ncp_parsed_documents, run_ncp, sample_ncp

    sample = sample_ncp(*load_ncp(extra_dir), questions=args.sample, distractors=args.distractors)
    items, passages = sample.items, sample.passages
    if args.limit:
        items = items[: args.limit]
    parsed = ncp_parsed_documents(passages)
    index = _separate_index(settings, "ncp", parsed)
    rag = None if args.no_baseline else NaiveRag(list(passages.items()), index.embedder)
    return run_ncp(_engine(index, settings), items, passages, rag=rag, progress=_progress(),
                   sample=sample.describe())


def _separate_index(settings: Settings, name: str, parsed: list) -> Any:
    """An index of only these documents, next to the default one, reused (unchanged docs skip) across runs."""
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import make_embedder
    from policyqa.index.store import store_variant

    root = settings.index_dir()
    index = ClauseIndex.open(root.with_name(f"{root.name}-eval-{name}"), make_embedder(settings.embedder, settings),
                             create=True, store=store_variant(settings.store, f"eval_{name}"),
                             store_token=settings.store_token)
    keep = {p.document.doc_id for p in parsed}
    for info in index.documents():
        if info.document.doc_id not in keep:
            index.remove(info.document.doc_id)
    index.add(parsed, progress=True)
    return index


def _engine(index: Any, settings: Settings) -> Any:
    from policyqa.qa.engine import QAEngine

    return QAEngine(index, settings)


def _progress():  # noqa: ANN202
    if not sys.stderr.isatty():
        return None

    def show(line: str) -> None:
        print(f"\r{line}   ", end="", file=sys.stderr, flush=True)

    return show
