"""问答 tab: a conversation; each answer lists numbered citations that open in context.

Follow-up questions (那配合单位呢 / 那宿迁呢 / 它的完成时限是什么时候) are resolved against the previous
turn (``qa.question.followup``), and the answer opens with what was understood (理解为：…).

Abstentions are shown as such (语料中未找到依据…) with the related clauses, which open in context the
same way. Also registers the public ``chat`` API endpoint.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from policyqa.ui import render
from policyqa.ui.tabs.search import context_html

MAX_TURNS = 6  # follow-ups lean on the last turn; a few more let text-only histories chain
EXAMPLES = ["宿州市冷链物流项目由哪个部门牵头？", "干部挂职交流有哪些安排？", "宿迁市南北合作共建园区由谁负责？"]


def _citation_options(answer: Any) -> list[tuple[str, str]]:
    """Dropdown choices for the cited (or, when abstaining, the related) clauses of an answer."""
    cites = answer.related if answer.abstained else answer.citations
    mark = "相关" if answer.abstained else "引用"
    return [(f"[{c.n}] {mark} {render.clause_label(c.clause)}", c.clause.clause_id) for c in cites]


def build(state: Any) -> None:
    """Lay out the tab inside the current Blocks."""
    chatbot = gr.Chatbot(label="问答 (answers cite the clauses they rest on)", height=460,
                         elem_id="chatbot", sanitize_html=True)
    with gr.Row():
        box = gr.Textbox(label="问题 (question)", placeholder=EXAMPLES[0], scale=5, elem_id="chat-input")
        send = gr.Button("提问", variant="primary", scale=1, elem_id="chat-send")
        clear = gr.Button("清空", scale=1)
    gr.Examples(EXAMPLES, inputs=box, label="示例问题")
    pick = gr.Dropdown([], label="查看引用条款 (open a citation in context)", elem_id="chat-citation-pick")
    context = gr.HTML(elem_id="chat-context")

    turns = gr.State([])  # this session's Turns (resolved question + Answer), for follow-up questions

    def respond(question: str, history: list[dict] | None, earlier: list[Any] | None):
        from policyqa.qa.question.followup import Turn

        history, earlier = list(history or []), list(earlier or [])
        if not question or not question.strip():
            return history, "", gr.update(), earlier
        question = question.strip()
        answer = state.engine.ask(question, llm=state.llm, history=earlier[-MAX_TURNS:])
        earlier.append(Turn(question, answer))
        history += [{"role": "user", "content": question},
                    {"role": "assistant", "content": render.answer_html(answer)}]
        options = _citation_options(answer)
        return history, "", gr.update(choices=options, value=options[0][1] if options else None), earlier

    for trigger in (send.click, box.submit):
        trigger(respond, [box, chatbot, turns], [chatbot, box, pick, turns], api_visibility="private")
    clear.click(lambda: ([], gr.update(choices=[], value=None), "", []), None, [chatbot, pick, context, turns],
                api_visibility="private")
    pick.change(lambda cid: context_html(state, cid), pick, context, api_visibility="private")

    def chat_api(message: str, history: list[dict] | None = None) -> dict:
        """Answer one question; returns the answer with its numbered citations (or abstention).

        ``history`` (prior ``{"role", "content"}`` turns, oldest first) makes it a conversation: an
        elliptical question (那配合单位呢 / 那宿迁呢) is resolved against the last user question, and
        the answer says what it understood (理解为：…).
        """
        from policyqa.qa.question.followup import Turn

        asked = [Turn(str(m.get("content", ""))) for m in history or [] if m.get("role") == "user"]
        return state.engine.ask(message, llm=state.llm, history=asked[-MAX_TURNS:]).to_dict()

    gr.api(chat_api, api_name="chat")
