"""The named API endpoints (search, chat, compare, tasks, units) through gradio_client against the running server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server_url: str):  # noqa: ANN201
    gradio_client = pytest.importorskip("gradio_client", reason="gradio_client is not installed")
    return gradio_client.Client(server_url, verbose=False)


def test_endpoints_are_named(client) -> None:  # noqa: ANN001
    named = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    # The UI's own event handlers are private: scripts see only the documented five.
    assert named == {"/search", "/chat", "/compare", "/tasks", "/units"}


def test_search_endpoint(client) -> None:  # noqa: ANN001
    hits = client.predict(query="冷链物流", k=5, api_name="/search")
    assert 1 <= len(hits) <= 5
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    top = hits[0]
    assert {"clause_id", "doc_title", "path", "text", "leads", "matched_terms"} <= set(top)
    assert any("冷链物流" in h["text"] and "市发展改革委" in h["leads"] for h in hits)


def test_search_endpoint_filters(client) -> None:  # noqa: ANN001
    hits = client.predict(query="合作", k=10, doc_ids=["suqian-north-south-opinions-2020"], api_name="/search")
    assert hits and {h["doc_id"] for h in hits} == {"suqian-north-south-opinions-2020"}
    hits = client.predict(query="合作", k=10, has_responsibility=True, api_name="/search")
    assert hits and all(h["leads"] or h["cooperating"] or h["responsible"] for h in hits)


def test_chat_endpoint(client) -> None:  # noqa: ANN001
    answer = client.predict(message="宿州市冷链物流项目由哪个部门牵头？", api_name="/chat")
    assert not answer["abstained"]
    assert "市发展改革委" in answer["leads"]
    assert answer["citations"] and answer["citations"][0]["n"] == 1
    assert any("冷链物流" in c["text"] for c in answer["citations"])


def test_compare_endpoint(client) -> None:  # noqa: ANN001
    result = client.predict(topic="干部挂职交流", api_name="/compare")
    assert result["topic"] == "干部挂职交流"
    covered = [row for row in result["rows"] if row["clauses"]]
    assert len(covered) >= 2, result
    assert all(c["text"] and "clause_id" in c for row in covered for c in row["clauses"])
    narrowed = client.predict(topic="干部挂职交流", doc_ids=[covered[0]["doc_id"]], api_name="/compare")
    assert [row["doc_id"] for row in narrowed["rows"]] == [covered[0]["doc_id"]]



def test_tasks_endpoint(client) -> None:  # noqa: ANN001
    result = client.predict(unit="宿州海关", api_name="/tasks")
    assert [u["label"] for u in result["units"]] == ["宿州海关"]
    assert [t["clause_id"].split(":")[1] for t in result["tasks"]] == ["七/44", "七/45", "七/48"]
    whole = client.predict(doc_ids=["yongqiao-pairing-plan-2022"], api_name="/tasks")
    assert len(whole["tasks"]) == 22 and whole["units"] == []
    # 宿迁's （责任单位：…） lists name no lead: its 市发展改革委 is responsible for 14 tasks and leads none.
    listed = client.predict(unit="市发改委", region="宿迁", role="responsible", api_name="/tasks")
    assert len(listed["tasks"]) == 14 and {t["doc_id"] for t in listed["tasks"]} == {"suqian-north-south-opinions-2020"}
    assert client.predict(unit="市发改委", region="宿迁", role="lead", api_name="/tasks")["tasks"] == []


def test_tasks_endpoint_unknown_unit_names_near_ones(client) -> None:  # noqa: ANN001
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="市发展改革委"):
        client.predict(unit="市发改局", api_name="/tasks")


def test_units_endpoint(client) -> None:  # noqa: ANN001
    units = client.predict(region="埇桥", api_name="/units")
    assert units and {u["region"] for u in units} == {"埇桥区"}
    finance = next(u for u in units if u["name"] == "区财政局")
    assert (finance["leads"], finance["cooperating"], finance["responsible"]) == (0, 0, 4)



def test_auth_protects_the_app_and_the_api(start_server) -> None:  # noqa: ANN001
    """`serve --auth USER:PASS`: the page answers 401 without the login; the API works with it."""
    import urllib.error
    import urllib.request

    from gradio_client import Client

    with start_server("--auth", "staff:s3:cret") as url:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + "config", timeout=10)
        assert err.value.code == 401
        client = Client(url, auth=("staff", "s3:cret"), verbose=False)
        hits = client.predict(query="冷链物流", k=3, api_name="/search")
        assert len(hits) == 3
