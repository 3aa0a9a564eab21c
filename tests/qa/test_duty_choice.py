"""A who-question about one of a clause's duties gets that sentence's units (qa.answerers.duty_choice),
with the real default embedder."""

from __future__ import annotations

import pytest

from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import extract_responsibility, running_text_units
from policyqa.model import Clause
from policyqa.qa.answerers.duty_choice import choose_duty
from policyqa.qa.question.corpus_view import SentenceScorer
from policyqa.qa.question.intent import content_text

# 阿坝州政务数据资源管理暂行办法 第三十八条: three units, three duties, no marker.
ARTICLE = ("第三十八条 　数据提供部门负责本部门数据采集、归集、存储、提供、共享、应用和开放等环节的安全管理。\n"
           "　　数据使用部门负责共享数据使用全过程安全。\n"
           "　　数据资源主管部门负责保障阿坝州大数据中心平台、政务云和电子政务外网安全运行。")


def _clause(text: str) -> Clause:
    duty = extract_responsibility(text) or running_text_units(text)
    return Clause(doc_id="d", numbering=("第三十八条",), path=("第三十八条",), text=text,
                  search_text=to_search_form(text), start=0, end=len(text), leads=duty.leads, cooperating=duty.cooperating,
                  responsible=duty.responsible)


@pytest.fixture(scope="module")
def scorer() -> SentenceScorer:
    return SentenceScorer(make_embedder(DEFAULT_EMBEDDER))


@pytest.mark.parametrize(("question", "leads"), [
    ("共享数据在使用过程中的安全由谁负责？", ("数据使用部门",)),
    ("大数据中心平台和政务云的安全运行由哪个部门保障？", ("数据资源主管部门",)),
    ("数据采集、归集、存储环节的安全管理谁负责？", ("数据提供部门",)),
])
def test_the_sentence_of_the_asked_duty_gives_the_units(scorer, question, leads):
    clause = _clause(ARTICLE)
    assert set(clause.leads) == {"数据提供部门", "数据使用部门", "数据资源主管部门"}  # the ledger sees all three
    query = to_search_form(question)
    assert choose_duty(clause, query, content_text(query), scorer, None).leads == leads


def test_a_marked_clause_keeps_its_units_whatever_its_sentences_say(scorer):
    text = "数据使用部门负责共享数据使用全过程安全。（牵头单位：市数据局；配合单位：市网信办）"
    clause = _clause(text)
    chosen = choose_duty(clause, "共享数据安全由谁负责", "共享数据安全", scorer, None)
    assert (chosen.leads, chosen.cooperating) == (("市数据局",), ("市网信办",))
