"""`policyqa serve` binding rules: loopback by default, a wider host needs --auth or --no-auth."""

from __future__ import annotations

import pytest

from policyqa.errors import PolicyqaError
from policyqa.ui.cli import build_parser
from policyqa.ui.cli.serve_cmd import check_binding, is_loopback, parse_auth


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "::1", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)
    check_binding(host, [], no_auth=False)  # no login needed


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1"])
def test_wide_host_without_login_is_refused(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(PolicyqaError, match="--auth"):
        check_binding(host, [], no_auth=False)
    check_binding(host, [("admin", "pw")], no_auth=False)
    check_binding(host, [], no_auth=True)


def test_parse_auth() -> None:
    assert parse_auth(["admin:s3:cret", "b:c"]) == [("admin", "s3:cret"), ("b", "c")]
    for bad in ["admin", ":pw", "admin:"]:
        with pytest.raises(PolicyqaError):
            parse_auth([bad])


def test_defaults_and_cli_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.llm, args.auth, args.no_auth) == ("127.0.0.1", 7860, False, [], False)
    from policyqa.ui.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 1  # refused before anything is opened
    assert "--auth" in capsys.readouterr().err
