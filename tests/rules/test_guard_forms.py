"""A check joined to another by `and` (the block) or `or` (the exit), and a failed check
that resets the value: the check still holds the value, for the pack's own guards and
for the project's predicates. Beside each, the joins that hold nothing."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

CHECKS = '''\
from urllib.parse import urlparse


def is_local_path(target):
    return target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc
'''

VIEWS = '''\
from flask import Flask, abort, redirect, request
from lxml import etree

from checks import is_local_path

app = Flask(__name__)
DOC = etree.parse("catalog.xml")


@app.route("/next")
def next_page():
    target = request.args.get("next")
    if target and is_local_path(target):
        return redirect(target)
    return redirect("/")


@app.route("/back")
def back():
    target = request.args.get("next", "/")
    if not is_local_path(target):
        target = "/"
    return redirect(target)


@app.route("/either")
def either():
    target = request.args.get("next")
    if target or is_local_path(target):
        return redirect(target)
    return redirect("/")


@app.route("/sku")
def sku():
    value = request.args["sku"]
    if not value.isalnum() or not value.isascii():
        abort(400)
    return str(DOC.xpath("//p[@sku='%s']" % value))


@app.route("/sku-loose")
def sku_loose():
    value = request.args["sku"]
    if not value.isalnum() and len(value) > 8:
        abort(400)
    return str(DOC.xpath("//p[@sku='%s']" % value))
'''


def test_joined_checks_hold_the_value(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"checks.py": CHECKS, "app.py": VIEWS})
    # `target and is_local_path(target)` (13-14), a reset to "/" (21-23), and
    # `not value.isalnum() or ...` (37-39) hold it; `or` in a block (29-30) and `and` in
    # an exit (45-47) do not
    assert [line for rule, line in found if rule == "open-redirect"] == [30]
    assert [line for rule, line in found if rule == "xpath-injection"] == [47]


PREDICATES = '''\
import re

from flask import Flask, abort
from lxml import etree

app = Flask(__name__)
CATALOG = etree.fromstring(b"<catalog/>")
SKU_RE = re.compile(r"[A-Z]{2,8}-[0-9]{2}")


def valid_sku(value):
    return bool(SKU_RE.fullmatch(value))


def valid_code(value):
    return SKU_RE.fullmatch(value) is not None


def present(value):
    return bool(value)


@app.route("/books/<sku>")
def book(sku):
    sku = sku.upper()
    if not valid_sku(sku):
        abort(400)
    return {"found": len(CATALOG.xpath(f"//book[@sku='{sku}']"))}


@app.route("/codes/<code>")
def codes(code):
    if not valid_code(code):
        abort(400)
    return {"found": len(CATALOG.xpath(f"//book[@sku='{code}']"))}


@app.route("/any/<code>")
def any_code(code):
    if not present(code):
        abort(400)
    return {"found": len(CATALOG.xpath(f"//book[@sku='{code}']"))}
'''


def test_a_predicate_returning_a_match_as_a_truth_value_holds_the_value(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": PREDICATES})
    # `bool(PATTERN.fullmatch(v))` and `PATTERN.fullmatch(v) is not None` hold (28, 35),
    # though a call of the first is also a truth value; `bool(v)` checks nothing (42)
    assert [line for rule, line in found if rule == "xpath-injection"] == [42]


UPLOADS = '''\
import os
import re

from flask import Flask, abort, request
from validators import valid_upload_name

app = Flask(__name__)
ROOT = "/srv/uploads"
EXTENSIONS = {"png", "jpg", "pdf"}
NAME = re.compile(r"[A-Za-z0-9_-]+\\\\.(png|jpg|pdf)")


def allowed_file(filename):
    return "." in filename and filename.rsplit(".", 1)[1].lower() in EXTENSIONS


def is_valid_name(filename):
    return NAME.fullmatch(filename) is not None


@app.post("/upload")
def upload():
    f = request.files["file"]
    if not allowed_file(f.filename):
        abort(400)
    f.save(os.path.join(ROOT, f.filename))
    return "ok"


@app.post("/upload-named")
def upload_named():
    f = request.files["file"]
    if not is_valid_name(f.filename):
        abort(400)
    f.save(os.path.join(ROOT, f.filename))
    return "ok"


@app.post("/upload-checked")
def upload_checked():
    f = request.files["file"]
    if not valid_upload_name(f.filename):
        abort(400)
    f.save(os.path.join(ROOT, f.filename))
    return "ok"
'''


def test_a_predicate_checking_only_the_extension_is_no_validator(repo: GitRepo) -> None:
    # `allowed_file` holds the extension against a list, not the name: the name still
    # chooses the path (26); the project's full match of the name (34) and a validator
    # of another package, known by its name only (42), hold it
    found = _semgrep_found(repo, {"app.py": UPLOADS})
    assert found == [("path-traversal", 26)]
