"""`policyqa serve`: the web app (检索 · 问答 · 对比 · 文库 · 评测) on the index.

Binding: loopback (127.0.0.1) by default. A host that is not loopback is refused unless the app is
protected by Gradio's login (``--auth USER:PASS``, repeatable) or the operator says in so many words
that it needs none (``--no-auth``, e.g. behind a reverse proxy that does its own authentication).
We refuse rather than warn because a policy library bound to 0.0.0.0 by accident is an open upload
and delete endpoint on the office network.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

from policyqa.errors import PolicyqaError

_EPILOG = """examples:
  policyqa serve                                        # http://127.0.0.1:7860 on the bundled corpus
  policyqa serve --index ~/policy-index --port 8080
  policyqa serve --host 0.0.0.0 --auth admin:s3cret     # reachable from the LAN, with a login
  POLICYQA_LLM_BASE_URL=http://127.0.0.1:8081/v1 policyqa serve --llm
"""


def register(sub: argparse._SubParsersAction) -> None:
    from policyqa.ui.cli import add_index_option

    p = sub.add_parser(
        "serve", help="run the web app (search, chat, compare, library, evaluation)",
        description="Run the web app. Binds to 127.0.0.1 unless --host is given; a non-loopback "
                    "host needs --auth USER:PASS (or an explicit --no-auth).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_index_option(p)
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--llm", action="store_true",
                   help="answer with the LLM at POLICYQA_LLM_BASE_URL (default: extractive, offline)")
    p.add_argument("--auth", action="append", default=[], metavar="USER:PASS",
                   help="require this login (repeatable); required for a non-loopback --host")
    p.add_argument("--no-auth", action="store_true",
                   help="allow a non-loopback --host without a login (you protect it otherwise)")
    p.set_defaults(func=cmd_serve)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and names that resolve only to them (``localhost``)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def parse_auth(values: list[str]) -> list[tuple[str, str]]:
    """``["user:pass", …]`` → ``[("user", "pass"), …]``; the password may itself contain ':'."""
    pairs = []
    for value in values:
        user, sep, password = value.partition(":")
        if not sep or not user or not password:
            raise PolicyqaError(f"--auth expects USER:PASS, got {value.split(':')[0]!r}:…")
        pairs.append((user, password))
    return pairs


def check_binding(host: str, auth: list[tuple[str, str]], *, no_auth: bool) -> None:
    """Refuse a non-loopback host without a login, unless ``--no-auth`` says so explicitly."""
    if not is_loopback(host) and not auth and not no_auth:
        raise PolicyqaError(
            f"refusing to serve on {host} without a login: add --auth USER:PASS, "
            "or --no-auth if something else protects this port"
        )


def cmd_serve(args: argparse.Namespace, settings) -> int:  # noqa: ANN001 (Settings, imported lazily)
    auth = parse_auth(args.auth)
    check_binding(args.host, auth, no_auth=args.no_auth)
    if args.llm and not settings.llm_base_url:
        raise PolicyqaError("--llm needs POLICYQA_LLM_BASE_URL (an OpenAI-compatible endpoint)")

    # Offline by default: Gradio would otherwise report usage to its servers on launch.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from policyqa.index.clause_index import open_default_index
    from policyqa.qa.engine import QAEngine
    from policyqa.ui.app import build_app, launch_app

    index = open_default_index(settings)
    engine = QAEngine(index, settings)
    # Warm up before taking requests: the model, jieba's dictionaries and the corpus view load on the
    # first question otherwise, and the first clients of a fresh server would wait for them.
    engine.ask("谁牵头？")
    app = build_app(engine, settings, llm=args.llm)
    url = launch_app(app, host=args.host, port=args.port, auth=auth or None, settings=settings)
    login = " (login required)" if auth else ""
    print(f"policyqa: serving {index.where} at {url}{login}; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        app.block_thread()
    finally:
        app.close()
    return 0
