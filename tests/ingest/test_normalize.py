"""Search form (NFKC, 繁→简, whitespace) and boilerplate stripping on the Traditional seed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policyqa.ingest.normalize import to_search_form

TRAD = "anhui-pairing-tasks-news-2023"


def test_search_form_examples():
    assert to_search_form("滬蘇浙（１２）\u3000 結對\n幫扶 ") == "沪苏浙(12) 结对 帮扶"
    assert to_search_form("ＡＢＣ１２３，。") == "ABC123,。"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
       | st.text(alphabet="滬蘇浙結對幫扶皖北產業發展（）１２３　 \n\tａｂ。，", max_size=60))
def test_search_form_is_idempotent(text):
    once = to_search_form(text)
    assert to_search_form(once) == once


def test_traditional_document(seeds):
    parsed = seeds[TRAD]
    assert parsed.document.script == "traditional"
    clause = next(c for c in parsed.clauses if "結對合作幫扶的重點事項" in c.text)
    assert "结对合作帮扶的重点事项" in clause.search_text  # simplified for the index
    assert "結對" in clause.text                         # original script for display
    for c in parsed.clauses:
        for junk in ("監督電話", "相關新聞", "廣告合作", "版權", "新聞中心 >", "責任編輯"):
            assert junk not in c.text
    assert parsed.clauses[-1].text.endswith("探索打造科創産業融合平臺。")


def test_date_stamp_line_is_boilerplate(seeds):
    parsed = seeds["suzhou-yrd-action-plan-2021"]
    assert not any("2022-05-08 08:21:00" in c.text for c in parsed.clauses)


def test_a_footer_link_bar_and_an_editor_line_are_boilerplate():
    from policyqa.ingest.boilerplate import find_boilerplate

    body = "二、2024年工作安排\n\n" + "全力实现2024年高质量发展的奋斗目标，地区生产总值增长6%。\n\n" * 6
    text = (body + "责任编辑：李媛媛\n\n网站地图 | 页面纠错 | 版权声明 | 关于我们 | 联系我们\n\n"
            "主办单位：某市人民政府办公室\n\n备案号：湘ICP备05002141号\n")
    kept = "".join(ch for i, ch in enumerate(text)
                   if not any(s <= i < e for s, e in find_boilerplate(text)))
    assert "李媛媛" not in kept and "页面纠错" not in kept and "备案号" not in kept
    assert kept.count("地区生产总值增长6%") == 6
    # A bar of words that opens with no footer word stays text.
    assert not find_boilerplate(body + "产业 | 项目 | 人才\n")
