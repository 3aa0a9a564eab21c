"""Metadata a user gives (sidecar <file>.meta.toml, catalog.toml) overrides inference; bad files are errors."""

from __future__ import annotations

import shutil

import pytest

from policyqa.ingest.catalog import bundled_corpus_dir
from policyqa.ingest.pipeline import ingest_paths

SRC = bundled_corpus_dir() / "suzhou_yrd_integration_action_plan_2021-2023.txt"


@pytest.fixture()
def plain(tmp_path):  # noqa: ANN001, ANN201
    shutil.copy(SRC, tmp_path / "plan.txt")
    return tmp_path


def test_sidecar_overrides_field_by_field(plain):
    (plain / "plan.txt.meta.toml").write_text('title = "改过的标题"\ncity = "淮北市"\n', encoding="utf-8")
    doc = ingest_paths([plain]).parsed[0].document
    assert doc.title == "改过的标题" and doc.source_of("title") == "sidecar"
    assert (doc.province, doc.city, doc.level) == ("安徽省", "淮北市", "city")
    assert doc.date == "2022-05-08" and doc.source_of("date").startswith("inferred:")


@pytest.mark.parametrize(("content", "words"), [
    ('title = "缺引号\n', ["plan.txt.meta.toml", "invalid TOML"]),
    ('titel = "x"\n', ["plan.txt.meta.toml", "'titel'"]),
    ('province = "安徽省"\ncity = "杭州市"\n', ["plan.txt.meta.toml", "'city'", "division table"]),
])
def test_bad_sidecar_is_an_error_and_nothing_is_indexed(plain, content, words):
    (plain / "plan.txt.meta.toml").write_text(content, encoding="utf-8")
    report = ingest_paths([plain])
    assert not report.parsed and len(report.skipped) == 1
    assert all(w in str(report.skipped[0]) for w in words), str(report.skipped[0])


def test_bad_catalog_names_the_entry_and_field(plain):
    (plain / "catalog.toml").write_text('[[documents]]\nfile = "plan.txt"\nregion = "安徽"\n', encoding="utf-8")
    report = ingest_paths([plain])
    assert not report.parsed and "catalog.toml" in str(report.skipped[0]) and "'region'" in str(report.skipped[0])


def test_identical_files_are_indexed_once(plain):
    shutil.copy(plain / "plan.txt", plain / "copy.txt")
    report = ingest_paths([plain])
    assert len(report.parsed) == 1
    assert [(c.name, o.name) for c, o in report.duplicates] == [("plan.txt", "copy.txt")]


def test_a_sidecar_date_must_be_a_date(plain):
    (plain / "plan.txt.meta.toml").write_text('date = "2022年5月"\n', encoding="utf-8")
    report = ingest_paths([plain])
    assert not report.parsed and "'date'" in str(report.skipped[0]) and "YYYY-MM" in str(report.skipped[0])
