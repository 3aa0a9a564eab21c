"""Metadata inferred over corpus-extra (no catalog) against a table typed from the documents."""

from __future__ import annotations

import csv
import logging

import pytest

from policyqa.ingest.pipeline import ingest_paths
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "data" / "corpus_extra_metadata.tsv"
DATES = Path(__file__).resolve().parent.parent / "data" / "corpus_extra_dates.tsv"
FOLDERS = ("city-gov-work-reports-2024", "province-gov-work-reports-2025/txt", "pkulaw-policy-samples",
           "shanghai-policy-md")
GOAL = 0.95


def _truth(table: Path = TABLE) -> dict[str, dict[str, str]]:
    lines = [line for line in table.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["path"]: row for row in csv.DictReader(lines, delimiter="\t")}


@pytest.fixture(scope="module")
def extra_documents(extra_dir):  # noqa: ANN001, ANN201 - {folder/file: Document}
    report = ingest_paths([extra_dir / folder for folder in FOLDERS])
    assert not report.skipped
    got = {file.relative_to(extra_dir).as_posix(): next(p.document for p in report.parsed if p.document.doc_id == doc_id)
           for doc_id, file in report.files.items()}
    for copy, original in report.duplicates:
        got[copy.relative_to(extra_dir).as_posix()] = got[original.relative_to(extra_dir).as_posix()]
    return got


@pytest.mark.corpus_extra
@pytest.mark.slow
def test_dates_of_corpus_extra(extra_documents):
    """Every file's date as precise as its text gives it (a session line, 发布日期, a signing date), and
    none where the text gives none."""
    truth = _truth(DATES)
    misses = [f"{path}: {extra_documents[path].date!r} not in {row['date'].split('|')}"
              for path, row in truth.items() if extra_documents[path].date not in row["date"].split("|")]
    assert len(truth) == 210
    assert not misses, misses


@pytest.mark.corpus_extra
@pytest.mark.slow
def test_titles_and_regions_of_corpus_extra(extra_dir):
    truth = _truth()
    report = ingest_paths([extra_dir / folder for folder in FOLDERS])
    assert not report.skipped
    got = {p.document.source_path: p.document for p in report.parsed}
    # The three copies of the national report are one document; the copies count with it.
    for copy, original in report.duplicates:
        got[copy.name] = got[original.name]
    misses = []
    for path, row in truth.items():
        doc = got[path.rsplit("/", 1)[1]]
        found = (doc.title, doc.province, doc.city if doc.level != "province" else "")
        if found != (row["title"], row["province"], row["city"]):
            misses.append(f"{path}: {found} != {(row['title'], row['province'], row['city'])}")
    share = 1 - len(misses) / len(truth)
    logging.getLogger(__name__).warning("corpus-extra metadata: %.3f right; misses: %s", share, misses)
    assert len(truth) == 210
    assert share >= GOAL, misses
    assert {c.name for c, _o in report.duplicates} == {"贵阳.txt", "襄阳.txt"}
