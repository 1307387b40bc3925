"""Secrets are masked before anything is sent; the server never sees them."""

from __future__ import annotations

import pytest

from assay.model import RunStatus
from assay.scanners.llm.redact import Redactor
from tests.helpers import GitRepo
from tests.llm.fakeserver import FakeLLMServer, call, reply, scanner_config
from tests.llm.helpers import NAME, configure, scan

AWS = "AKIAZ7PLANTED7SECRET"
PASSWORD = "correct-horse-battery-staple"
KEY_BODY = "MIIEowIBAAKCAQEAplantedprivatekeymaterial0123456789"
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SETTINGS = f'''\
AWS_ACCESS_KEY_ID = "{AWS}"
DATABASE_PASSWORD = "{PASSWORD}"
GITHUB = "{TOKEN}"
DSN = "postgres://app:{PASSWORD}@db/app"
PRIVATE_KEY = """-----BEGIN RSA PRIVATE KEY-----
{KEY_BODY}
{KEY_BODY[::-1]}
-----END RSA PRIVATE KEY-----"""
'''


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_planted_secrets_never_reach_the_server(provider: str, repo: GitRepo,
                                                fake_llm: FakeLLMServer) -> None:
    repo.write("settings.py", SETTINGS)
    configure(repo, {NAME: scanner_config(fake_llm, provider)})
    for secret in (AWS, PASSWORD, KEY_BODY, KEY_BODY[::-1], TOKEN):
        fake_llm.forbid(secret)
    fake_llm.script(call("read_file", {"path": "settings.py"}),
                    call("grep", {"pattern": "PASSWORD|KEY|MII"}),
                    call("grep", {"pattern": "AKIAZ7"}),
                    reply("done"), reply("summary"))
    run = scan(repo).run
    assert run.status is RunStatus.COMPLETE
    assert fake_llm.violations == []
    assert "[REDACTED:aws-key]" in fake_llm.requests[1].raw
    assert "no matches" in fake_llm.requests[3].raw  # cannot probe for the masked value
    assert int(dict(run.provenance.extra)[f"{NAME}.redactions"]) >= 6


def test_masks_keep_line_numbers() -> None:
    redactor = Redactor()
    masked = redactor.redact(SETTINGS)
    assert masked.count("\n") == SETTINGS.count("\n")
    assert AWS not in masked and PASSWORD not in masked and KEY_BODY not in masked
    assert redactor.counts == {"aws-key": 1, "github-token": 1, "url-password": 1,
                               "password": 1, "private-key": 1}


@pytest.mark.parametrize("text", [
    'token = request.args.get("token")', "password = os.environ['DB_PASSWORD']",
    "def check_password(pw):", 'api_key = ""'])
def test_ordinary_code_is_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    ("DB_PASSWORD=hunter2hunter2\n\nx = 1\n", "DB_PASSWORD=[REDACTED:password]\n\nx = 1\n"),
    ("API_TOKEN=abcdefgh   \r\nNEXT=1\r\n", "API_TOKEN=[REDACTED:password]   \r\nNEXT=1\r\n"),
    ("    password=password\n", "    password=[REDACTED:password]\n")])
def test_env_style_masks_keep_every_line(text: str, expected: str) -> None:
    assert Redactor().redact(text) == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("x.password = 'hunter22'", "password"), ('cfg = {"api_key": "abcdefgh"}', "password"),
    ('tok = "a" + "b"; secret = "s3cr3tval"', "password"),
    ("url = 'https://bob:pa:ss@example.com/x'", "url-password"),
    ("h = 'x-eyJhbGciOiJI.eyJzdWIiOiIx.SflKxwRJSMeKKF2QT4'", "jwt")])
def test_secrets_in_context_are_masked(text: str, kind: str) -> None:
    redactor = Redactor()
    assert f"[REDACTED:{kind}]" in redactor.redact(text)
    assert redactor.counts == {kind: 1}
