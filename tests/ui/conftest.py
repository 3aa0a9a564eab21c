"""Fixtures for the web-app tests: the real server on a copy of the seed index, and headless chromium.

The server is `policyqa serve` in a subprocess (the real CLI, the real index, loopback, a free port),
started once per session. The browser is Debian's /usr/bin/chromium driven by Playwright (never a
downloaded browser build); without it the browser tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium tries Google services on start-up and this closed network refuses it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 300.0  # first start builds the index when no seed index can be copied


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _copy_seed_index(request: pytest.FixtureRequest, dest: Path) -> bool:
    """Copy the session's seed index into ``dest`` when tests/conftest.py offers one."""
    try:
        seed = request.getfixturevalue("seed_index")
    except pytest.FixtureLookupError:
        return False
    src = Path(getattr(seed, "path", seed))
    if not src.is_dir():
        return False
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".write.lock"))
    return True


@pytest.fixture(scope="session")
def ui_index_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private index directory: the browser tests upload and delete, so never the shared one.

    A copy of the seed index when there is one; otherwise empty, and `serve` builds the bundled
    corpus into it on first use (which is also what a new user gets).
    """
    dest = tmp_path_factory.mktemp("ui") / "index"
    _copy_seed_index(request, dest)
    return dest


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the server answers at all (401 counts: a login-protected server is up)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"policyqa serve exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    proc.kill()
    pytest.fail(f"policyqa serve did not answer within {SERVER_START_TIMEOUT:.0f}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_server(index_dir: Path, log: Path, *extra: str) -> Iterator[str]:
    """`policyqa serve --index DIR --port <free> [extra…]` as a subprocess; yields its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update(GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost")
    cmd = [sys.executable, "-m", "policyqa.ui.cli", "serve", "--index", str(index_dir), "--port", str(port), *extra]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server_url(ui_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL (with trailing slash) of `policyqa serve --index <copy> --port <free>` on loopback.

    ``POLICYQA_UI_TEST_URL`` points the tests at a server you already run instead (handy while
    working on the UI; the upload tests then add to and delete from that server's index).
    """
    external = os.environ.get("POLICYQA_UI_TEST_URL")
    if external:
        yield external.rstrip("/") + "/"
        return
    with running_server(ui_index_dir, tmp_path_factory.mktemp("serve") / "serve.log") as url:
        yield url


@pytest.fixture()
def start_server(ui_index_dir: Path, tmp_path: Path):  # noqa: ANN201
    """``with start_server(*flags) as url:`` another `policyqa serve` on the same index copy."""
    return lambda *flags: running_server(ui_index_dir, tmp_path / "serve.log", *flags)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian chromium; skips when it (or Playwright) is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open_app(browser: object, url: str, contexts: list[object]) -> object:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    contexts.append(context)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url)
    pg.wait_for_selector("#search-query textarea")
    # The page's lists are read on load; the summary line is the last of them to be filled in.
    pg.locator("#catalogue-summary").get_by_text("份文件").wait_for()
    return pg


@pytest.fixture()
def open_page(browser: object, server_url: str):  # noqa: ANN201
    """``open_page()`` opens another fresh page on the app (own browser context), loaded and ready."""
    contexts: list[object] = []
    yield lambda: _open_app(browser, server_url, contexts)
    for context in contexts:
        context.close()  # type: ignore[attr-defined]


@pytest.fixture()
def page(open_page):  # noqa: ANN001, ANN201
    """A fresh page on the app, loaded and ready, with a generous default timeout for CPU answers."""
    return open_page()


@pytest.fixture()
def screenshot(page: object):  # noqa: ANN201
    """``screenshot(name)`` saves the page, full length, as artifacts/screenshots/<name>.png."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
