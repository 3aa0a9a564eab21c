"""A sentence is read in its context: an article of a chapter titled 住房租金 is about 住房租金 though it never
repeats the words, and a sentence of a paragraph that opens with 到2035年， states a 2035 target. Over a 办法 and
a plan written for this test."""

from __future__ import annotations

import pytest

from policyqa.qa.question.counted import counted_head
from policyqa.qa.question.intent import analyse
from tests.qa.test_evidence_abstention import _engine_over

RULES = """青禾市职工生活补贴发放办法

第一章 总则

第一条 为规范职工生活补贴发放，制定本办法。

第二章 通勤交通

第二条 职工居住地距工作地十公里以上的，按照每月300元的标准发放补贴。

第三章 异地租房

第三条 职工在工作地没有住房而租住他人房屋的，按照每月800元的标准发放补贴，发放期限最长不超过36个月。

第四章 安家补贴

第四条 对新入职的青年职工给予最高5000元一次性安家补贴。

第五章 附则

第五条 本办法自2033年1月1日起施行。
"""


PLAN = """青禾市绿色交通发展规划

一、发展目标

到2035年，绿色出行体系基本建成。""" + "公交线网持续优化，换乘更加便捷，站点服务更加完善。" * 24 + """全市新能源公交车占比达到95%，慢行道网络覆盖所有街道。

二、近期任务

到2028年，建成慢行道300公里。
"""


@pytest.fixture(scope="module")
def rules(request, tmp_path_factory):  # noqa: ANN001, ANN201 - QAEngine
    engine = _engine_over(request, tmp_path_factory, "heading-context", {"rules.txt": RULES, "plan.txt": PLAN})
    yield engine
    engine.index.close()


def test_a_figure_sentence_is_about_its_chapter(rules) -> None:  # noqa: ANN001
    answer = rules.ask("异地租房补贴每月能领多少？")
    assert not answer.abstained and "800元" in answer.text, answer.text
    answer = rules.ask("通勤交通补贴每月发多少钱？")
    assert not answer.abstained and "300元" in answer.text, answer.text


def test_a_day_of_the_month_is_a_date_not_a_counted_noun() -> None:
    # 几号 asks for a date, as 几日 does: no noun of the sentence must stand beside the figure.
    assert counted_head("补贴每月几号发放？") == "" and counted_head("每月几日发放？") == ""


def test_a_paragraph_opening_with_its_year_dates_its_sentences(rules) -> None:  # noqa: ANN001
    # The paragraph is long enough to be split into parts: the year is in the part before the figure's.
    assert any(c.part > 0 and "95%" in c.text for c in rules.corpus.doc_clauses(_plan(rules)))
    answer = rules.ask("到2035年青禾市新能源公交车的占比是多少？")
    assert not answer.abstained and "95%" in answer.text, answer.text
    assert rules.ask("到2028年青禾市新能源公交车的占比是多少？").abstained


def _plan(engine) -> str:  # noqa: ANN001
    return next(d for d, doc in engine.corpus.documents.items() if "绿色交通" in doc.title)


def test_how_a_user_asks_for_what_one_receives_is_no_subject(rules) -> None:  # noqa: ANN001
    # 最多能拿 is how the question asks; the article writes 给予最高…: no evidence is sought for it.
    question = "新来的青年职工最多能拿多少安家补贴？"
    assert "能拿" not in analyse(question).content and "安家补贴" in analyse(question).content
    answer = rules.ask(question)
    assert not answer.abstained and "5000元" in answer.text, answer.text
