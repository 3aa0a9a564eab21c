"""HTML rendering: everything from documents and users is escaped; terms are highlighted in place."""

from __future__ import annotations

from policyqa.model import Clause
from policyqa.ui import render


def _clause(text: str, **kw: object) -> Clause:
    values: dict = dict(doc_id="doc-1", numbering=("五", "31"), path=("五、实施<行动>", "31"), text=text,
                        search_text=text, start=0, end=len(text), doc_title="宿州<script>alert(1)</script>",
                        region="安徽省宿州市", doc_type="行动计划", leads=("市发展改革委",),
                        cooperating=("市商务局", "<b>x</b>"))
    values.update(kw)
    return Clause(**values)


def test_highlight_marks_terms_and_escapes_the_rest() -> None:
    out = render.highlight("加快<冷链物流>项目 & 冷链", ["冷链"])
    assert out == "加快&lt;<mark>冷链</mark>物流&gt;项目 &amp; <mark>冷链</mark>"


def test_highlight_prefers_longest_term_and_never_nests() -> None:
    out = render.highlight("冷链物流项目", ["冷链", "冷链物流", "物流"])
    assert out == "<mark>冷链物流</mark>项目"


def test_highlight_finds_simplified_terms_in_traditional_text() -> None:
    out = render.highlight("滬蘇浙城市結對幫扶皖北城市", ["结对", "帮扶"])
    assert "<mark>結對</mark>" in out and "<mark>幫扶</mark>" in out


def test_highlight_terms_are_not_matched_inside_entities() -> None:
    assert render.highlight("a<b", ["lt"]) == "a&lt;b"


def test_hit_card_escapes_document_fields_and_shows_tags() -> None:
    html = render.hit_card(1, _clause("冷链物流"), ["冷链"], score=0.5)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html
    assert "<mark>冷链</mark>" in html
    assert 'class="tag lead"' in html and "市发展改革委" in html and 'class="tag coop"' in html
    assert "五、实施&lt;行动&gt; › 31" in html


def test_context_view_highlights_only_the_focus() -> None:
    a, b = _clause("前一条", numbering=("五", "30")), _clause("冷链物流项目")
    html = render.context_view([a, b], b.clause_id, ["冷链"])
    assert html.count('class="ctx focus"') == 1 and "<mark>冷链</mark>" in html


def test_message_escapes() -> None:
    assert "<img" not in render.message('<img src=x onerror="alert(1)">', kind="error")


def test_ledger_html_groups_by_document_then_role_and_escapes() -> None:
    from policyqa.qa.ledger.ledger import Task

    lead = Task(_clause("加快<冷链>建设。(市发展改革委牵头)"), "加快<冷链>建设。(市发展改革委牵头)", "lead")
    coop = Task(_clause("共建园区。", numbering=("五", "32")), "共建园区。", "cooperating")
    other = Task(_clause("挂职交流。", doc_id="doc-2", doc_title="宿迁"), "挂职交流。", "lead")
    html = render.ledger_html([coop, lead, other])
    assert "<script>" not in html and "&lt;冷链&gt;" in html
    assert "牵头)" not in html  # the task is shown without its unit parenthetical: the tags carry the units
    assert html.index('data-doc-id="doc-1"') < html.index('data-role="lead"') < html.index('data-role="cooperating"')
    assert html.index('data-role="cooperating"') < html.index('data-doc-id="doc-2"')
    assert render.ledger_html([]).count("没有任务") == 1


def test_an_abstention_is_one_sentence_and_a_list_of_the_nearest_clauses() -> None:
    from policyqa.qa.answer import Answer, Citation

    related = (Citation(1, _clause("加快冷链物流项目建设。")), Citation(2, _clause("建设仓储设施。", numbering=("五", "32"))))
    answer = Answer(question="火星？", intent="general", abstained=True, related=related,
                    text="语料中未找到依据：最相关的条款与问题的关键词重合太少。\n最接近的条款：\n- 《甲》 31\n- 《甲》 32")
    html = render.answer_html(answer)
    sentence = html.split('<div class="abstain">', 1)[1].split("</div>", 1)[0]
    assert sentence == "⚠ 语料中未找到依据：最相关的条款与问题的关键词重合太少。"
    assert html.count("<li") == 2 and "- 《" not in html and "最接近的条款：" not in html
