"""The one write service (``index.library.Library``) that `policyqa ingest/remove` and the 文库 tab share.

HashEmbedder (deterministic, labelled as such) keeps these fast: they test the writes, not retrieval.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from policyqa.index.clause_index import DocumentNotFoundError
from policyqa.index.embedders import HashEmbedder
from policyqa.index.library import Library, UploadFile
from policyqa.index.uploads import stored_uploads
from policyqa.ingest.config import IngestConfig
from policyqa.ui.cli import main

from index_helpers import write_file

PLAN = "测试市数据要素工作方案\n一、建设数据交易平台。（市数据资源局牵头，市财政局配合）\n"


@pytest.fixture()
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "index", HashEmbedder(), config=IngestConfig(max_bytes=10_000))
    yield lib
    lib.close()


def test_upload_reports_each_file_and_keeps_only_what_the_index_took(library: Library, tmp_path: Path) -> None:
    good = write_file(tmp_path / "in", "plan.md", PLAN)
    empty = write_file(tmp_path / "in", "empty.txt", "")
    steps: list[tuple[int, int, str]] = []
    report = library.upload([UploadFile(empty, "empty.txt"), UploadFile(good, "../../数据方案.md"),
                             UploadFile(good, "tool.exe")], progress=lambda *a: steps.append(a))
    assert [f.ok for f in report.files] == [False, True, False]
    assert "empty" in report.files[0].problem and ".txt" in report.files[2].problem
    taken = report.taken[0]
    assert (taken.doc_id, taken.title, taken.clause_count, taken.changed) == ("数据方案", "测试市数据要素工作方案", 2, True)
    assert [p.name for p in stored_uploads(library.root)] == ["数据方案.md"]
    assert steps[-1] == (3, 3, "") and [s[0] for s in steps] == [0, 1, 2, 3]
    again = library.upload([UploadFile(good, "数据方案.md")])
    assert again.taken[0].changed is False and again.version == report.version


def test_remove_from_the_cli_also_drops_the_stored_upload(library: Library, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    library.upload([UploadFile(write_file(tmp_path / "in", "a.txt", PLAN), "own_plan.txt")])
    library.close()
    args = ["--index", str(library.root), "--embedder", "hash"]
    assert main(["remove", "own_plan", *args]) == 0
    assert "stored upload" in capsys.readouterr().out
    assert stored_uploads(library.root) == []
    assert main(["remove", "own_plan", *args]) == 1
    assert "no document 'own_plan'" in capsys.readouterr().err


def test_removing_a_catalogued_document_keeps_an_upload_of_the_same_file_name(library: Library,
                                                                             tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_file(corpus, "plan.txt", "测试市夜间经济方案\n一、发展夜市。（市商务局牵头）\n")
    (corpus / "catalog.toml").write_text('[[documents]]\nfile = "plan.txt"\nid = "night-economy"\n'
                                         'title = "测试市夜间经济方案"\n', encoding="utf-8")
    outcome = library.ingest([corpus], progress=False)
    assert outcome.added.added == ["night-economy"] and outcome.skipped == ()
    assert library.upload([UploadFile(write_file(tmp_path / "in", "p.txt", PLAN), "plan.txt")]).taken
    report = library.remove("night-economy")
    assert report.original_deleted is False and [p.name for p in stored_uploads(library.root)] == ["plan.txt"]
    assert library.remove("plan").original_deleted is True
    with pytest.raises(DocumentNotFoundError):
        library.remove("plan")


def test_writes_are_followed_by_on_write_and_rebuild_reads_uploads(tmp_path: Path) -> None:
    writes: list[str] = []
    lib = Library(tmp_path / "index", HashEmbedder(), on_write=lambda: writes.append("written"))
    lib.upload([UploadFile(write_file(tmp_path / "in", "x.txt", PLAN), "up_plan.txt")])
    outcome = lib.rebuild(progress=False)
    lib.close()
    assert writes == ["written", "written"]
    ids = set(outcome.added.added) | set(outcome.added.unchanged)
    assert "up_plan" in outcome.added.unchanged and len(ids) > 1  # the bundled corpus came in too
