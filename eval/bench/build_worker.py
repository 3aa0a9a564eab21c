"""Worker process: build one corpus's index and measure ingest, raw embedder speed, size and ANN recall.

``python -m eval.bench.build_worker SPEC.json OUT.json``; spec keys: ``corpus`` (seed / extra / scale),
``files`` (seed, extra), ``pool`` + ``clauses`` + ``seed`` (scale), ``embedder``, ``index_dir``,
``raw_sample``, ``queries``, ``recall`` (bool).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from policyqa.eval.bench.measure import dir_size_mb, peak_rss_mb, stride_sample, worker_main
from policyqa.model import ParsedDocument

_RECALL_K = 10
_RECALL_TOLERANCE = 1e-3
_EXACT_CHUNK = 65_536  # rows of the exact scan at a time: bounded memory at 1M clauses


def _parse(spec: dict[str, Any]) -> tuple[list[ParsedDocument], float, int]:
    """The corpus's documents, the seconds spent parsing (0 for scale corpora), files skipped."""
    if spec["corpus"] == "scale":
        from policyqa.eval.bench.corpora import load_pool, scale_documents

        docs = list(scale_documents(load_pool(Path(spec["pool"])), int(spec["clauses"]),
                                    seed=int(spec.get("seed", 0))))
        return docs, 0.0, 0
    from policyqa.ingest.pipeline import ingest_paths

    start = time.perf_counter()
    report = ingest_paths([Path(f) for f in spec["files"]])
    return report.parsed, time.perf_counter() - start, len(report.skipped)


def build(spec: dict[str, Any]) -> dict[str, Any]:
    from policyqa.index.builder import BuildOptions, passage_text
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import make_embedder

    docs, parse_s, skipped = _parse(spec)
    options = BuildOptions()
    texts = [passage_text(c, options.passage_format) for p in docs for c in p.clauses]
    embedder = make_embedder(spec["embedder"])
    start = time.perf_counter()
    embedder.embed_query_array("warm up")  # model load is reported apart, not counted in either rate
    model_load_s = time.perf_counter() - start

    sample = stride_sample(texts, int(spec.get("raw_sample", 1000)))
    start = time.perf_counter()
    embedder.embed_passages_array(sample)
    embed_rate = len(sample) / (time.perf_counter() - start)
    # What the index embeds: every clause text and the sentence windows of long clauses (index.dense).
    # The raw embedder on a sample of exactly those texts gives the time embedding alone would take.
    passage_sample, n_passages = _passage_sample(texts, [c.search_text for p in docs for c in p.clauses],
                                                 len(sample))
    start = time.perf_counter()
    embedder.embed_passages_array(passage_sample)
    passage_rate = len(passage_sample) / (time.perf_counter() - start)

    root = Path(spec["index_dir"])
    index = ClauseIndex.open(root, embedder, create=True)  # the warm model: load time excluded
    start = time.perf_counter()
    report = index.add(docs, progress=False)
    index_s = time.perf_counter() - start
    total_s = parse_s + index_s
    vdir = root / index.version
    n = report.clause_count
    out: dict[str, Any] = {
        "docs": len(docs), "clauses": n, "files_skipped": skipped, "embedder": embedder.name,
        "parse_s": round(parse_s, 2), "index_s": round(index_s, 2),
        "docs_per_s": round(len(docs) / total_s, 2),
        "ingest_clauses_per_s": round(n / total_s, 1),
        "embed_clauses_per_s": round(embed_rate, 1), "raw_embed_sample": len(sample),
        # Beyond the embedder: ingest time over the raw embedder's time for the same passages (every
        # clause text and window, duplicates included), minus 1.
        "ingest_overhead_pct": round((total_s * passage_rate / max(n_passages, 1) - 1.0) * 100.0, 1),
        "embed_passages_per_s": round(passage_rate, 1), "passages": n_passages,
        # The same, counting only clause texts as the embedder's work (windows then show up as overhead).
        "ingest_vs_clause_embedder_pct": round((embed_rate / (n / total_s) - 1.0) * 100.0, 1),
        "distinct_texts_pct": round(100.0 * len(set(texts)) / max(len(texts), 1), 1),
        "model_load_s": round(model_load_s, 2),
        "faiss_kind": index.manifest.faiss_kind,
        "index_mb": dir_size_mb(vdir), "cache_mb": round(dir_size_mb(root) - dir_size_mb(vdir), 1),
        "avg_clause_chars": round(sum(map(len, texts)) / max(len(texts), 1), 1),
        "windows_embedded": report.windows_embedded,
    }
    del docs, texts
    index.close()
    if spec.get("recall"):
        out.update(ann_recall(vdir, embedder, spec["queries"]))
    out["build_rss_mb"] = peak_rss_mb()
    return out


def _passage_sample(texts: list[str], search_texts: list[str], n: int) -> tuple[list[str], int]:
    """``n`` of the passages a build embeds (clause texts, then every clause's sentence windows) at an even
    stride, and how many there are, without holding every window (a million clauses have millions)."""
    from policyqa.index.dense import sentence_windows

    counts = np.fromiter((len(sentence_windows(t)) for t in search_texts), dtype=np.int64, count=len(search_texts))
    ends = np.cumsum(counts)
    total = len(texts) + int(ends[-1] if ends.size else 0)
    picks = [int(i * total / n) for i in range(n)] if total > n else list(range(total))
    out = []
    for i in picks:
        if i < len(texts):
            out.append(texts[i])
            continue
        j = i - len(texts)
        owner = int(np.searchsorted(ends, j, side="right"))
        out.append(sentence_windows(search_texts[owner])[j - int(ends[owner] - counts[owner])])
    return out, total


def ann_recall(vdir: Path, embedder: Any, queries: Sequence[str]) -> dict[str, Any]:
    """Recall@10 of the live FAISS index against an exact scan of ``vectors.npy``, with both latencies.

    Queries: the bench questions plus as many clause vectors sampled from the index (a clause's own
    vector sits in a dense cluster of near-duplicates in a recombined corpus). ``ann_recall@10`` counts a
    returned clause as found when its exact score is within 1e-3 of the exact 10th score (ann-benchmarks'
    definition: equal scores are not misses); ``ann_recall_strict@10`` compares position sets.
    """
    from policyqa.index.version import IndexVersion

    version = IndexVersion(vdir)
    store = version.faiss
    vectors = store.vectors
    rng = np.random.default_rng(0)
    picks = np.sort(rng.choice(len(vectors), size=min(len(queries), len(vectors)), replace=False))
    qv = np.vstack([np.stack([embedder.embed_query_array(q) for q in queries]),
                    np.asarray(vectors[picks], dtype=np.float32)])
    approx_ms, exact_ms, hits, strict = [], [], [], []
    k = min(_RECALL_K, len(vectors))
    for q in qv:
        start = time.perf_counter()
        _, approx = store.search(q, k)
        approx_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        exact_s, exact = _exact_top(vectors, q, k)
        exact_ms.append((time.perf_counter() - start) * 1000)
        found = np.asarray(vectors[np.sort(approx)], dtype=np.float32) @ q
        hits.append(np.count_nonzero(found >= exact_s[-1] - _RECALL_TOLERANCE) / k)
        strict.append(len(set(approx.tolist()) & set(exact.tolist())) / k)
    version.close()
    from policyqa.eval.bench.measure import percentile

    return {"ann_recall@10": round(float(np.mean(hits)), 4),
            "ann_recall_strict@10": round(float(np.mean(strict)), 4), "ann_recall_queries": len(qv),
            "ann_kind": store.kind, "ann_dense_p50_ms": round(percentile(approx_ms, 50), 2),
            "exact_dense_p50_ms": round(percentile(exact_ms, 50), 2)}


def _exact_top(vectors: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    best_s, best_i = np.empty(0, dtype=np.float32), np.empty(0, dtype=np.int64)
    for start in range(0, len(vectors), _EXACT_CHUNK):
        scores = np.asarray(vectors[start:start + _EXACT_CHUNK], dtype=np.float32) @ q
        top = np.argpartition(-scores, min(k, len(scores)) - 1)[:k]
        best_s = np.concatenate([best_s, scores[top]])
        best_i = np.concatenate([best_i, top + start])
        keep = np.argsort(-best_s, kind="stable")[:k]
        best_s, best_i = best_s[keep], best_i[keep]
    return best_s, best_i


if __name__ == "__main__":
    worker_main(build)
