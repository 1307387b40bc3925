"""Checks that look like a guard but hold a part of the value only: a containment test
of a path that `..` can still leave (joined, never normalized), and an allow-list of a
file's extension rather than its name. Beside each, the check that holds."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

PATHS = '''\
import os
from pathlib import Path

from flask import Flask, abort, request, send_file

app = Flask(__name__)
ROOT = "/srv/app/files"


def lexical(name):
    path = os.path.join(ROOT, name)
    if not path.startswith(ROOT):
        return None
    return path


def resolved(name):
    path = os.path.realpath(os.path.join(ROOT, name))
    if not path.startswith(ROOT + os.sep):
        return None
    return path


def lexical_pathlib(name):
    path = Path(ROOT) / name
    if not path.is_relative_to(ROOT):
        abort(403)
    return path


def resolved_pathlib(name):
    path = (Path(ROOT) / name).resolve()
    if not path.is_relative_to(ROOT):
        abort(403)
    return path


@app.route("/a")
def a():
    return open(lexical(request.args["n"])).read()


@app.route("/b")
def b():
    return open(resolved(request.args["n"])).read()


@app.route("/c")
def c():
    return send_file(lexical_pathlib(request.args["n"]))


@app.route("/d")
def d():
    return send_file(resolved_pathlib(request.args["n"]))


@app.route("/e")
def e():
    p = os.path.join(ROOT, request.args["n"])
    if not p.startswith(ROOT):
        abort(403)
    return open(p).read()


@app.route("/f")
def f():
    p = os.path.abspath(os.path.join(ROOT, request.args["n"]))
    if not p.startswith(ROOT):
        abort(403)
    return open(p).read()
'''

NAMES = '''\
import os

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = "/srv/app/files"
ALLOWED_EXT = {".png", ".jpg"}
KNOWN = {"a.png", "b.png"}


def extension_ok(filename):
    return os.path.splitext(filename)[1].lower() in ALLOWED_EXT


def known(filename):
    return filename.strip().lower() in KNOWN


@app.route("/upload", methods=["POST"])
def upload():
    image = request.files["image"]
    if not extension_ok(image.filename):
        abort(415)
    image.save(os.path.join(ROOT, image.filename))
    return "ok"


@app.route("/file")
def file():
    name = request.args["n"]
    if not known(name):
        abort(404)
    return open(os.path.join(ROOT, name)).read()
'''


def test_a_containment_check_holds_only_a_normalized_path(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": PATHS})
    # joined and compared as text (a helper: 40, 50; in the view: 63) leaves `..` in;
    # realpath, abspath and resolve() first (45, 55, 71) hold
    assert [line for rule, line in found if rule == "path-traversal"] == [40, 50, 63]


def test_an_allow_list_of_extensions_holds_no_name(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": NAMES})
    # `splitext(name)[1] in ALLOWED_EXT` lets `../../x.png` through (24); the name
    # itself in a list of names (33) holds
    assert [line for rule, line in found if rule == "path-traversal"] == [24]


PARENTS = '''\
from pathlib import Path

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = Path("/srv/app/files")


def read_resolved(name):
    base = ROOT.resolve()
    target = (base / name).resolve()
    if base not in target.parents:
        abort(404)
    return open(target).read()


def read_joined(name):
    target = ROOT / name
    if ROOT not in target.parents:
        abort(404)
    return open(target).read()


@app.route("/resolved")
def resolved():
    return {"text": read_resolved(request.args["n"])}


@app.route("/joined")
def joined():
    return {"text": read_joined(request.args["n"])}
'''


def test_a_helper_checking_the_resolved_paths_parents_holds_it(repo: GitRepo) -> None:
    # `base not in target.parents` of a resolved target in the helper that opens it
    # (26 quiet); of a path only joined, `..` still leaves (31)
    found = _semgrep_found(repo, {"app.py": PARENTS})
    assert found == [("path-traversal", 31)]


COMMON_PATH = '''\
import os

from flask import Flask, request, send_file

app = Flask(__name__)


class InvoiceStore:
    def __init__(self, root):
        self.root = os.path.realpath(root)

    def path_for(self, name):
        candidate = os.path.realpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, candidate]) != self.root:
            return None
        return candidate

    def joined_path(self, name):
        candidate = os.path.join(self.root, name)
        if os.path.commonpath([self.root, candidate]) != self.root:
            return None
        return candidate


store = InvoiceStore("/srv/invoices")


@app.route("/a")
def a():
    return send_file(store.path_for(request.args["f"]))


@app.route("/b")
def b():
    return send_file(store.joined_path(request.args["f"]))
'''


def test_a_common_path_compared_with_the_root_holds_a_resolved_path(repo: GitRepo) -> None:
    # a store's method checking `commonpath([root, p]) != root` of a realpath: contained
    # (30 quiet); of a path only joined, `..` still leaves (35)
    found = _semgrep_found(repo, {"app.py": COMMON_PATH})
    assert found == [("path-traversal", 35)]
