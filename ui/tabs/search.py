"""检索 tab: query + filters → result cards (terms highlighted, unit tags) → clause in context.

Also registers the public ``search`` API endpoint (JSON in, JSON out) for gradio_client scripts.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from policyqa.ui import render
from policyqa.ui.tabs.pickers import LiveList, catalogue_picker

CONTEXT_BEFORE, CONTEXT_AFTER = 2, 2


def _filters(doc_ids: list[str] | None, regions: list[str] | None, doc_types: list[str] | None,
             has_responsibility: bool) -> Any:
    from policyqa.index.hybrid import Filters

    return Filters(doc_ids=tuple(doc_ids or ()), regions=tuple(regions or ()),
                   doc_types=tuple(doc_types or ()), has_responsibility=bool(has_responsibility))


def hit_to_dict(hit: Any) -> dict[str, Any]:
    """A Hit as JSON: the index's search record plus how it was found (source, matched terms)."""
    return {**hit.to_dict(), "source": hit.source, "matched_terms": list(hit.matched_terms)}


def context_html(state: Any, clause_id: str | None, terms: list[str] | None = None) -> str:
    """The clause ``clause_id`` among its neighbours, for the 上下文 panels of every tab."""
    if not clause_id:
        return render.message("选择一条结果查看上下文 (pick a result to see it in context)。")
    clauses = state.index.context(clause_id, before=CONTEXT_BEFORE, after=CONTEXT_AFTER)
    return render.context_view(clauses, clause_id, terms or [])


def build(state: Any) -> list[LiveList]:
    """Lay out the tab inside the current Blocks; returns its catalogue pickers (filled on page load)."""
    with gr.Row():
        query = gr.Textbox(label="检索词 (query)", placeholder="例如：冷链物流、干部挂职交流", scale=4,
                           elem_id="search-query")
        k = gr.Slider(1, 30, value=8, step=1, label="结果数 (k)", scale=1)
        button = gr.Button("检索", variant="primary", scale=1, elem_id="search-button")
    with gr.Accordion("筛选 (filters)", open=False):
        with gr.Row():
            docs = gr.Dropdown([], multiselect=True, label="文件 (document)", elem_id="search-docs")
            regions = gr.Dropdown([], multiselect=True, label="地区 (region)")
            types = gr.Dropdown([], multiselect=True, label="类型 (type)")
            has_resp = gr.Checkbox(label="仅含责任分工 (has lead/cooperating units)")
    results = gr.HTML(render.message("输入检索词后点击“检索”。"), elem_id="search-results")
    pick = gr.Dropdown([], label="查看上下文 (open a result in its document)", elem_id="search-context-pick")
    context = gr.HTML(elem_id="search-context")
    terms_state = gr.State({})  # clause_id -> matched terms of the last search, for the context view

    def run(q: str, k_: float, d: list[str], r: list[str], t: list[str], h: bool):
        if not q or not q.strip():
            return render.message("请输入检索词 (enter a query)。"), gr.update(choices=[], value=None), {}
        hits = state.engine.search(q.strip(), int(k_), _filters(d, r, t, h))
        cards = render.hit_list([(x.clause, list(x.matched_terms), float(x.score)) for x in hits])
        options = [(f"[{i}] {render.clause_label(x.clause)}", x.clause.clause_id) for i, x in enumerate(hits, 1)]
        terms = {x.clause.clause_id: list(x.matched_terms) for x in hits}
        first = options[0][1] if options else None
        return cards, gr.update(choices=options, value=first), terms

    inputs = [query, k, docs, regions, types, has_resp]
    for trigger in (button.click, query.submit):
        trigger(run, inputs, [results, pick, terms_state], api_visibility="private")
    pick.change(lambda cid, terms: context_html(state, cid, terms.get(cid, []) if cid else []),
                [pick, terms_state], context, api_visibility="private")

    def search_api(query: str, k: int = 10, doc_ids: list[str] | None = None,
                   regions: list[str] | None = None, doc_types: list[str] | None = None,
                   has_responsibility: bool = False) -> list[dict]:
        """Hybrid clause search; returns ranked hits with their clauses and matched terms."""
        hits = state.engine.search(query, int(k), _filters(doc_ids, regions, doc_types, has_responsibility))
        return [hit_to_dict(h) for h in hits]

    gr.api(search_api, api_name="search")
    return [catalogue_picker(docs, state.index, "documents"), catalogue_picker(regions, state.index, "regions"),
            catalogue_picker(types, state.index, "doc_types")]
