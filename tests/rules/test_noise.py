"""The noise policy end to end: a small application scanned with the real Bandit and
Semgrep, with the false alarms real applications raise (labels, placeholders, test
fixtures, cookie deletion, digests as keys, a development server) beside real flaws."""

from __future__ import annotations

from assay.api import scan
from assay.formats.trust_view import summary_line
from assay.model import Finding, Severity
from tests.helpers import GitRepo

SETTINGS = '''\
import os

from cryptography.fernet import Fernet

SECRET_KEY = "secret key"
API_TOKEN = "9f2c7e61d4b8a3f0c5e9d2b7a1f4c8e6"
auth_token = "/api/auth/token"
PK_TOKEN = "token"
PROVIDER = {"password": "LDAP"}
DB_PASSWORD = "changeme"
WEBHOOK_SECRET = "test-secret"
CALLBACK_TOKEN = "${CALLBACK_TOKEN}"
MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
FERNET_KEY = b"ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="
cipher = Fernet(FERNET_KEY)
COOKIE_KEY = b"Q2hhdC1jb29raWUtc3RvcmFnZS1rZXktMjAyNC0wMQ=="
COOKIE_KEY_NAME = "remember_me"
'''

VIEWS = '''\
import hashlib

from flask import Flask, make_response

app = Flask(__name__)


def gravatar_url(email):
    return "https://www.gravatar.com/avatar/" + hashlib.md5(email.encode()).hexdigest()


@app.route("/logout")
def logout():
    resp = make_response("bye")
    resp.set_cookie("session", "", expires=0)
    resp.delete_cookie("remember")
    return resp


if __name__ == "__main__":
    app.run(debug=True)
'''

TESTS = '''\
from django.test import override_settings


@override_settings(SECRET_KEY="s3cr3t-T3st-K3y-0123")
def test_login(client):
    client.login(username="fred", password="Fr3d-pass!word")
'''


DEMO = '''import random


def sample_rows(rows):
    """Rows in a random order, for the demo page."""
    random.shuffle(rows)


def issue_reset(user):
    user.reset_code = random.randint(100000, 999999)
'''


def _at(findings: tuple[Finding, ...], path: str, line: int) -> list[Finding]:
    return [f for f in findings if f.path == path and f.span.start_line == line]


def test_noise_is_reported_low_or_not_at_all_and_real_keys_block(repo: GitRepo) -> None:
    repo.write("app/settings.py", SETTINGS)
    repo.write("app/views.py", VIEWS)
    repo.write("tests/test_login.py", TESTS)
    repo.write("app/demo.py", DEMO)
    repo.commit()
    run = scan(repo.path).run
    found = run.findings
    # a predictable random value: low for sample data, medium for a reset code
    assert sorted((f.span.start_line, f.severity.value) for f in found
                  if f.path == "app/demo.py" and f.cwe == 330) == [(6, "low"), (10, "medium")]
    # the pack's findings (Bandit's name-only checks, unconfirmed, are never blocking)
    secrets = sorted((f.span.start_line, f.severity.value) for f in found
                     if f.path == "app/settings.py" and f.cwe == 798
                     and any(s.startswith("semgrep:") for s in f.sources))
    # a word under a secret's name is low; a random value and a cipher key block; labels,
    # paths, placeholders, templates and environment lookups are no finding
    # (a cookie storage's key in bytes too; a cookie's name is no key)
    assert secrets == [(5, "low"), (6, "high"), (15, "high"), (16, "high")]
    (key,) = _at(found, "app/settings.py", 15)
    assert key.rule_id == "assay.python.hardcoded-cipher-key"
    (name_only,) = _at(found, "app/settings.py", 5)
    assert "policy:name-only-secret" in name_only.tags and "not blocking" in name_only.rationale
    # a digest for an avatar URL is low; cookie deletion is no finding
    (digest,) = [f for f in _at(found, "app/views.py", 9) if f.cwe == 328]
    assert digest.severity is Severity.LOW and "policy:non-security-digest" in digest.tags
    assert not [f for f in found if f.path == "app/views.py" and f.cwe in (614, 1004)]
    # debug mode is active debug code (CWE-489), reported without blocking
    (debug,) = _at(found, "app/views.py", 21)
    assert (debug.rule_id, debug.cwe, debug.severity) == ("B201", 489, Severity.MEDIUM)
    # credentials a test made up (a test settings' key, a login's password): counted, and
    # said where a person reads the run
    assert [f for f in found if f.path == "tests/test_login.py"] == []
    assert dict(run.provenance.extra)["policy.test_credentials"] == "2"
    assert "2 made-up credential(s) in test code not reported" in summary_line(run)
    blocking = {(f.path, f.span.start_line) for f in run.blocking(Severity.HIGH)}
    assert blocking == {("app/settings.py", 6), ("app/settings.py", 15), ("app/settings.py", 16)}
    assert dict(run.provenance.extra)["policy.test_code"] == "report"


def test_operator_may_rate_a_bandit_check(repo: GitRepo) -> None:
    repo.write("app/views.py", VIEWS)
    repo.commit()
    from tests.helpers import operator_config

    operator_config(repo, '[scanners.bandit]\nseverity = { B201 = "high" }\n')
    run = scan(repo.path, scanners=["bandit"]).run
    (debug,) = [f for f in run.findings if f.rule_id == "B201"]
    assert debug.severity is Severity.HIGH


def test_a_standard_library_xml_parser_is_listed_only_when_entities_may_be_on(
        repo: GitRepo) -> None:
    # Bandit reports both parsers; the first resolves no external entity (the default),
    # the second has them switched on (by a value read elsewhere): listed, unconfirmed
    repo.write("app/feed.py", "import xml.sax\n\n\ndef read(path):\n"
                              "    return xml.sax.parse(path, Handler())\n")
    repo.write("app/legacy.py", "import xml.sax\nfrom xml.sax.handler import "
                                "feature_external_ges\n\n\ndef read(path, on):\n"
                                "    parser = xml.sax.make_parser()\n"
                                "    parser.setFeature(feature_external_ges, on)\n"
                                "    parser.parse(path)\n")
    repo.commit()
    run = scan(repo.path).run
    assert sorted((f.path, f.rule_id, f.severity.value) for f in run.findings
                  if f.cwe == 611 and f.rule_id != "B406") == [
        ("app/legacy.py", "B317", "low")]
    assert dict(run.provenance.extra)["policy.stdlib_xml"] == "1"
    assert ("1 unconfirmed standard-library XML parser finding(s) not reported"
            in summary_line(run))


def test_a_fixed_program_given_a_list_is_counted_and_a_shell_listed(repo: GitRepo) -> None:
    # Bandit reports both calls (B603; B607 too for the second: a partial path); the
    # first runs a fixed program with its arguments in a list, the second hands a value
    # to a shell's `-c`
    repo.write("app/export.py", "import subprocess\n\n\ndef export(title, src, dest):\n"
                                "    cmd = ['pandoc', '--metadata', f'title={title}']\n"
                                "    cmd += ['-o', dest, src]\n"
                                "    subprocess.run(cmd, check=True)\n\n\n"
                                "def hook(script):\n"
                                "    subprocess.run(['bash', '-c', script], check=True)\n")
    repo.commit()
    run = scan(repo.path).run
    assert [(f.span.start_line, f.severity.value) for f in run.findings
            if f.rule_id in ("B603", "B607")] == [(11, "low")]
    assert dict(run.provenance.extra)["policy.fixed_programs"] == "1"
    assert ("1 unconfirmed subprocess finding(s) not reported (a fixed program given a list "
            "of arguments, no shell)" in summary_line(run))


ESCAPED_THEN_MARKED = '''\
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe


def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse(mark_safe("<p>Hello " + escape(name) + "</p>"))


def shout(request):
    name = request.GET.get("name", "")
    return HttpResponse("<p>" + name + "</p>")
'''


def test_mark_safe_of_escaped_text_does_not_block_and_a_flow_nearby_stays_put(
        repo: GitRepo) -> None:
    # Bandit's mark_safe checks (B308, B703) report every call; the dataflow rules decide
    # them: escaped text marked safe is listed low, unconfirmed. The unescaped response
    # four lines below is a flow of its own, reported at its own line
    repo.write("shop/views.py", ESCAPED_THEN_MARKED)
    repo.commit()
    run = scan(repo.path).run
    blocking = [(f.span.start_line, f.cwe) for f in run.blocking(Severity.HIGH)]
    assert blocking == [(13, 79)]
    assert all(f.severity is Severity.LOW for f in run.findings if f.span.start_line == 8)
