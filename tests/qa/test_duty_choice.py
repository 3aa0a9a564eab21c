"""A who-question gets the units of the sentence, among the best clauses, that describes the asked task
(qa.answerers.duty_choice), with the real default embedder and a real lexicon of the clauses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from policyqa.index.embedders import DEFAULT_EMBEDDER, make_embedder
from policyqa.index.lexicon import Lexicon, count_lexicon
from policyqa.ingest.normalize import to_search_form
from policyqa.ingest.responsibility import extract_responsibility, running_text_units
from policyqa.model import Clause
from policyqa.qa.answerers.duty_choice import choose_answer_duty, duty_options
from policyqa.qa.question.corpus_view import SentenceScorer
from policyqa.qa.question.intent import asked_predicate, content_text
from policyqa.qa.question.support import Vocabulary

# An article of a data-management regulation: three units, three duties, no marker.
ARTICLE = ("第三十八条 　数据提供部门负责本部门数据采集、归集、存储、提供、共享、应用和开放等环节的安全管理。\n"
           "　　数据使用部门负责共享数据使用全过程安全。\n"
           "　　数据资源主管部门负责保障大数据中心平台、政务云和电子政务外网安全运行。")
# A work report's paragraph: narrative, its units never read at ingest.
REPORT = ("深化招商引资改革。建立重大项目市级领导包联机制，20亿元以上签约项目由市级领导牵头推进、按月调度。"
          "市商务局作为牵头部门统筹外资招引，市投资促进中心负责项目跟踪服务。")
# Two articles of a regulation: the authority a matter goes to.
REGISTRATION = "第十条 经营者开展业务前，应当向所在地市场监督管理部门申请登记，并公示相关信息。"
IMPORT = "第十九条 携带设备入境的人员，应当主动向海关申报并配合查验，依法办理相关手续。"


@dataclass(frozen=True)
class Ranked:
    clause: Clause
    support: float


def _clause(text: str, *, read_at_ingest: bool = True) -> Clause:
    duty = extract_responsibility(text) or (running_text_units(text) if read_at_ingest else None)
    units = {} if not duty else {"leads": duty.leads, "cooperating": duty.cooperating,
                                 "responsible": duty.responsible}
    number = text.split()[0][:6]
    return Clause(doc_id="d", numbering=(number,), path=(number,), text=text, search_text=to_search_form(text),
                  start=0, end=len(text), **units)


@pytest.fixture(scope="module")
def scorer() -> SentenceScorer:
    return SentenceScorer(make_embedder(DEFAULT_EMBEDDER))


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    texts = [to_search_form(t) for t in (ARTICLE, REPORT, REGISTRATION, IMPORT)]
    return Vocabulary(Lexicon(count_lexicon(texts), scan=lambda term: any(term in t for t in texts)))


def _ask(ranked: list[Ranked], question: str, scorer: SentenceScorer, vocabulary: Vocabulary | None):
    query = to_search_form(question)
    chosen = choose_answer_duty(ranked, query, content_text(query), scorer, vocabulary)
    assert chosen is not None
    return chosen


@pytest.mark.parametrize(("question", "leads"), [
    ("共享数据在使用过程中的安全由谁负责？", ("数据使用部门",)),
    ("大数据中心平台和政务云的安全运行由哪个部门保障？", ("数据资源主管部门",)),
    ("数据采集、归集、存储环节的安全管理谁负责？", ("数据提供部门",)),
])
def test_the_sentence_of_the_asked_duty_gives_the_units(scorer, vocabulary, question, leads):
    clause = _clause(ARTICLE)
    assert set(clause.leads) == {"数据提供部门", "数据使用部门", "数据资源主管部门"}  # the ledger sees all three
    assert _ask([Ranked(clause, 0.5)], question, scorer, vocabulary)[1].leads == leads
    assert _ask([Ranked(clause, 0.5)], question, scorer, None)[1].leads == leads  # by meaning alone too


def test_a_marked_clause_keeps_its_units_whatever_its_sentences_say(scorer, vocabulary):
    clause = _clause("数据使用部门负责共享数据使用全过程安全。（牵头单位：市数据局；配合单位：市网信办）")
    chosen = _ask([Ranked(clause, 0.5)], "共享数据安全由谁负责", scorer, vocabulary)[1]
    assert (chosen.leads, chosen.cooperating) == (("市数据局",), ("市网信办",))


@pytest.mark.parametrize(("question", "leads"), [
    ("20亿元以上的签约项目由谁牵头推进？", ("市级领导",)),
    ("外资招引工作哪个部门牵头？", ("市商务局",)),
    ("招商项目的跟踪服务由哪个单位负责？", ("市投资促进中心",)),
])
def test_a_narrative_paragraph_is_read_at_question_time(scorer, vocabulary, question, leads):
    clause = _clause(REPORT, read_at_ingest=False)
    assert not clause.has_responsibility  # a work report's units are not the ledger's
    assert _ask([Ranked(clause, 0.5)], question, scorer, vocabulary)[1].leads == leads


def test_the_clause_whose_sentence_matches_the_task_wins_over_a_better_ranked_one(scorer, vocabulary):
    ranked = [Ranked(_clause(REGISTRATION), 0.30), Ranked(_clause(IMPORT), 0.25)]
    at, chosen = _ask(ranked, "带设备入境的人要向哪个部门申报？", scorer, vocabulary)
    assert (at, chosen.leads) == (1, ("海关",))
    at, chosen = _ask(ranked, "开展业务前要到哪个部门申请登记？", scorer, vocabulary)
    assert (at, chosen.leads) == (0, ("所在地市场监督管理部门",))


def test_an_authority_is_not_a_task_of_the_ledger():
    assert not _clause(IMPORT).has_responsibility
    assert [o.leads for o in duty_options(_clause(IMPORT))] == [("海关",)]


def test_no_unit_anywhere_gives_no_answer(scorer, vocabulary):
    clause = _clause("第五条 本办法自发布之日起施行，有效期五年。")
    assert choose_answer_duty([Ranked(clause, 0.5)], "谁负责解释", "解释", scorer, vocabulary) is None


@pytest.mark.parametrize(("question", "matter"), [
    ("进口设备要向哪个部门申报查验", "申报查验"),
    ("节目平台要接受哪个部门的监测", "监测"),
    ("招商项目由谁牵头联系调度", "联系调度"),
    ("这个出入口是哪个部门", "出入口"),  # 这个 points at the matter; it is none of it
])
def test_the_asked_matter_is_the_words_beside_the_question_for_a_unit(question, matter):
    assert asked_predicate(question) == matter


# A report giving three districts their own tasks: a question may name one district to say where.
DISTRICTS = "推动城区协同发展，镜湖区建设商贸中心，弋江区打造科创走廊、做强城南片区，鸠江区做强临空产业园。"


def test_a_unit_named_in_the_question_is_no_evidence_for_its_own_task(scorer):
    # 镜湖区 is where (the part south of it), not who: the district whose task is 做强城南片区 answers.
    texts = [to_search_form(t) for t in (ARTICLE, REPORT, DISTRICTS)]
    words = Vocabulary(Lexicon(count_lexicon(texts), scan=lambda term: any(term in t for t in texts)))
    clause = _clause(DISTRICTS, read_at_ingest=False)
    chosen = _ask([Ranked(clause, 0.5)], "镜湖区南面那一片要做强，交给哪个区？", scorer, words)[1]
    assert chosen.leads == ("弋江区",)
