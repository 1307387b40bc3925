"""A helper building a URL of a constant scheme and host (or a path of this site) in
front of what its parameters fill in: its result chooses a path or a query, not the
server, for the rules of a URL's host only. Beside it, helpers whose parameter chooses
the host, which stay reported."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

URLS = '''\
import hashlib

AVATARS = "https://www.gravatar.com/avatar/"


def avatar_url(email, size):
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{AVATARS}{digest}?s={size}"


def profile_path(name):
    return "/people/" + name


def mirror_url(host, path):
    return f"https://{host}/{path}"
'''

VIEWS = '''\
import requests
from flask import Flask, redirect, request

from app.urls import avatar_url, mirror_url, profile_path

app = Flask(__name__)


@app.post("/avatar")
def avatar():
    return requests.get(avatar_url(request.form["email"], 80), timeout=5).content


@app.get("/me")
def me():
    return redirect(profile_path(request.args["name"]))


@app.get("/mirror")
def mirror():
    return requests.get(mirror_url(request.args["host"], "index"), timeout=5).content


@app.get("/echo")
def echo():
    return "<p>" + profile_path(request.args["name"]) + "</p>"
'''


def test_a_url_helper_of_a_constant_host_chooses_no_server(repo: GitRepo) -> None:
    # a constant base URL (11) and a path of this site (16) quiet; the host from the
    # request (21) reported; the path helper's text in HTML is still XSS (26)
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/urls.py": URLS,
                                  "app/views.py": VIEWS})
    assert found == [("ssrf", 21), ("xss", 26)]
