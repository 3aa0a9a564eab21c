"""The test-set loader: bundled names, paths, and a clear `path:line: problem` for each malformed line."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.eval.testset import INTENTS, TestCase, load_testset, parse_line
from policyqa.eval.errors import TestSetError

BAD = Path(__file__).resolve().parent.parent / "data" / "eval"


@pytest.mark.parametrize(("name", "line", "needle"), [
    ("missing_question.jsonl", 3, "missing field 'question'"),
    ("unknown_intent.jsonl", 2, "unknown intent 'who'"),
    ("truncated_json.jsonl", 3, "invalid JSON"),
    ("duplicate_id.jsonl", 2, "duplicate id 'q-001' (first on line 1)"),
    ("misspelled_field.jsonl", 2, "unknown field 'gold_clause'"),
    ("not_utf8.jsonl", 0, "not UTF-8"),
])
def test_malformed_line_names_file_and_line(name: str, line: int, needle: str) -> None:
    with pytest.raises(TestSetError) as info:
        load_testset(BAD / name)
    err = info.value
    assert err.path.name == name
    assert err.line == line
    assert needle in str(err)
    assert str(err).startswith(f"{BAD / name}:{line}: ")


def test_unknown_intent_lists_the_valid_ones_from_the_code() -> None:
    with pytest.raises(TestSetError) as info:
        load_testset(BAD / "unknown_intent.jsonl")
    for intent in INTENTS:
        assert intent in str(info.value)


def test_good_file_loads_skipping_comments_and_keeps_line_numbers() -> None:
    cases = load_testset(BAD / "good_small.jsonl")
    assert [c.id for c in cases] == ["q-001", "q-002"]
    assert cases[0].line == 2 and cases[1].line == 3
    assert cases[0].leads == ("市发展改革委",)
    assert cases[1].answerable is False


def test_bundled_names_resolve_to_package_data() -> None:
    assert len(load_testset("seed")) >= 100
    assert all(c.corpus == "extra" and c.gold_files for c in load_testset("extra_responsibility"))


def test_unknown_name_lists_bundled_names() -> None:
    with pytest.raises(TestSetError, match="bundled names: .*seed"):
        load_testset("no-such-set")


@pytest.mark.parametrize(("record", "needle"), [
    ('{"id": "a", "question": "q", "intent": "fact", "lang": "zh", "answer": "x", "gold_docs": ["d"], '
     '"gold_clauses": ["abc"]}', "missing field 'answer_contains'"),
    ('{"id": "a", "question": "q", "intent": "responsibility", "lang": "zh", "answer": "x", "gold_docs": ["d"], '
     '"gold_clauses": ["abc"]}', "missing field 'leads'"),
    ('{"id": "a", "question": "q", "intent": "compare", "lang": "zh", "answer": "x", "gold_docs": ["d"], '
     '"gold_clauses": ["abc"], "expected_docs": ["d"]}', "at least 2 documents"),
    ('{"id": "a", "question": "q", "intent": "unanswerable", "lang": "zh", "answer": "x", "gold_clauses": ["abc"]}',
     "must not have gold"),
    ('{"id": "a", "question": "q", "intent": "general", "lang": "fr", "answer": "x"}', "unknown lang 'fr'"),
    ('{"id": "a", "question": "q", "intent": "general", "lang": "zh", "answer": "x", "gold_docs": "d", '
     '"gold_clauses": ["abc"]}', "'gold_docs' must be a list"),
    ('["not", "an", "object"]', "expected a JSON object"),
    ('{"id": "a", "question": "q", "intent": "unit_tasks", "lang": "zh", "answer": "x", "gold_files": ["f"], '
     '"unit": "市财政局", "role": "lead"}', "missing field 'gold_tasks'"),
    ('{"id": "a", "question": "q", "intent": "unit_tasks", "lang": "zh", "answer": "x", "gold_files": ["f"], '
     '"unit": "市财政局", "role": "boss", "gold_tasks": ["abc"]}', "unknown role 'boss'"),
    ('{"id": "a", "question": "q", "intent": "compare", "lang": "zh", "answer": "x", "gold_files": ["f", "g"], '
     '"gold_clauses": ["abc"], "expected_files": ["f", "g"], "places": ["甲"]}', "one place per expected"),
    ('{"id": "a", "question": "q", "intent": "general", "lang": "zh", "answer": "x", "kind": "test"}',
     "unknown kind 'test'"),
])
def test_per_intent_requirements(record: str, needle: str) -> None:
    with pytest.raises(TestSetError, match=needle):
        parse_line(record, path="x.jsonl", line=7)


def test_testcase_is_frozen_and_round_trips() -> None:
    case = load_testset("seed")[0]
    assert isinstance(case, TestCase)
    with pytest.raises(AttributeError):
        case.question = "changed"  # type: ignore[misc]
    import json

    assert parse_line(json.dumps(case.to_dict(), ensure_ascii=False), line=case.line) == case


def test_heldout_schema_loads_bare_lists_unit_tasks_and_compare_files() -> None:
    bare = parse_line('{"id": "r", "question": "q", "intent": "responsibility", "lang": "zh", "answer": "x", '
                      '"corpus": "extra", "gold_files": ["f"], "gold_clauses": ["abc"], "leads": [], '
                      '"responsible": ["甲局", "乙局"], "kind": "heldout", "comment": "no lead convention"}')
    assert bare.responsible == ("甲局", "乙局") and bare.kind == "heldout"
    tasks = parse_line('{"id": "t", "question": "q", "intent": "unit_tasks", "lang": "zh", "answer": "x", '
                       '"corpus": "extra", "gold_files": ["f"], "unit": "甲局", "role": "any", '
                       '"gold_tasks": ["abc", "def"]}')
    assert tasks.relevant_clauses == ("abc", "def")
    compare = parse_line('{"id": "c", "question": "q", "intent": "compare", "lang": "zh", "answer": "x", '
                         '"corpus": "extra", "gold_files": ["f", "g"], "gold_clauses": ["a1", "b1"], '
                         '"expected_files": ["f", "g"], "places": ["甲", "乙"]}')
    assert compare.expected_files == ("f", "g") and compare.relevant_clauses == ("a1", "b1")


def test_a_set_mixing_dev_and_heldout_questions_is_refused(tmp_path: Path) -> None:
    rec = ('{{"id": "{}", "question": "q", "intent": "unanswerable", "lang": "zh", "answer": "x", '
           '"kind": "{}"}}')
    path = tmp_path / "mixed.jsonl"
    path.write_text(rec.format("a", "dev") + "\n" + rec.format("b", "heldout") + "\n", encoding="utf-8")
    with pytest.raises(TestSetError, match="kind 'heldout' differs") as info:
        load_testset(path)
    assert info.value.line == 2


def test_bundled_sets_declare_their_kind() -> None:
    from policyqa.eval.testset import testset_kind

    dev = ("seed", "extra_responsibility", "extra_facts", "extra_mixed", "extra_mixed2", "extra_reports",
           "extra_reports2", "extra_ho5", "extra_ho7", "extra_ho8")
    heldout = ("heldout3", "heldout6", "heldout")
    assert {n: testset_kind(load_testset(n)) for n in dev + heldout} \
        == {**dict.fromkeys(dev, "dev"), **dict.fromkeys(heldout, "heldout")}
