"""Sinks written other ways than the common call: a redirect by its `Location` header in a
response's header mapping, a command runner bound by `functools.partial` with
`shell=True`, a Django form view's success URL; and a credential written as the value a
setting falls back to. Beside each, the same form with a value that is not the
request's (or not a credential), or a runner that takes an argument list."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

HEADERS = '''\
from aiohttp import web
from flask import Flask, request, url_for
from starlette.responses import Response

app = Flask(__name__)


async def leave(request):
    target = request.query.get("next", "/")
    return web.Response(status=302, headers={"Location": target})


async def home(request):
    return web.Response(status=302, headers={"Location": "/", "Cache-Control": "no-store"})


@app.get("/out")
def out():
    return "", 302, {"Location": request.args["to"]}


@app.get("/back")
def back():
    return "", 302, {"Location": url_for("index")}


async def moved(request):
    return Response(status_code=307, headers={"location": request.query_params["url"]})


@app.get("/place")
def place():
    return {"location": request.args["city"]}
'''


def test_a_location_header_of_the_request_redirects_anywhere(repo: GitRepo) -> None:
    # the header of the query's target (10), of the argument (19) and of Starlette's
    # query parameter (28) reported; a constant (14), url_for (24) and a JSON field
    # called location (33) not; the header is no page body (19)
    found = _semgrep_found(repo, {"views.py": HEADERS})
    assert found == [("open-redirect", 10), ("open-redirect", 19), ("open-redirect", 28)]


RUNNERS = '''\
import functools
import subprocess
from functools import partial

shell = functools.partial(subprocess.run, shell=True, check=True)
run_listed = partial(subprocess.run, check=True, capture_output=True)
quiet_shell = partial(subprocess.run, shell=False)
'''

RUN_VIEWS = '''\
from flask import Flask, request

from app.runners import quiet_shell, run_listed, shell

app = Flask(__name__)


@app.post("/ping")
def ping():
    shell(f"ping -c 1 {request.form['host']}")
    return "", 204


@app.post("/trace")
def trace():
    run_listed(["traceroute", request.form["host"]])
    return "", 204


@app.post("/dig")
def dig():
    quiet_shell(["dig", request.form["host"]])
    return "", 204
'''


def test_a_runner_bound_with_a_shell_runs_the_requests_command(repo: GitRepo) -> None:
    # the partial bound with shell=True (10) reported; an argument list without a shell
    # (16, 22) not
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/runners.py": RUNNERS,
                                  "app/views.py": RUN_VIEWS})
    assert found == [("command-injection", 10)]


FORM_VIEWS = '''\
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, RedirectView

from shop.forms import ContactForm


class ContactView(FormView):
    form_class = ContactForm
    template_name = "contact.html"

    def get_success_url(self):
        return self.request.GET.get("next", reverse("home"))


class FeedbackView(FormView):
    form_class = ContactForm
    template_name = "feedback.html"

    def get_success_url(self):
        target = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, {self.request.get_host()}):
            return target
        return reverse("home")


class GoView(RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        return self.request.GET["to"]


class SearchView(FormView):
    form_class = ContactForm

    def get_initial(self):
        return {"q": self.request.GET.get("q", "")}
'''


def test_a_form_views_success_url_of_the_request_redirects_anywhere(repo: GitRepo) -> None:
    # the success URL (13) and the redirect URL (29) of the request reported; one the
    # view checks first (23) and initial form data (36) not
    found = _semgrep_found(repo, {"shop/__init__.py": "", "shop/forms.py": "ContactForm = None\n",
                                  "shop/views.py": FORM_VIEWS})
    assert found == [("open-redirect", 13), ("open-redirect", 29)]


SETTINGS = '''\
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "k9#2mX!qv8Lr$T4z@wP7nB1c")
DATABASE_PASSWORD = os.getenv("DB_PASSWORD") or "Pg-Prod-2024!xY7"
API_TOKEN = os.environ.get("API_TOKEN", "")
DEBUG_TOKEN = os.environ.get("DEBUG_TOKEN", "changeme")
SIGNING_KEY = os.environ["SIGNING_KEY"]
CACHE_TIMEOUT = os.environ.get("CACHE_TIMEOUT", "k9#2mX!qv8Lr$T4z")
'''


def test_a_secret_a_setting_falls_back_to_is_written_in_the_source(repo: GitRepo) -> None:
    # the fallbacks of a key (3) and a password (4) reported; an empty fallback (5), a
    # placeholder (6), no fallback (7) and a setting that is no credential (8) not
    found = _semgrep_found(repo, {"settings.py": SETTINGS})
    assert found == [("hardcoded-secret", 3), ("hardcoded-secret", 4)]


SIGNING = '''\
import hashlib
import hmac

import jwt
from itsdangerous import URLSafeTimedSerializer

EXPORT_LINK_KEY = b"f3c9a1d27be44c0e9a5d6b8e2f1c7a90-ledger-exports"
TOKEN_SECRET = "6f1d9c2e-77b1-4a0f-9b52-d0c3e1a8f4b7"
ALGORITHM = "HS256"
PLACEHOLDER_KEY = "changeme-placeholder"


def sign_export(message):
    return hmac.new(EXPORT_LINK_KEY, message, hashlib.sha256).hexdigest()


def issue(claims):
    return jwt.encode(claims, TOKEN_SECRET, algorithm=ALGORITHM)


def serializer():
    return URLSafeTimedSerializer(PLACEHOLDER_KEY)
'''


def test_a_key_bound_to_a_name_and_passed_to_a_signer_is_hard_coded(repo: GitRepo) -> None:
    # the bytes key an HMAC signs with (used at 14) and the secret a JWT is signed with
    # (used at 18, also reported by its name), each where it is written (7, 8); a
    # placeholder (10, used at 22) is not
    found = _semgrep_found(repo, {"signing.py": SIGNING})
    assert found == [("hardcoded-secret", 8), ("hardcoded-signing-key", 7),
                     ("hardcoded-signing-key", 8)]


ARGV_HELPERS = '''\
import subprocess
from dataclasses import dataclass, field

from flask import Flask, request

app = Flask(__name__)


@dataclass
class ArchiveJob:
    project: str
    excludes: list[str] = field(default_factory=list)

    def argv(self):
        args = ["tar", "-czf", f"/srv/archives/{self.project}.tgz"]
        for pattern in self.excludes:
            args.append(f"--exclude={pattern}")
        args.extend(["--", self.project])
        return args


def shell_line(project):
    return f"tar -czf /srv/archives/{project}.tgz {project}"


def chosen_program(tool, project):
    return [tool, project]


def shell_script(script):
    argv = ["sh", "-c", script]
    return argv


def python_script(code):
    return ["/usr/bin/python3.12", "-c", code]


@app.post("/archive")
def archive():
    job = ArchiveJob(request.form["project"], request.form.getlist("exclude"))
    subprocess.run(job.argv(), check=True)
    return "", 204


@app.post("/archive-shell")
def archive_shell():
    subprocess.run(shell_line(request.form["project"]), shell=True, check=True)
    return "", 204


@app.post("/run")
def run():
    subprocess.run(chosen_program(request.form["tool"], "x"), check=True)
    return "", 204


@app.post("/script")
def script():
    subprocess.run(shell_script(request.form["script"]), check=True)
    return "", 204


@app.post("/python")
def python():
    subprocess.run(python_script(request.form["code"]), check=True)
    return "", 204
'''


def test_an_argument_list_a_helper_builds_runs_its_own_program(repo: GitRepo) -> None:
    # a method's list with `tar` in front (42) is no command of the request's; a command
    # line (48), a list whose program the request chooses (54), a shell's script (60)
    # and an interpreter's code (66) given in a list are (a pull request cannot pass
    # `["sh", "-c", script]` or `["/usr/bin/python3.12", "-c", code]` for one)
    found = _semgrep_found(repo, {"app.py": ARGV_HELPERS})
    assert found == [("command-injection", 48), ("command-injection", 54),
                     ("command-injection", 60), ("command-injection", 66)]


def test_a_word_a_signer_takes_as_its_key_is_no_name_only_secret(repo: GitRepo) -> None:
    # a word under a secret's name is low (4); a word a signer takes as its key blocks
    # (5), where the module writes it, one finding with the name's
    repo.write("links.py", (
        "import hashlib\n"
        "import hmac\n\n"
        "ADMIN_PASSWORD = \"correct horse\"\n"
        "LINK_SECRET = \"ledger links\"\n\n\n"
        "def sign(message):\n"
        "    return hmac.new(LINK_SECRET.encode(), message, hashlib.sha256).hexdigest()\n"))
    repo.commit()
    found = sorted((f.span.start_line, f.severity.value, f.rule_id.rsplit(".", 1)[-1])
                   for f in scan(repo.path).run.findings
                   if f.cwe == 798 and any(s.startswith("semgrep:") for s in f.sources))
    assert found == [(4, "low", "hardcoded-secret"), (5, "high", "hardcoded-signing-key")]
