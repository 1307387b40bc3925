"""Objects of the project's classes. An object a class holds in its own body (`runner =
PingRunner()`): a view calling `self.runner.run(host)` calls that class's method. Two
modules may each have a view class and a runner class of the same names; each view's
call is matched to its own module's runner only, by the view class's code. And an
object of a project class that defines `save` is not the upload or storage whose `save`
writes a file."""

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


SAVING = '''\
import os

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/srv/uploads"


class Importer:
    def __init__(self, owner):
        self.owner = owner
        self.rows = []

    def save(self, lines):
        self.rows.extend(line.strip() for line in lines)
        return len(self.rows)


@app.post("/import")
def import_lines():
    importer = Importer(request.form["owner"])
    return {"saved": importer.save(request.form["lines"].splitlines())}


@app.post("/import-now")
def import_now():
    return {"saved": Importer("me").save(request.form["lines"].splitlines())}


@app.post("/upload")
def upload():
    doc = request.files["doc"]
    doc.save(os.path.join(UPLOADS, doc.filename))
    return "", 204
'''


def test_a_project_objects_save_is_its_own(repo: GitRepo) -> None:
    # the project's Importer.save of the request's lines (22, 27) is no file write; an
    # upload saved under the name the client gave (33) is
    found = _semgrep_found(repo, {"app.py": SAVING})
    assert found == [("path-traversal", 33)]


FAKE_STORAGE = '''\
class FileSystemStorage:
    """A stand-in with a save of its own, named like Django's storage."""

    def __init__(self):
        self.names = []

    def save(self, name, content=None):
        self.names.append(str(name))
        return len(self.names)


def keep(name):
    return FileSystemStorage().save(name)
'''

STORAGE_VIEWS = '''\
from django.core.files.storage import FileSystemStorage
from django.http import JsonResponse


def upload(request):
    storage = FileSystemStorage(location="/srv/uploads")
    name = storage.save(request.POST["name"], request.FILES["doc"])
    return JsonResponse({"name": name})
'''


def test_a_project_class_named_like_a_storage_hides_no_storage(repo: GitRepo) -> None:
    # a pull request adding a class of Django's storage's name with a `save` of its
    # own: the view's Django storage still writes where the request says (7)
    found = _semgrep_found(repo, {"shop/__init__.py": "", "shop/fakes.py": FAKE_STORAGE,
                                  "shop/views.py": STORAGE_VIEWS})
    assert found == [("path-traversal", 7)]


PROBES = '''\
import subprocess
from dataclasses import dataclass

from flask import Flask, request

app = Flask(__name__)


@dataclass
class PingProbe:
    host: str
    count: int = 4

    @property
    def command(self):
        return f"ping -c {self.count} {self.host}"

    def run(self):
        return subprocess.run(self.command, shell=True, capture_output=True).returncode


@dataclass
class CountProbe:
    count: int
    host: str = "localhost"

    def run(self):
        return subprocess.run(f"ping -c {self.count} {self.host}", shell=True).returncode


@app.post("/ping")
def ping():
    return {"code": PingProbe(host=request.form["host"]).run()}


@app.post("/count")
def count():
    return {"code": CountProbe(int(request.form["count"])).run()}
'''


def test_a_dataclass_field_is_its_constructors_parameter(repo: GitRepo) -> None:
    # a host field a property builds the command of (33) reported; a count field (38)
    # is a number
    found = _semgrep_found(repo, {"app.py": PROBES})
    assert found == [("command-injection", 33)]


COLUMNS = '''\
from flask import Flask, request

app = Flask(__name__)


class ComputedColumn:
    def __init__(self, label, formula):
        self.label = label
        self.formula = formula

    @property
    def fn(self):
        return eval(f"lambda row: {self.formula}", {"__builtins__": {}})



@app.post("/preview")
def preview():
    column = ComputedColumn(request.form["label"], request.form["formula"])
    evaluate = column.fn
    return {"value": evaluate({"qty": 1})}
'''


def test_a_property_evaluating_a_kept_attribute_makes_the_constructor_a_sink(
        repo: GitRepo) -> None:
    # the formula the constructor is given, evaluated where the view reads the
    # property (19)
    found = _semgrep_found(repo, {"app.py": COLUMNS})
    assert found == [("code-injection", 19)]
