"""The seed test set's own integrity: gold substrings are real, unique and in the named document."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from policyqa.eval.testset import INTENTS, load_testset

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    catalog = tomllib.loads((CORPUS / "catalog.toml").read_text(encoding="utf-8"))
    return {d["id"]: (CORPUS / d["file"]).read_text(encoding="utf-8") for d in catalog["documents"]}


def test_size_and_mix() -> None:
    cases = load_testset("seed")
    assert len(cases) >= 100
    intents = Counter(c.intent for c in cases)
    assert set(intents) == set(INTENTS) - {"unit_tasks"}  # unit tasks are asked in extra_general and extra_mixed
    assert intents["responsibility"] >= 35 and intents["unanswerable"] >= 15 and intents["compare"] >= 10
    langs = Counter(c.lang for c in cases)
    assert langs["en"] >= 15 and langs["zh-Hant"] >= 1


def test_every_gold_substring_occurs_once_in_its_gold_document(texts: dict[str, str]) -> None:
    for case in load_testset("seed"):
        for s in case.gold_clauses:
            where = {doc: t.count(s) for doc, t in texts.items() if s in t}
            assert sum(where.values()) == 1, f"{case.id}: {s!r} occurs {where}"
            assert next(iter(where)) in case.gold_docs, f"{case.id}: {s!r} is in {where}, not {case.gold_docs}"


def test_doc_ids_exist_and_gold_units_are_written_in_the_gold_document(texts: dict[str, str]) -> None:
    for case in load_testset("seed"):
        assert set(case.gold_docs) | set(case.expected_docs) <= set(texts), case.id
        for unit in case.leads + case.cooperating:
            assert unit in texts[case.gold_docs[0]], f"{case.id}: unit {unit!r} not in {case.gold_docs[0]}"


def test_traditional_report_and_news_report_are_covered() -> None:
    cases = load_testset("seed")
    facts = Counter(d for c in cases if c.intent == "fact" for d in c.gold_docs)
    assert facts["anhui-pairing-tasks-news-2023"] >= 8
    assert facts["suzhou-hangzhou-pairing-news-2023"] >= 6


@pytest.mark.corpus_extra
@pytest.mark.parametrize("name", ["extra_responsibility", "extra_facts"])
def test_extra_set_gold_substrings_are_in_their_files(extra_dir: Path, name: str) -> None:
    cases = load_testset(name)
    files = {f for c in cases for f in c.gold_files}
    assert files and all((extra_dir / f).is_file() for f in files)
    for case in (c for c in cases if c.answerable):
        (path,) = case.gold_files
        text = (extra_dir / path).read_text(encoding="utf-8")
        for s in case.gold_clauses:
            assert text.count(s) == 1, f"{case.id}: {s!r}"
        for s in case.answer_contains:
            assert s in text, f"{case.id}: answer {s!r} is not in {path}"


@pytest.mark.corpus_extra
@pytest.mark.parametrize("name", ["extra_general", "extra_mixed", "extra_mixed2", "extra_reports", "extra_reports2", "extra_probe", "extra_ho5", "heldout3"])
def test_sets_with_compare_and_unit_tasks_have_their_gold_in_their_files(extra_dir: Path, name: str) -> None:
    """Gold substrings (clauses, tasks) occur once across a question's files; compare names one file per place."""
    for case in load_testset(name):
        texts = [(extra_dir / f).read_text(encoding="utf-8") for f in case.gold_files]
        for s in case.gold_clauses + case.gold_tasks:
            assert sum(t.count(s) for t in texts) == 1, f"{case.id}: {s!r}"
        if case.intent == "compare":
            assert len(case.expected_files) == len(case.places or case.expected_files) >= 2, case.id


@pytest.mark.parametrize("name,folder", [("extra_ho7", "ho7-docs"), ("extra_ho8", "ho8-docs"), ("heldout", "heldout-docs")])
def test_sets_with_bundled_documents_have_their_gold_in_them(name: str, folder: str) -> None:
    """A set whose documents travel with it (``eval/testsets/<folder>``): every gold file exists and every gold
    substring occurs once across a question's files (a comparison's relevance is by document)."""
    docs = Path(__file__).resolve().parents[2] / "eval" / "testsets" / folder
    for case in load_testset(name):
        files = case.gold_files + case.expected_files
        assert all((docs / f).is_file() for f in files), case.id
        texts = [(docs / f).read_text(encoding="utf-8") for f in case.gold_files]
        for s in (case.gold_clauses if case.intent != "compare" else ()) + case.gold_tasks:
            assert sum(t.count(s) for t in texts) == 1, f"{case.id}: {s!r}"
