"""The web app used as a person would, in headless chromium against the real server and seed index.

Each test leaves a screenshot in artifacts/screenshots/. Expected facts come from the corpus text:
宿州市推进长三角一体化发展三年行动计划 clause 五/31 reads "加快农产品产地批发市场、冷链物流等项目建设…
(市发展改革委牵头,市商务局、…等按职责分工负责)".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABS = ["检索", "问答", "对比", "责任清单", "文库", "评测"]


def _tab(page, name: str) -> None:  # noqa: ANN001 (playwright Page)
    page.get_by_role("tab", name=name, exact=True).click()


def _text(page, selector: str) -> str:  # noqa: ANN001
    return page.locator(selector).inner_text()


def _table(page, selector: str) -> list[list[str]]:  # noqa: ANN001
    """The data rows of a gr.Dataframe (Gradio 6 renders them as role=row/gridcell divs)."""
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel + ' [role=row]'))
              .map(r => Array.from(r.querySelectorAll('[role=gridcell]')).map(c => c.innerText.trim()))
              .filter(cells => cells.length > 0)""", selector)


def test_six_tabs_in_order(page, screenshot) -> None:  # noqa: ANN001
    names = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert names == TABS


def test_chat_answers_cold_chain_lead_with_citation(page, screenshot) -> None:  # noqa: ANN001
    _tab(page, "问答")
    page.fill("#chat-input textarea", "宿州市冷链物流项目由哪个部门牵头？")
    page.click("#chat-send")
    bot = page.locator("#chatbot .cites")
    bot.first.wait_for()
    answer = _text(page, "#chatbot")
    assert "市发展改革委" in answer
    assert re.search(r"\[1\]", answer), answer
    # The first citation opens in context: the cited clause is highlighted among its neighbours.
    focus = page.locator("#chat-context .ctx.focus")
    focus.wait_for()
    assert "冷链物流" in focus.inner_text()
    assert page.locator("#chat-context .ctx").count() >= 2
    screenshot("chat_cold_chain")

    # A second turn keeps the first; an off-corpus question is an abstention with related clauses.
    page.fill("#chat-input textarea", "火星基地的氧气工厂由哪个部门负责？")
    page.click("#chat-send")
    page.locator("#chatbot .abstain").wait_for()
    assert "市发展改革委" in _text(page, "#chatbot")  # first answer still shown
    assert "相关" in page.locator("#chat-citation-pick input").input_value()  # related clauses open too
    page.wait_for_function(  # the context panel has moved on from the cold-chain clause
        "() => { const e = document.querySelector('#chat-context .ctx.focus');"
        " return e && !e.innerText.includes('冷链物流'); }")
    screenshot("chat_abstain")


def test_chat_follow_up_gets_the_cooperating_units_of_the_previous_clause(page, screenshot) -> None:  # noqa: ANN001
    _tab(page, "问答")
    page.fill("#chat-input textarea", "宿州市冷链物流项目由哪个部门牵头？")
    page.click("#chat-send")
    page.locator("#chatbot .cites").first.wait_for()
    page.fill("#chat-input textarea", "那配合单位有哪些？")
    page.click("#chat-send")
    page.wait_for_function("() => document.querySelectorAll('#chatbot .cites').length >= 2")
    last = page.locator("#chatbot .pqa").last.inner_text()
    assert "理解为：" in last and "冷链物流项目的配合单位" in last, last
    assert all(u in last for u in ("市商务局", "市农业农村局", "市交通运输局", "各县区人民政府")), last
    screenshot("chat_follow_up")


def test_search_highlights_terms_tags_and_opens_context(page, screenshot) -> None:  # noqa: ANN001
    page.fill("#search-query textarea", "冷链物流")
    page.click("#search-button")
    page.locator("#search-results mark").first.wait_for()
    marks = page.locator("#search-results mark").all_inner_texts()
    assert any(m in ("冷链", "物流", "冷链物流", "冷鏈", "冷鏈物流") for m in marks), marks
    assert page.locator("#search-results .tag.lead").count() >= 1
    assert "市发展改革委" in _text(page, "#search-results")
    assert "《" in page.locator("#search-results .doc-title").first.inner_text()
    page.locator("#search-context .ctx.focus").wait_for()
    first_focus = page.locator("#search-context .ctx.focus").inner_text()

    # Open the second result in its document.
    page.locator("#search-context-pick input").click()
    page.get_by_role("option", name=re.compile(r"^\[2\]")).click()
    page.get_by_role("listbox").wait_for(state="hidden")
    page.wait_for_function(
        "t => { const e = document.querySelector('#search-context .ctx.focus'); return e && e.innerText !== t; }",
        arg=first_focus)
    screenshot("search_cold_chain")


def test_search_filter_has_responsibility(page, screenshot) -> None:  # noqa: ANN001
    page.get_by_text("筛选 (filters)").click()
    page.get_by_label("仅含责任分工 (has lead/cooperating units)").check()
    page.fill("#search-query textarea", "干部挂职交流")
    page.click("#search-button")
    page.locator("#search-results .card").first.wait_for()
    cards = page.locator("#search-results .card")
    for i in range(cards.count()):
        assert cards.nth(i).locator(".tag").count() >= 1
    screenshot("search_filtered")


def test_compare_topic_across_documents_and_export(page, screenshot) -> None:  # noqa: ANN001
    _tab(page, "对比")
    page.fill("#compare-topic textarea", "干部挂职交流")
    page.click("#compare-button")
    page.locator("#compare-status .ok").wait_for()
    rows = _table(page, "#compare-table")
    shown = int(re.search(r"(\d+) 条条款", _text(page, "#compare-status")).group(1))
    assert len(rows) >= shown, (len(rows), shown)  # every row rendered: no inner scroll box hides some
    titles = {row[0] for row in rows}
    assert len(titles) >= 2, rows
    assert all(len(row) == 6 and row[3] for row in rows)  # document, region, clause, text, units
    link = page.locator("#compare-csv a").first
    link.wait_for()
    assert ".csv" in link.inner_text() or ".csv" in (link.get_attribute("href") or "")
    screenshot("compare")


def _pick(page, dropdown: str, option) -> None:  # noqa: ANN001
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option).click()
    page.get_by_role("listbox").wait_for(state="hidden")


def test_ledger_unit_tasks_chart_and_xlsx(page, tmp_path: Path, screenshot) -> None:  # noqa: ANN001
    """宿州市 → 市文化和旅游局: plan clauses 64–66 (牵头) and 12, 30 (配合), from the text's parentheticals."""
    from openpyxl import load_workbook

    _tab(page, "责任清单")
    _pick(page, "#ledger-region", re.compile(r"^宿州市$"))
    page.locator("#ledger-status").get_by_text("个单位").wait_for()
    _pick(page, "#ledger-unit", re.compile(r"^市文化和旅游局"))
    page.locator("#ledger-status .ok").wait_for()
    assert "5 项任务" in _text(page, "#ledger-status")
    roles = page.locator("#ledger-tasks .ledger-role").all_inner_texts()
    assert [r.split(" ")[0] for r in roles] == ["牵头", "配合"]
    ids = page.eval_on_selector_all("#ledger-tasks .task", "els => els.map(e => e.dataset.clauseId)")
    assert sorted(i.split(":")[1] for i in ids) == sorted(["九/64", "九/65", "九/66", "三/12", "五/30"])
    assert page.locator("#ledger-chart").count() == 1
    legend = page.locator("#ledger-legend").inner_text()
    assert "牵头" in legend and "配合" in legend and page.locator("#ledger-legend .swatch").count() == 2
    link = page.locator("#ledger-xlsx a").first
    link.wait_for()
    href = link.get_attribute("href") or ""
    assert ".xlsx" in href
    response = page.request.get(href)
    assert response.ok
    path = tmp_path / "download.xlsx"
    path.write_bytes(response.body())
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "文件", "章节", "条款", "任务", "牵头单位", "配合单位")
    assert sorted(r[3] for r in rows[1:]) == sorted(["九、64", "九、65", "九、66", "三、12", "五、30"])
    screenshot("ledger_culture_bureau")

    # 牵头 only: the two cooperating tasks go.
    page.get_by_label("牵头 (lead)").check()
    page.wait_for_function("() => document.querySelectorAll('#ledger-tasks .task').length === 3")
    assert "3 项任务" in _text(page, "#ledger-status")


def _upload(page, paths: list[Path]) -> str:  # noqa: ANN001
    page.set_input_files("#library-upload input[type=file]", [str(p) for p in paths])
    for p in paths:  # the widget lists each file once uploaded (stem and suffix in separate cells)
        page.locator("#library-upload").get_by_text(p.stem, exact=True).first.wait_for()
    page.click("#library-upload-button")
    page.locator("#library-status .ok, #library-status .error").first.wait_for()
    return _text(page, "#library-status")


def test_upload_then_find_in_a_fresh_page_and_delete_there(page, open_page, tmp_path: Path,
                                                           screenshot) -> None:  # noqa: ANN001
    """Lists are read when a page loads: a second page, opened after the upload, lists it and deletes it."""
    doc = tmp_path / "测试市无人机配送工作方案.txt"
    doc.write_text(
        "测试市无人机配送工作方案\n"
        "一、建设低空物流网络\n"
        "1.开通无人机配送航线，建设起降场站和智能快递柜。（市邮政管理局牵头，市交通运输局配合）\n"
        "2.完善低空飞行安全监管。（市公安局牵头）\n", encoding="utf-8")
    _tab(page, "文库")
    status = _upload(page, [doc])
    assert "✓" in status and doc.name in status, status
    page.locator("#library-table").get_by_text("测试市无人机配送工作方案").first.wait_for()
    screenshot("library_uploaded")

    _tab(page, "检索")
    page.fill("#search-query textarea", "无人机配送航线")
    page.click("#search-button")
    page.locator("#search-results .card").first.wait_for()
    cards = page.locator("#search-results .card").all_inner_texts()
    assert "测试市无人机配送工作方案" in cards[0]
    assert any("无人机配送航线" in c and "市邮政管理局" in c for c in cards[:3]), cards[:3]

    second = open_page()
    _tab(second, "检索")  # the document filter of a fresh page offers the upload
    second.get_by_text("筛选 (filters)").click()
    second.locator("#search-docs input").click()
    second.get_by_role("option", name=re.compile("测试市无人机配送工作方案")).wait_for()
    second.keyboard.press("Escape")
    _tab(second, "文库")
    second.locator("#library-table").get_by_text("测试市无人机配送工作方案").first.wait_for()
    _pick(second, "#library-doc", re.compile("测试市无人机配送工作方案"))
    second.get_by_label("确认删除 (confirm delete)").check()
    second.click("#library-delete")
    second.locator("#library-status .ok").wait_for()
    second.wait_for_function(
        "() => !document.querySelector('#library-table').innerText.includes('测试市无人机配送工作方案')")

    page.reload()  # and the first page, reloaded, no longer lists it
    page.locator("#catalogue-summary").get_by_text("份文件").wait_for()
    _tab(page, "文库")
    page.locator("#library-table [role=gridcell]").first.wait_for()
    assert "测试市无人机配送工作方案" not in _text(page, "#library-table")


def _row_of(page, selector: str, text: str) -> list[str]:  # noqa: ANN001
    return next((r for r in _table(page, selector) if any(text in c for c in r)), [])


def test_correct_the_city_of_an_upload_and_see_it_in_the_list(page, tmp_path: Path, screenshot) -> None:  # noqa: ANN001
    """A document without a place gets its city from a user's correction; the list and the fields show it."""
    title = "测试用数据要素市场化配置工作方案"
    doc = tmp_path / "数据要素方案.txt"
    doc.write_text(f"{title}\n一、建设数据交易平台。（市数据资源局牵头，市财政局配合）\n", encoding="utf-8")
    _tab(page, "文库")
    assert "✓" in _upload(page, [doc])
    page.locator("#library-table").get_by_text(title).first.wait_for()
    assert "淮北" not in " ".join(_row_of(page, "#library-table", title))

    _pick(page, "#library-doc", re.compile(title))
    page.locator("#library-meta .meta-source[data-field=title]").get_by_text("推断").wait_for()
    city = page.locator("#library-meta-city input, #library-meta-city textarea").first
    city.fill("淮北县")  # not a place of the division table: refused, naming the field
    page.click("#library-correct")
    page.locator("#library-status .error").wait_for()
    assert "'city'" in _text(page, "#library-status")
    city.fill("淮北市")
    page.click("#library-correct")
    page.locator("#library-status .ok").wait_for()
    page.wait_for_function(
        """t => Array.from(document.querySelectorAll('#library-table [role=row]'))
              .some(r => r.innerText.includes(t) && r.innerText.includes('安徽省淮北市'))""", arg=title)
    _pick(page, "#library-doc", re.compile(title))
    page.locator("#library-meta .meta-source[data-field=city]").get_by_text("sidecar").wait_for()
    assert "淮北市" in page.locator("#library-meta .meta-value[data-field=city]").inner_text()
    screenshot("library_corrected_city")

    page.get_by_label("确认删除 (confirm delete)").check()  # leave the shared index as it was
    page.click("#library-delete")
    page.wait_for_function(
        "t => !document.querySelector('#library-table').innerText.includes(t)", arg=title)


def test_bad_files_show_errors_and_lose_nothing(page, tmp_path: Path, screenshot) -> None:  # noqa: ANN001
    bad = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "broken.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
        "virus.exe": b"MZ\x90\x00",
        "fake.docx": b"not a zip at all",
    }
    paths = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    _tab(page, "文库")
    page.locator("#library-table [role=gridcell]").first.wait_for()
    before = _table(page, "#library-table")
    status = _upload(page, paths)
    page.wait_for_function("n => document.querySelectorAll('#library-status .error').length >= n",
                           arg=len(bad))
    status = _text(page, "#library-status")
    for name in bad:
        assert name in status, (name, status)
    assert "✓" not in status
    assert _table(page, "#library-table") == before
    screenshot("library_bad_files")

    # The app still works after the bad batch.
    _tab(page, "检索")
    page.fill("#search-query textarea", "冷链物流")
    page.click("#search-button")
    page.locator("#search-results .card").first.wait_for()


def test_eval_tab_runs_a_staff_csv_and_offers_the_results_as_excel(page, tmp_path: Path,
                                                                   screenshot) -> None:  # noqa: ANN001
    from openpyxl import load_workbook

    staff = tmp_path / "我们的问题.csv"
    staff.write_text("编号,问题,牵头单位,答案,条款\n"
                     "a1,宿州市冷链物流项目建设由哪个部门牵头？,市发展改革委,,加快农产品产地批发市场、冷链物流等项目建设\n"
                     "a2,火星基地的氧气工厂由哪个部门负责？,,无答案,\n", encoding="utf-8-sig")
    _tab(page, "评测")
    page.set_input_files("#eval-upload input[type=file]", str(staff))
    page.locator("#eval-upload").get_by_text(staff.stem, exact=True).first.wait_for()
    page.click("#eval-run")
    page.locator("#eval-status .ok").wait_for(timeout=150_000)
    assert "2 题" in _text(page, "#eval-status")
    metrics = {row[0]: row for row in _table(page, "#eval-metrics")}
    assert "前 10 命中率 (hit@10)" in metrics and "无答案识别率 (abstain_recall)" in metrics, metrics
    assert all(row[1] for row in metrics.values())  # each metric explained in one line
    assert metrics["前 10 命中率 (hit@10)"][3] != ""  # the baseline ran
    page.locator("#eval-chart img").first.wait_for()
    link = page.locator("#eval-xlsx a").first
    link.wait_for()
    response = page.request.get(link.get_attribute("href") or "")
    path = tmp_path / "results.xlsx"
    path.write_bytes(response.body())
    book = load_workbook(path)
    rows = list(book["逐题结果"].iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "问题", "题型", "结果") and [r[0] for r in rows[1:]] == ["a1", "a2"]
    screenshot("eval")


def test_eval_refuses_a_set_whose_documents_are_not_indexed(page, screenshot) -> None:  # noqa: ANN001
    _tab(page, "评测")
    _pick(page, "#eval-set", "extra_facts")
    page.click("#eval-run")
    page.locator("#eval-status .error").wait_for()
    status = _text(page, "#eval-status")
    assert "不在索引中" in status and "policyqa ingest" in status, status
    assert _table(page, "#eval-metrics") == []
    screenshot("eval_refused")
