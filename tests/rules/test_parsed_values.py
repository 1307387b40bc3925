"""Values the rules take as cleaned by parsing or converting: only what cannot carry the
text on. Each case beside its look-alike."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

PARSED = '''\
import ast
import json

from flask import Flask, request

app = Flask(__name__)


@app.route("/formula", methods=["POST"])
def formula():
    payload = json.loads(request.data)
    return str(eval(payload["f"]))


@app.route("/literal", methods=["POST"])
def literal():
    return str(ast.literal_eval(request.data.decode()))


@app.route("/settings", methods=["POST"])
def settings():
    return {"keys": sorted(json.loads(request.data))}
'''


def test_a_string_inside_parsed_json_is_still_code(repo: GitRepo) -> None:
    # the strings of a JSON document are the sender's: `eval(payload["f"])` runs them
    found = _semgrep_found(repo, {"app.py": PARSED})
    assert ("code-injection", 12) in found
    assert [line for rule, line in found if rule == "code-injection"] == [12]
