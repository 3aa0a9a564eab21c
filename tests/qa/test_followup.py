"""Follow-up questions resolved against the previous turn (``qa.question.followup``), then on the seed index.

宿州市推进长三角一体化发展三年行动计划 clause 五/31: "加快农产品产地批发市场、冷链物流等项目建设…
(市发展改革委牵头,市商务局、市农业农村局、市交通运输局、各县区人民政府等按职责分工负责)".
"""

from __future__ import annotations

import pytest

from policyqa.qa.question.followup import Turn, resolve

FIRST = "宿州市冷链物流项目由哪个部门牵头？"
PLACES = ("宿州市", "宿州", "宿迁市", "宿迁", "埇桥区")


def _places(text: str) -> tuple[str, ...]:
    """Place names by plain substring (the corpus gazetteer does this with the documents' regions)."""
    found: list[str] = []
    for name in PLACES:
        if name in text and not any(name in f for f in found):
            found.append(name)
    return tuple(found)


@pytest.mark.parametrize(("question", "kind", "understood"), [
    ("那配合单位呢", "role", "宿州市冷链物流项目的配合单位"),
    ("那配合单位有哪些？", "role", "宿州市冷链物流项目的配合单位"),
    ("牵头单位呢？", "role", "宿州市冷链物流项目的牵头单位"),
    ("那宿迁呢", "place", "宿迁冷链物流项目由哪个部门牵头"),
    ("那宿迁的配合单位呢", "place", "宿迁冷链物流项目的配合单位"),
    ("它的完成时限是什么时候", "topic", "冷链物流项目的完成时限是什么时候"),
])
def test_elliptical_questions_are_resolved(question: str, kind: str, understood: str) -> None:
    resolved = resolve(question, Turn(FIRST), find_places=_places)
    assert (resolved.kind, resolved.understood) == (kind, understood)
    assert resolved.original == question and resolved.question != question


@pytest.mark.parametrize("question", [
    "干部挂职交流有哪些安排？",          # a topic of its own
    "宿迁市南北合作共建园区由谁负责？",  # long, with its own topic and place
    "那",                                 # nothing to resolve
])
def test_questions_with_their_own_topic_stand_alone(question: str) -> None:
    resolved = resolve(question, Turn(FIRST), find_places=_places)
    assert not resolved.elliptical and resolved.question == question


def test_nothing_is_resolved_without_a_previous_turn() -> None:
    assert not resolve("那配合单位呢", None, find_places=_places).elliptical


def test_a_follow_up_gets_the_cooperating_units_of_the_previous_clause(engine) -> None:  # noqa: ANN001
    first = engine.ask(FIRST)
    assert first.citations and first.citations[0].clause.clause_id.endswith(":五/31")
    answer = engine.ask("那配合单位有哪些？", history=[Turn(FIRST, first)])
    assert answer.text.startswith("理解为：") and "冷链物流项目的配合单位" in answer.text
    assert answer.cooperating == ("市商务局", "市农业农村局", "市交通运输局", "各县区人民政府")
    assert answer.citations[0].clause.clause_id == first.citations[0].clause.clause_id
    assert answer.question == "那配合单位有哪些？"


def test_api_history_of_text_alone_chains_follow_ups(engine) -> None:  # noqa: ANN001
    answer = engine.ask("那牵头单位呢", history=[Turn(FIRST), Turn("那配合单位呢")])
    assert answer.leads == ("市发展改革委",) and answer.text.startswith("理解为：")
    alone = engine.ask("干部挂职交流有哪些安排？", history=[Turn(FIRST)])
    assert not alone.text.startswith("理解为") and not any(f.startswith("followup") for f in alone.flags)
