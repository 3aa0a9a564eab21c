"""The web app: six tabs over one shared engine. ``build_app(engine, settings) -> gr.Blocks``.

Sessions share one ``AppState``. Reads (search, chat, compare, eval) use ``state.engine``; writes
(upload, delete, re-index) go through ``state.library`` (``index.library.Library``, the same write
service as `policyqa ingest/remove`), which writes through its own ``ClauseIndex``: searches keep
answering from the live version while the next one is built beside it, and the reader follows
``CURRENT`` (``refresh``) once the write has committed.

Example:
    >>> from index.clause_index import open_default_index
    >>> from qa.engine import QAEngine
    >>> settings = Settings.from_env()
    >>> app = build_app(QAEngine(open_default_index(settings), settings), settings)
    >>> url = launch_app(app, host="127.0.0.1", port=7860)  # doctest: +SKIP
    >>> app.block_thread()                                  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from policyqa.settings import Settings
from policyqa.ui import render
from policyqa.ui.tabs import chat, compare, evaluate, ledger, library, search
from policyqa.ui.tabs.pickers import LiveList, read_all

TITLE = "policyqa · 区域政策文件检索与问答"


@dataclass
class AppState:
    """What every session shares: the engine, the settings, the write service."""

    engine: Any                    # qa.engine.QAEngine (typed loosely: the UI never subclasses it)
    settings: Settings
    llm: bool = False
    _library: Any = None           # index.library.Library, opened on first write
    _library_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def index(self) -> Any:
        """The engine's ClauseIndex (documents, context; reads only)."""
        return self.engine.index

    @property
    def index_dir(self) -> Path:
        """The index's directory; uploaded originals are kept in its ``uploads/``."""
        return Path(self.index.root)

    @property
    def library(self) -> Any:
        """The write service (upload, delete, re-index); the reading index follows each write."""
        from policyqa.index.library import Library
        from policyqa.ingest.config import IngestConfig

        with self._library_lock:
            if self._library is None:
                from policyqa.index.embedders import make_embedder

                self._library = Library(
                    self.index_dir, make_embedder(self.settings.embedder, self.settings),
                    options=self.index.options, fusion=self.index.fusion, cache_path=self.index.cache_path,
                    lock_timeout=self.settings.write_lock_timeout(), store=self.settings.store,
                    store_token=self.settings.store_token, on_write=self.index.refresh)
            library: Library = self._library
        # The size limit is read per write: an operator (or a test) may replace the settings.
        library.config = IngestConfig.from_settings(self.settings)
        return library


def build_app(engine: Any, settings: Settings, *, llm: bool = False) -> gr.Blocks:
    """Build the Blocks app (not launched).

    Args:
        engine: a ``qa.engine.QAEngine`` over an open ``ClauseIndex``.
        settings: runtime settings (upload size limit, index directory).
        llm: answer questions with the configured LLM instead of extractively.

    Returns:
        The ``gr.Blocks``; its ``search``, ``chat``, ``compare``, ``tasks`` and ``units`` API endpoints are public.
    """
    state = AppState(engine=engine, settings=settings, llm=llm)
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"## {TITLE}\n检索条款、问答（附引用）、对比各地做法、各单位责任清单、管理文库、运行评测。"
                    " Search clauses, ask with citations, compare regions, list a unit's tasks, manage documents,"
                    " evaluate.")
        summary = gr.HTML(elem_id="catalogue-summary")
        with gr.Tabs():
            with gr.Tab("检索", id="search"):
                live = search.build(state)
            with gr.Tab("问答", id="chat"):
                chat.build(state)
            with gr.Tab("对比", id="compare"):
                live += compare.build(state)
            with gr.Tab("责任清单", id="ledger"):
                live += ledger.build(state)
            live.append(LiveList(summary, lambda: catalogue_summary(state.index)))
            with gr.Tab("文库", id="library"):
                live += library.build(state, live=list(live))
            with gr.Tab("评测", id="evaluate"):
                evaluate.build(state)
        # Read on every page load, so a page opened after any write lists what the index holds now.
        app.load(lambda: read_all(state.index, live), None, [item.component for item in live],
                 api_visibility="private")
    return app


def catalogue_summary(index: Any) -> str:
    """One line over the tabs: how many documents and clauses the index holds right now."""
    infos = index.documents()
    clauses = sum(i.clause_count for i in infos)
    return render.message(f"文库：{len(infos)} 份文件，{clauses} 条条款 ({len(infos)} documents, {clauses} clauses)")


def launch_app(app: gr.Blocks, *, host: str = "127.0.0.1", port: int = 7860,
               auth: list[tuple[str, str]] | None = None, settings: Settings | None = None) -> str:
    """Start serving on ``host:port`` in background threads; returns the local URL.

    Call ``app.block_thread()`` to serve until Ctrl-C (what `policyqa serve` does), or
    ``app.close()`` to stop (what an in-process test does).

    Gradio's own ``max_file_size`` is a hard backstop a little above our limit, so an oversized
    file is normally refused by ``index.uploads`` with a message in the page, not by a toast.
    """
    settings = settings or Settings()
    limit_mb = int(settings.max_file_mb) + 1
    # The index serialises searches itself and the machine may have two cores: a deeper queue
    # only adds waiting requests holding threads.
    app.queue(default_concurrency_limit=2)
    _, url, _ = app.launch(
        server_name=host, server_port=port, auth=auth, prevent_thread_lock=True,
        max_file_size=f"{limit_mb}mb", css=render.APP_CSS, footer_links=["api"],
        show_error=True, quiet=True, ssr_mode=False,
    )
    return url
