"""A value cut to a length is the same value: `payload.get("name", "")[:80]` and
`payload["name"][:80]` of a JSON body keep the request's text (the CE engine loses it
at a slice of anything but a name; the pack carries it from what the name was bound
to). Beside them, a slice of a value of the server's."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

VIEWS = '''\
import json
import subprocess

from flask import Flask, request

app = Flask(__name__)
SETTINGS = {"banner": "Welcome to the archive"}


@app.post("/greet")
def greet():
    payload = json.loads(request.data)
    name = payload.get("name", "")[:80]
    subprocess.run("echo " + name, shell=True)
    return "", 204


@app.post("/tag")
def tag():
    payload = json.loads(request.data)
    subprocess.run("tag " + payload["tag"][:20], shell=True)
    return "", 204


@app.post("/banner")
def banner():
    subprocess.run("banner " + SETTINGS.get("banner", "")[:20], shell=True)
    return "", 204
'''


def test_a_value_cut_to_a_length_keeps_the_requests_text(repo: GitRepo) -> None:
    # a method's result cut (14) and an item cut in place (21) reported; a constant
    # table's value cut (27) not
    found = _semgrep_found(repo, {"app.py": VIEWS})
    assert found == [("command-injection", 14), ("command-injection", 21)]
