"""The web app: six tabs over one shared engine. ``build_app(engine, settings) -> gr.Blocks``.

Sessions share one ``AppState``. Reads (search, chat, compare, eval) use ``state.engine``; writes
(upload, delete, re-index) go through ``state.writing()``, which holds the app's write lock and hands
out a *second* ``ClauseIndex`` on the same directory with its own embedder. The reading index locks
itself for the whole of a write, so writing through it would stall every search for the length of a
re-index; with a separate writer, searches keep answering from the live version while the next one
is built beside it, and the reader follows ``CURRENT`` (``refresh``) once the writer has committed.

Example:
    >>> from index.clause_index import open_default_index
    >>> from qa.engine import QAEngine
    >>> settings = Settings.from_env()
    >>> app = build_app(QAEngine(open_default_index(settings), settings), settings)
    >>> url = launch_app(app, host="127.0.0.1", port=7860)  # doctest: +SKIP
    >>> app.block_thread()                                  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from policyqa.settings import Settings
from policyqa.ui import render
from policyqa.ui.tabs import chat, compare, evaluate, ledger, library, search

TITLE = "policyqa · 区域政策文件检索与问答"


@dataclass
class AppState:
    """What every session shares: the engine, the settings, the write lock."""

    engine: Any                    # qa.engine.QAEngine (typed loosely: the UI never subclasses it)
    settings: Settings
    llm: bool = False
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _writer: Any = None            # ClauseIndex used only for writes, opened on first write

    @property
    def index(self) -> Any:
        """The engine's ClauseIndex (documents, context, add, remove)."""
        return self.engine.index

    @property
    def index_dir(self) -> Path:
        """The index's directory; uploaded originals are kept in its ``uploads/``."""
        return Path(self.index.root)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """Hold the write lock and yield the writer index; readers follow its commit afterwards."""
        with self.write_lock:
            if self._writer is None:
                from policyqa.index.clause_index import ClauseIndex
                from policyqa.index.embedders import make_embedder

                self._writer = ClauseIndex.open(
                    self.index_dir, make_embedder(self.settings.embedder, self.settings), create=True,
                    fusion=self.index.fusion, options=self.index.options, cache_path=self.index.cache_path,
                    lock_timeout=self.settings.write_lock_timeout(), store=self.settings.store,
                    store_token=self.settings.store_token)
            try:
                yield self._writer
            finally:
                self.index.refresh()  # a brief lock on the reader: swap to the committed version


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
        with gr.Tabs():
            with gr.Tab("检索", id="search"):
                search_pickers = search.build(state)
            with gr.Tab("问答", id="chat"):
                chat.build(state)
            with gr.Tab("对比", id="compare"):
                compare_pickers = compare.build(state)
            with gr.Tab("责任清单", id="ledger") as ledger_tab:
                ledger.build(state, ledger_tab)
            with gr.Tab("文库", id="library"):
                library.build(state, pickers=[*search_pickers, *compare_pickers])
            with gr.Tab("评测", id="evaluate"):
                evaluate.build(state)
    return app


def launch_app(app: gr.Blocks, *, host: str = "127.0.0.1", port: int = 7860,
               auth: list[tuple[str, str]] | None = None, settings: Settings | None = None) -> str:
    """Start serving on ``host:port`` in background threads; returns the local URL.

    Call ``app.block_thread()`` to serve until Ctrl-C (what `policyqa serve` does), or
    ``app.close()`` to stop (what an in-process test does).

    Gradio's own ``max_file_size`` is a hard backstop a little above our limit, so an oversized
    file is normally refused by ``ui.uploads`` with a message in the page, not by a toast.
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
