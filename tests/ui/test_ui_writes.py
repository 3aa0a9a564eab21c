"""Writes from the 文库 tab on a real index copy: searches keep answering during a write, a bad file
in a batch loses nothing, delete removes the document and its stored original."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from policyqa.settings import Settings

pytestmark = pytest.mark.slow


class _NoProgress:
    """gr.Progress stand-in for calling the tab's functions outside a request (not our code)."""

    def __call__(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture()
def state(seed_index, tmp_path: Path):  # noqa: ANN001, ANN201
    engine_mod = pytest.importorskip("policyqa.qa.engine", reason="qa.engine has not landed yet")
    from policyqa.index.clause_index import ClauseIndex
    from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
    from policyqa.ui.app import AppState

    root = tmp_path / "index"
    shutil.copytree(seed_index.path, root, ignore=shutil.ignore_patterns(".write.lock"))
    settings = Settings(index=str(root))
    index = ClauseIndex.open(root, make_embedder(DEFAULT_EMBEDDER))
    yield AppState(engine=engine_mod.QAEngine(index, settings), settings=settings)
    index.close()


def _doc(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_searches_answer_from_the_live_version_during_a_write(state, tmp_path: Path) -> None:  # noqa: ANN001
    from policyqa.ui.tabs.library import upload_files

    before = state.index.version
    doc = _doc(tmp_path, "测试市氢能重卡示范方案.txt",
               "测试市氢能重卡示范方案\n一、推广氢能重卡\n1.建设加氢站十座。（市能源局牵头，市交通运输局配合）\n")
    results: list[int] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set():
            results.append(len(state.engine.search("冷链物流", 5, None)))

    reader = threading.Thread(target=search_loop)
    reader.start()
    try:
        html = upload_files(state, [str(doc)], _NoProgress())
    finally:
        stop.set()
        reader.join()
    assert "✓" in html
    assert len(results) >= 2 and all(n == 5 for n in results)  # answered all along, from a full index
    assert state.index.version != before  # and the reader follows the new version afterwards
    hits = state.engine.search("加氢站", 3, None)
    assert hits[0].clause.doc_title == "测试市氢能重卡示范方案"


def test_bad_file_in_a_batch_loses_nothing(state, tmp_path: Path) -> None:  # noqa: ANN001
    from policyqa.ui.tabs.library import delete_document, upload_files
    from policyqa.index.uploads import stored_uploads

    good = _doc(tmp_path, "good_plan.md", "# 测试市数据要素工作方案\n一、建设数据交易平台。（市数据资源局牵头）\n")
    empty = _doc(tmp_path, "empty.txt", "")
    exe = _doc(tmp_path, "tool.exe", "MZ")
    docs_before = {i.document.doc_id for i in state.index.documents()}
    html = upload_files(state, [str(empty), str(good), str(exe)], _NoProgress())
    assert html.count('class="error"') == 2 and html.count('class="ok"') == 1
    docs_after = {i.document.doc_id for i in state.index.documents()}
    assert docs_before < docs_after and len(docs_after - docs_before) == 1
    assert [p.name for p in stored_uploads(state.index_dir)] == ["good_plan.md"]

    (new_id,) = docs_after - docs_before
    assert "已删除" in delete_document(state, new_id)
    assert {i.document.doc_id for i in state.index.documents()} == docs_before
    assert stored_uploads(state.index_dir) == []


def test_reindex_reads_bundled_corpus_and_stored_uploads(state, tmp_path: Path) -> None:  # noqa: ANN001
    from policyqa.ui.tabs.library import reindex_all, upload_files

    doc = _doc(tmp_path, "reindex_plan.txt", "测试市夜间经济方案\n一、发展夜市。（市商务局牵头）\n")
    assert "✓" in upload_files(state, [str(doc)], _NoProgress())
    docs = {i.document.doc_id for i in state.index.documents()}
    text = reindex_all(state, _NoProgress())
    assert "已重建" in text and "跳过" not in text
    assert {i.document.doc_id for i in state.index.documents()} == docs  # nothing lost, nothing doubled
    assert state.engine.search("夜市", 1, None)[0].clause.doc_id == "reindex_plan"


def test_correct_a_city_from_the_tab_and_ask_about_it(state, tmp_path: Path) -> None:  # noqa: ANN001
    """The 文库 form writes only what changed; a refused region names the field; the answer follows."""
    from policyqa.ui.tabs import corrections
    from policyqa.ui.tabs.library import document_rows, upload_files

    doc = _doc(tmp_path, "data_plan.txt", "数据要素市场化配置工作方案\n一、建设数据交易平台。（市数据资源局牵头，市财政局配合）\n")
    assert "✓" in upload_files(state, [str(doc)], _NoProgress())
    document = corrections.find_document(state.index, "data_plan")
    values = corrections.form_values(document)
    city = [key for key, _attr, _label in corrections.FIELDS].index("city")
    values[city] = "淮北县"
    html, written = corrections.correct_document(state, "data_plan", values)
    assert not written and "field &#x27;city&#x27;" in html and "division table" in html
    values[city] = "淮北市"
    html, written = corrections.correct_document(state, "data_plan", values)
    assert written and "city=淮北市" in html and "title" not in html  # only what changed
    row = next(r for r in document_rows(state.index) if r[0] == "data_plan")
    assert row[2] == "安徽省淮北市"
    fixed = corrections.find_document(state.index, "data_plan")
    assert fixed.source_of("city") == "sidecar" and fixed.source_of("title").startswith("inferred:")
    assert "sidecar" in corrections.provenance_html(fixed)
    answer = state.engine.ask("淮北市数据交易平台建设由哪个部门牵头？")
    assert "市数据资源局" in answer.text and answer.citations[0].clause.doc_id == "data_plan"


def test_the_form_sends_a_region_as_a_whole() -> None:
    from policyqa.model import Document
    from policyqa.ui.tabs.corrections import changes_from_form, form_values

    doc = Document(doc_id="d", title="某方案", sha256="0", province="安徽省", city="宿州市", district="埇桥区")
    values = form_values(doc)
    assert changes_from_form(doc, values) == {}
    values[6] = "淮北市"  # city
    assert changes_from_form(doc, values) == {"province": "安徽省", "city": "淮北市", "district": "埇桥区"}
    values[0] = " 新标题 "
    assert changes_from_form(doc, values)["title"] == "新标题"
