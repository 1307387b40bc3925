"""An object a class holds in its own body (`runner = PingRunner()`): a view calling
`self.runner.run(host)` calls that class's method. Two modules may each have a view
class and a runner class of the same names; each view's call is matched to its own
module's runner only, by the view class's code."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

SHELL = '''\
import subprocess

from flask import jsonify, request
from flask.views import MethodView


class PingRunner:
    def run(self, host):
        proc = subprocess.run(f"ping -c 3 {host}", shell=True, capture_output=True)
        return {"code": proc.returncode}


class PingView(MethodView):
    runner = PingRunner()

    def post(self):
        host = request.form["host"]
        return jsonify(self.runner.run(host))
'''

LISTED = '''\
import subprocess

from flask import jsonify, request
from flask.views import MethodView


class PingRunner:
    def run(self, host):
        proc = subprocess.run(["ping", "-c", "3", "--", host], capture_output=True)
        return {"code": proc.returncode}


class PingView(MethodView):
    runner = PingRunner()

    def post(self):
        host = request.args["host"]
        return jsonify(self.runner.run(host))
'''


def test_an_object_the_class_holds_is_of_its_class(repo: GitRepo) -> None:
    # the shell runner's call (18) reported
    found = _semgrep_found(repo, {"shell.py": SHELL})
    assert found == [("command-injection", 18)]


def test_twin_classes_each_call_their_own_modules_object(repo: GitRepo) -> None:
    # the shell runner's call (18) reported; the twin view's call of the runner taking
    # an argument list (18 of the other file) not
    found = _semgrep_found(repo, {"shell.py": SHELL, "listed.py": LISTED})
    assert found == [("command-injection", 18)]
