"""Metadata inferred over corpus-extra (no catalog) against a table typed from the documents."""

from __future__ import annotations

import csv
import logging

import pytest

from policyqa.ingest.pipeline import ingest_paths
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "data" / "corpus_extra_metadata.tsv"
FOLDERS = ("city-gov-work-reports-2024", "province-gov-work-reports-2025/txt", "pkulaw-policy-samples",
           "shanghai-policy-md")
GOAL = 0.95


def _truth() -> dict[str, dict[str, str]]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["path"]: row for row in csv.DictReader(lines, delimiter="\t")}


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
