"""HTML for the web app: hit cards, unit tags, clause-in-context views, answers, failures.

Every string that comes from a document, a user or a file name goes through ``html.escape`` here,
and only here; the tabs pass typed objects in and get markup out. Highlighting matches the terms
against the clause's *search form* (simplified, half-width) so that a Traditional-script clause still
lights up for a simplified query, then maps the spans back onto the original text, which is what we
display and cite.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from policyqa.model import Clause

# Scoped to .pqa so the app's CSS cannot leak into Gradio's own widgets.
APP_CSS = """
.pqa.legend { font-size: 13px; color: #374151; }
.pqa .legend-item { margin-left: 12px; white-space: nowrap; }
.pqa .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.pqa { font-size: 15px; line-height: 1.7; }
.pqa .card { border: 1px solid #d9dde3; border-radius: 8px; padding: 10px 14px; margin: 8px 0; background: #fff; }
.pqa .card-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.pqa .rank { font-weight: 700; color: #1f4e9c; }
.pqa .doc-title { font-weight: 600; }
.pqa .meta { color: #5f6b7a; font-size: 13px; }
.pqa .path { color: #3b4a5c; font-size: 13px; margin: 2px 0 4px; }
.pqa mark { background: #ffe58a; color: inherit; padding: 0 1px; border-radius: 2px; }
.pqa .tag { display: inline-block; border-radius: 10px; padding: 0 8px; margin: 2px 4px 0 0; font-size: 12px; }
.pqa .tag.lead { background: #dbeafe; color: #1e40af; border: 1px solid #93c5fd; }
.pqa .tag.coop { background: #ecfdf5; color: #065f46; border: 1px solid #6ee7b7; }
.pqa .tag.resp { background: #fef3c7; color: #92400e; border: 1px solid #fcd34d; }
.pqa .ctx { padding: 6px 10px; margin: 4px 0; border-left: 3px solid #e5e7eb; color: #4b5563; }
.pqa .ctx.focus { border-left: 4px solid #f59e0b; background: #fffbeb; color: #111827; }
.pqa .abstain { border: 1px dashed #f59e0b; background: #fffbeb; padding: 8px 12px; border-radius: 8px; }
.pqa .error { border: 1px solid #fca5a5; background: #fef2f2; color: #991b1b; padding: 8px 12px; border-radius: 8px; }
.pqa .ok { border: 1px solid #86efac; background: #f0fdf4; color: #166534; padding: 8px 12px; border-radius: 8px; }
.pqa .empty { color: #6b7280; font-style: italic; }
.pqa .ledger-doc { margin: 12px 0 4px; }
.pqa .ledger-role { font-weight: 600; margin: 6px 0 2px; color: #1f4e9c; }
.pqa .task { border-left: 3px solid #d9dde3; padding: 4px 10px; margin: 4px 0; }
.pqa .task .num { font-weight: 600; margin-right: 6px; }
"""


def esc(value: object) -> str:
    """Escape anything for HTML text and attribute context."""
    return html.escape(str(value), quote=True)


def wrap(inner: str) -> str:
    """Put markup inside the app's scoped container."""
    return f'<div class="pqa">{inner}</div>'


def message(text: str, *, kind: str = "empty") -> str:
    """A one-line notice: kind is ``empty``, ``ok`` or ``error``."""
    return wrap(f'<div class="{esc(kind)}">{esc(text)}</div>')


def _spans(haystack: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of every term in ``haystack``, longest terms first."""
    taken = [False] * len(haystack)
    spans: list[tuple[int, int]] = []
    low = haystack.lower()
    for term in sorted({t.strip().lower() for t in terms if t and t.strip()}, key=len, reverse=True):
        start = low.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(term, end)
    return sorted(spans)


def _search_form_aligned(text: str) -> str:
    """The search form of ``text`` with one output character per input character.

    Normalisation may change length (NFKC, whitespace folding), which would break the mapping back
    to the original; per-character conversion keeps positions and is good enough to find terms.
    """
    try:
        from policyqa.ingest.normalize import to_search_form
    except ImportError:  # ingest.normalize not there yet: match on the raw text only
        return text
    whole = to_search_form(text)
    if len(whole) == len(text):
        return whole
    out = []
    for ch in text:
        conv = to_search_form(ch) if not ch.isspace() else " "
        out.append(conv if len(conv) == 1 else ch)
    return "".join(out)


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escaped ``text`` with every occurrence of ``terms`` wrapped in ``<mark>``."""
    terms = [t for t in terms if t and t.strip()]
    if not terms:
        return esc(text)
    spans = _spans(_search_form_aligned(text), terms) or _spans(text, terms)
    out, pos = [], 0
    for start, end in spans:
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def unit_tags(leads: Sequence[str], cooperating: Sequence[str], responsible: Sequence[str] = ()) -> str:
    """牵头 (lead), 配合 (cooperating) and 责任单位 (responsible, no lead named) units as coloured tags."""
    parts = [f'<span class="tag lead" title="牵头单位">牵头 · {esc(u)}</span>' for u in leads]
    parts += [f'<span class="tag coop" title="配合单位">配合 · {esc(u)}</span>' for u in cooperating]
    parts += [f'<span class="tag resp" title="责任单位">责任 · {esc(u)}</span>' for u in responsible]
    return f'<div class="tags">{"".join(parts)}</div>' if parts else ""


def clause_path(clause: Clause) -> str:
    """Plain-text location of a clause: its headings and number, e.g. ``五、… › 31``."""
    return " › ".join(clause.path) if clause.path else "（正文）"


def clause_label(clause: Clause) -> str:
    """Short plain-text label for pickers: 《title》 last two path parts."""
    tail = " › ".join(p[:24] for p in clause.path[-2:]) if clause.path else "正文"
    return f"《{clause.doc_title or clause.doc_id}》 {tail}"


def _doc_meta(clause: Clause) -> str:
    bits = [b for b in (clause.region, clause.doc_type) if b]
    return f'<span class="meta">{esc(" · ".join(bits))}</span>' if bits else ""


def hit_card(n: int, clause: Clause, terms: Iterable[str], *, score: float | None = None) -> str:
    """One result: number, document title, metadata, clause path, highlighted text, unit tags."""
    score_html = f'<span class="meta">score {score:.3f}</span>' if score is not None else ""
    return (
        f'<div class="card" data-clause-id="{esc(clause.clause_id)}">'
        f'<div class="card-head"><span class="rank">[{n}]</span>'
        f'<span class="doc-title">《{esc(clause.doc_title or clause.doc_id)}》</span>'
        f"{_doc_meta(clause)}{score_html}</div>"
        f'<div class="path">{esc(clause_path(clause))}</div>'
        f'<div class="text">{highlight(clause.text, terms)}</div>'
        f"{unit_tags(clause.leads, clause.cooperating, clause.responsible)}</div>"
    )


def hit_list(items: Sequence[tuple[Clause, Sequence[str], float | None]]) -> str:
    """Cards for a list of (clause, matched terms, score)."""
    if not items:
        return message("没有找到匹配的条款 (no matching clauses)。")
    return wrap("".join(hit_card(i, c, t, score=s) for i, (c, t, s) in enumerate(items, 1)))


def context_view(clauses: Sequence[Clause], focus_id: str, terms: Iterable[str] = ()) -> str:
    """A clause among its neighbours in the document, the focus clause highlighted."""
    if not clauses:
        return message("无法显示上下文 (no context for this clause)。")
    terms = list(terms)
    first = clauses[0]
    rows = [f'<div class="card-head"><span class="doc-title">《{esc(first.doc_title or first.doc_id)}》</span>'
            f"{_doc_meta(first)}</div>"]
    for c in clauses:
        focus = c.clause_id == focus_id
        body = highlight(c.text, terms) if focus else esc(c.text)
        rows.append(
            f'<div class="ctx{" focus" if focus else ""}" data-clause-id="{esc(c.clause_id)}">'
            f'<div class="path">{esc(clause_path(c))}</div><div class="text">{body}</div>'
            f"{unit_tags(c.leads, c.cooperating, c.responsible) if focus else ''}</div>"
        )
    return wrap("".join(rows))


def answer_html(answer: Any) -> str:
    """An Answer as chat-message HTML: text, unit tags, numbered citations (or the abstention)."""
    if answer.abstained:
        # The text's own list of nearest clauses is for the terminal; here they are a real list below.
        said = [line for line in answer.text.splitlines() if line.strip() and not line.lstrip().startswith("- ")
                and not line.startswith("最接近的条款")]
        related = "".join(
            f'<li class="cite">[{c.n}] 《{esc(c.clause.doc_title)}》 {esc(clause_path(c.clause))}</li>'
            for c in answer.related
        )
        rel = (f'<div class="meta">最接近的条款 (nearest clauses):</div><ul class="related">{related}</ul>'
               if related else "")
        sentence = "<br>".join(esc(line) for line in said) or "语料中未找到依据。"
        return f'<div class="pqa"><div class="abstain">⚠ {sentence}</div>{rel}</div>'
    cites = "".join(
        f'<div class="cite">[{c.n}] 《{esc(c.clause.doc_title)}》 {esc(clause_path(c.clause))}</div>'
        for c in answer.citations
    )
    text = esc(answer.text).replace("\n", "<br>")
    return (f'<div class="pqa"><div>{text}</div>{unit_tags(answer.leads, answer.cooperating, answer.responsible)}'
            f'<div class="meta">引用 (citations):</div><div class="cites">{cites}</div></div>')


def ledger_html(tasks: Sequence[Any], *, number: Any = None) -> str:
    """A unit's tasks (``qa.ledger.Task``) grouped by document, then by role (牵头 before 配合).

    ``number(clause) -> str`` gives the clause number shown (default: its last numbering part).
    """
    if not tasks:
        return message("没有任务 (no tasks)。")
    number = number or (lambda c: c.numbering[-1] if c.numbering else "")
    parts: list[str] = []
    docs = list(dict.fromkeys(t.clause.doc_id for t in tasks))
    for doc_id in docs:
        in_doc = [t for t in tasks if t.clause.doc_id == doc_id]
        title = in_doc[0].clause.doc_title or doc_id
        parts.append(f'<div class="ledger-doc" data-doc-id="{esc(doc_id)}"><span class="doc-title">《{esc(title)}》</span>'
                     f'<span class="meta"> {len(in_doc)} 项</span></div>')
        for role, label in (("lead", "牵头 (lead)"), ("cooperating", "配合 (cooperating)"),
                            ("responsible", "责任单位 (responsible)"), ("", "")):
            group = [t for t in in_doc if t.role == role]
            if not group:
                continue
            if label:
                parts.append(f'<div class="ledger-role" data-role="{esc(role)}">{esc(label)} · {len(group)}</div>')
            for t in group:
                c = t.clause
                parts.append(f'<div class="task" data-clause-id="{esc(c.clause_id)}">'
                             f'<span class="num">{esc(number(c))}</span>{esc(t.task_text)}'
                             f"{unit_tags(c.leads, c.cooperating, c.responsible)}</div>")
    return wrap("".join(parts))


def failures_html(rows: Sequence[dict[str, Any]]) -> str:
    """Failed eval questions: question, what was expected, what we answered."""
    if not rows:
        return message("没有失败的问题 (no failed questions)。", kind="ok")
    items = []
    for r in rows:
        items.append(
            f'<div class="card"><div class="doc-title">{esc(r.get("id", ""))} {esc(r.get("question", ""))}</div>'
            f'<div class="meta">未通过 (failed): {esc(r.get("failed", ""))}</div>'
            f'<div class="meta">期望 (expected): {esc(r.get("expected", ""))}</div>'
            f'<div class="meta">实际 (got): {esc(r.get("got", ""))}</div></div>'
        )
    return wrap("".join(items))
