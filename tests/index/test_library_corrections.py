"""Correcting a document's metadata (the 文库 tab, `policyqa docs --set`): a validated sidecar beside the
file, merged with what it held, and the document re-indexed so the index, the ledger and `docs --json`
show it at once with provenance ``sidecar``.

HashEmbedder (deterministic, labelled as such) keeps these fast: they test the writes, not retrieval.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from policyqa.index.clause_index import ClauseIndex, DocumentNotFoundError
from policyqa.index.embedders import HashEmbedder
from policyqa.index.errors import SourceFileNotFoundError
from policyqa.index.library import Library, UploadFile
from policyqa.index.uploads import stored_uploads
from policyqa.ingest.errors import IngestError
from policyqa.model import Document
from policyqa.qa.engine import QAEngine
from policyqa.settings import Settings
from policyqa.ui.cli import main

from index_helpers import write_file

# No place in the text: every region the document gets comes from a correction.
PLAN = "数据要素市场化配置工作方案\n一、建设数据交易平台。（市数据资源局牵头，市财政局配合）\n"


@pytest.fixture()
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "index", HashEmbedder())
    yield lib
    lib.close()


def _reader(library: Library) -> ClauseIndex:
    """A fresh reader of the library's index: what `policyqa docs` and the web app see."""
    return ClauseIndex.open(library.root, HashEmbedder())


def _doc(library: Library, doc_id: str) -> Document:
    index = _reader(library)
    try:
        return next(i.document for i in index.documents() if i.document.doc_id == doc_id)
    finally:
        index.close()


def test_correcting_an_upload_writes_its_sidecar_and_reindexes(library: Library, tmp_path: Path) -> None:
    library.upload([UploadFile(write_file(tmp_path / "in", "a.txt", PLAN), "数据方案.txt")])
    assert _doc(library, "数据方案").city == ""
    report = library.correct("数据方案", {"city": "淮北市", "date": "2023-04"})
    assert report.changed and report.sidecar == library.uploads / "数据方案.txt.meta.toml"
    doc = _doc(library, "数据方案")
    assert (doc.province, doc.city, doc.level, doc.date) == ("安徽省", "淮北市", "city", "2023-04")
    assert {doc.source_of(f) for f in ("province", "city", "date")} == {"sidecar"}
    assert doc.source_of("title").startswith("inferred:")  # fields not corrected stay as read
    # The ledger scopes the document's 市… units to the corrected city.
    index = _reader(library)
    units = QAEngine(index, Settings(index=str(library.root))).ledger.units(region="淮北市")
    index.close()
    assert {u.name for u in units} >= {"市数据资源局", "市财政局"}
    # A re-index reads the upload again with its sidecar (which is not itself taken for a document).
    assert [p.name for p in stored_uploads(library.root)] == ["数据方案.txt"]
    outcome = library.rebuild(progress=False)
    assert not outcome.skipped and _doc(library, "数据方案").city == "淮北市"


def test_a_correction_merges_with_the_sidecar_and_keeps_its_comments(library: Library, tmp_path: Path) -> None:
    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    sidecar = plan.with_name("plan.txt.meta.toml")
    sidecar.write_text('# typed by the records office\nissuer = "淮北市人民政府"\ncity = "宿州市"\n', encoding="utf-8")
    library.ingest([plan.parent], progress=False)
    library.correct("plan", {"district": "相山区", "city": "淮北市", "province": "安徽省"})
    text = sidecar.read_text(encoding="utf-8")
    assert "# typed by the records office" in text and 'issuer = "淮北市人民政府"' in text
    doc = _doc(library, "plan")
    assert (doc.city, doc.district, doc.level, doc.issuer) == ("淮北市", "相山区", "district", "淮北市人民政府")
    library.correct("plan", {"district": "", "province": "", "city": ""})  # back to what the text says
    doc = _doc(library, "plan")
    assert doc.region == "" and doc.issuer == "淮北市人民政府" and "city" not in sidecar.read_text(encoding="utf-8")


@pytest.mark.parametrize(("changes", "words"), [
    ({"city": "杭州市", "province": "安徽省"}, ["'city'", "division table", "plan.txt.meta.toml"]),
    ({"date": "2023年4月"}, ["'date'", "YYYY"]),
    ({"script": "traditional"}, ["'script'", "cannot be corrected"]),
])
def test_a_bad_correction_is_refused_naming_the_field_and_changes_nothing(
        library: Library, tmp_path: Path, changes: dict[str, str], words: list[str]) -> None:
    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    library.ingest([plan], progress=False)
    before = _doc(library, "plan")
    with pytest.raises(IngestError) as caught:
        library.correct("plan", changes)
    assert all(w in str(caught.value) for w in words), str(caught.value)
    assert not plan.with_name("plan.txt.meta.toml").exists()
    assert _doc(library, "plan") == before


def test_a_document_whose_file_is_gone_or_unknown_is_reported(library: Library, tmp_path: Path) -> None:
    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    library.ingest([plan], progress=False)
    plan.unlink()
    with pytest.raises(SourceFileNotFoundError, match="plan.txt"):
        library.correct("plan", {"city": "淮北市"})
    with pytest.raises(DocumentNotFoundError):
        library.correct("no-such-document", {"city": "淮北市"})


def test_reingesting_a_file_whose_sidecar_changed_updates_the_document(library: Library, tmp_path: Path) -> None:
    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    assert library.ingest([plan.parent], progress=False).added.added == ["plan"]
    assert library.ingest([plan.parent], progress=False).added.unchanged == ["plan"]
    plan.with_name("plan.txt.meta.toml").write_text('title = "淮北市数据要素工作方案"\n', encoding="utf-8")
    outcome = library.ingest([plan.parent], progress=False)
    assert outcome.added.updated == ["plan"]  # same text, new metadata: its clauses carry the title
    index = _reader(library)
    assert {c.doc_title for c in index.clauses("plan")} == {"淮北市数据要素工作方案"}
    index.close()


def test_cli_docs_set_corrects_and_docs_json_shows_the_sidecar(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    args = ["--index", str(tmp_path / "index"), "--embedder", "hash"]
    assert main(["ingest", str(plan.parent), *args]) == 0
    capsys.readouterr()
    assert main(["docs", "plan", "--set", "city=淮北市", "--set", "type=工作方案", "--json", *args]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["city"], shown["doc_type"], shown["provenance"]["city"]) == ("淮北市", "工作方案", "sidecar")
    assert main(["docs", "--json", *args]) == 0
    listed = json.loads(capsys.readouterr().out)["documents"]
    assert [(d["region"], d["provenance"]["province"]) for d in listed] == [("安徽省淮北市", "sidecar")]
    assert main(["docs", "plan", "--set", "city", *args]) == 1
    assert "FIELD=VALUE" in capsys.readouterr().err
    assert main(["docs", "plan", "--set", "city=淮北县", *args]) == 1
    assert "'city'" in capsys.readouterr().err


def test_a_sidecar_that_cannot_be_written_is_reported_and_the_index_kept(library: Library, tmp_path: Path) -> None:
    from policyqa.index.errors import SidecarWriteError

    plan = write_file(tmp_path / "docs", "plan.txt", PLAN)
    library.ingest([plan], progress=False)
    before = _doc(library, "plan")
    plan.with_name("plan.txt.meta.toml").mkdir()  # in the sidecar's way, even for root (unlike chmod)
    with pytest.raises(SidecarWriteError, match="plan.txt.meta.toml"):
        library.correct("plan", {"city": "淮北市"})
    assert _doc(library, "plan") == before
