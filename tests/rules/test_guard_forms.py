"""A check joined to another by `and` (the block) or `or` (the exit), and a failed check
that resets the value: the check still holds the value, for the pack's own guards and
for the project's predicates. A guard raising unless a path is contained, returning the
path, holds it through a service that returns its result. Beside each, the joins (and
the unchecked helpers) that hold nothing."""

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



CHECKED_TARGETS = '''\
from urllib.parse import urljoin, urlparse

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


def is_safe_url(target):
    ref_url = urlparse(request.host_url)
    test_url = urlparse(urljoin(request.host_url, target))
    return test_url.scheme in ("http", "https") and ref_url.netloc == test_url.netloc


def redirect_target(default):
    target = request.args.get("next")
    return target if target and is_safe_url(target) else default


def get_redirect_target():
    for target in request.values.get("next"), request.referrer:
        if not target:
            continue
        if is_safe_url(target):
            return target
    return None


def unchecked_target():
    return request.args.get("next") or "/"


@app.route("/a")
def a():
    return redirect(redirect_target(url_for("index")))


@app.route("/b")
def b():
    return redirect(get_redirect_target() or url_for("index"))


@app.route("/c")
def c():
    return redirect(unchecked_target())


@app.route("/d")
def d():
    target = request.args.get("next")
    if not is_safe_url(target):
        target = "/"
    return redirect(target)


@app.route("/e")
def e():
    return f"<p>Back to {redirect_target('/')}</p>"
'''


def test_a_helper_returning_the_target_only_when_checked_is_no_redirect_source(
        repo: GitRepo) -> None:
    # `redirect_target()` and `get_redirect_target()` return the request's target only
    # when the project's host check passed: no open redirect (34, 39); a helper
    # returning it unchecked is (44); the checked target is still request text for XSS
    # (57)
    found = _semgrep_found(repo, {"app.py": CHECKED_TARGETS})
    assert found == [("open-redirect", 44), ("xss", 57)]


GIVEN_HOSTS = '''\
from urllib.parse import urlparse

import requests
from flask import Flask, current_app, request

app = Flask(__name__)


def fetch_listed(url, allowed_hosts):
    parsed = urlparse(url)
    hosts = {h.lower() for h in allowed_hosts}
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" or host not in hosts:
        raise ValueError(host)
    return requests.get(url, timeout=5).json()


def fetch_any(url, allowed_hosts):
    parsed = urlparse(url)
    hosts = {h.lower() for h in allowed_hosts}
    if parsed.scheme != "https" or not hosts:
        raise ValueError(url)
    return requests.get(url, timeout=5).json()


@app.post("/listed")
def listed():
    return fetch_listed(request.form["url"], current_app.config["METADATA_HOSTS"])


@app.post("/any")
def any_host():
    return fetch_any(request.form["url"], current_app.config["METADATA_HOSTS"])
'''


def test_a_host_held_against_a_list_made_of_the_callers_is_checked(repo: GitRepo) -> None:
    # the configured hosts the caller passes, normalized into a local set first: the
    # host is checked (28 quiet); a helper checking only that the set is not empty
    # still fetches any host (33)
    found = _semgrep_found(repo, {"app.py": GIVEN_HOSTS})
    assert found == [("ssrf", 33)]


CHECKED_RETURN = {
    "shop/__init__.py": "",
    "shop/urls.py": '''\
from urllib.parse import urljoin, urlsplit

from flask import request, url_for


def is_local_url(target):
    host = urlsplit(request.host_url)
    candidate = urlsplit(urljoin(request.host_url, target))
    return candidate.scheme in {"http", "https"} and candidate.netloc == host.netloc


def local_target(target, endpoint="home"):
    if target:
        target = target.strip()
        if target and is_local_url(target):
            return target
    return url_for(endpoint)


def any_target(target, endpoint="home"):
    if target:
        return target.strip()
    return url_for(endpoint)
''',
    "shop/views.py": '''\
from flask import Flask, redirect, request

from shop.urls import any_target, local_target

app = Flask(__name__)


@app.get("/logout")
def logout():
    return redirect(local_target(request.args.get("next")))


@app.get("/back")
def back():
    return redirect(any_target(request.args.get("next")))


@app.get("/echo")
def echo():
    return "<a href='#'>" + local_target(request.args.get("next")) + "</a>"
''',
}


def test_a_helper_returning_its_parameter_only_when_a_host_check_passed_cleans_it(
        repo: GitRepo) -> None:
    # returned only when the project's host predicate passed, else a route of the
    # site: no open redirect (10); returned when merely non-empty (15) is one; the
    # checked URL is still text for HTML (20)
    found = _semgrep_found(repo, CHECKED_RETURN)
    assert found == [("open-redirect", 15), ("xss", 20)]


CONTAINED_SOURCE = '''\
import logging
import mimetypes
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

ROOT = os.path.realpath(getattr(settings, "MATERIAL_ROOT", "/srv/materials"))
logger = logging.getLogger(__name__)


def material_path(request: HttpRequest, course: str) -> str:
    filename = request.GET.get("file", "")
    if not filename:
        raise Http404("missing file")
    candidate = os.path.realpath(os.path.join(ROOT, course, filename))
    if os.path.commonpath([candidate, ROOT]) != ROOT:
        logger.warning("rejected material path %r", filename)
        raise Http404("material not found")
    return candidate


def joined_path(request: HttpRequest, course: str) -> str:
    candidate = os.path.join(ROOT, course, request.GET.get("file", ""))
    if not candidate.startswith(ROOT):
        raise Http404("material not found")
    return candidate


def stream(path: str) -> FileResponse:
    if not os.path.isfile(path):
        raise Http404("material not found")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return FileResponse(open(path, "rb"), content_type=content_type, as_attachment=True)


@login_required
def download(request: HttpRequest, course: str):
    location = material_path(request, course)
    return stream(location)


@login_required
def download_joined(request: HttpRequest, course: str):
    location = joined_path(request, course)
    return stream(location)


@login_required
def show(request: HttpRequest, course: str):
    return HttpResponse("<p>" + material_path(request, course) + "</p>")
'''


def test_a_source_helper_checking_its_path_inline_is_no_path_source(repo: GitRepo) -> None:
    # the request's file name resolved and held inside the root before it is returned:
    # no traversal (41); held by `startswith` of a path not normalized (47) is one; the
    # contained path is still text for HTML (52)
    found = _semgrep_found(repo, {"materials/views.py": CONTAINED_SOURCE})
    assert [f for f in found if f[0] in ("path-traversal", "xss")] == [
        ("path-traversal", 47), ("xss", 52)]


DJANGO_CHECKED_RETURN = '''\
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, target):
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def any_next(request, target):
    if target:
        return target
    return "/"


def done(request):
    return redirect(safe_next(request, request.GET.get("next")))


def back(request):
    return redirect(any_next(request, request.GET.get("next")))
'''


def test_a_helper_returning_its_parameter_when_djangos_host_check_passed_cleans_it(
        repo: GitRepo) -> None:
    # Django's own predicate (18 quiet); a mere emptiness check (22)
    found = _semgrep_found(repo, {"accounts/views.py": DJANGO_CHECKED_RETURN})
    assert [f for f in found if f[0] == "open-redirect"] == [("open-redirect", 22)]


PATHS_HELPERS = '''\
from pathlib import Path


class PathOutsideRoot(ValueError):
    pass


def artifact_path(base: Path, image_id: int, filename: str) -> Path:
    root = (base / str(image_id)).resolve()
    candidate = (root / filename).resolve()
    if not candidate.is_relative_to(root):
        raise PathOutsideRoot(filename)
    return candidate


def log_path(base: Path, filename: str) -> Path:
    return base / filename
'''

PATHS_SERVICE = '''\
from pathlib import Path

from store import paths

BASE = Path("/srv/artifacts")


class ArtifactService:
    def artifact_file(self, image_id: int, filename: str) -> Path:
        path = paths.artifact_path(BASE, image_id, filename)
        if not path.is_file():
            raise FileNotFoundError(filename)
        return path

    def log_file(self, filename: str) -> Path:
        return paths.log_path(BASE, filename)
'''

PATHS_ROUTES = '''\
from fastapi import APIRouter
from fastapi.responses import FileResponse

from store.service import ArtifactService

router = APIRouter()


@router.get("/artifacts/{image_id}/{filename:path}")
def artifact(image_id: int, filename: str):
    path = ArtifactService().artifact_file(image_id, filename)
    return FileResponse(path)


@router.get("/logs/{filename:path}")
def log(filename: str):
    return FileResponse(ArtifactService().log_file(filename))
'''


def test_what_a_containing_guard_returns_is_contained_through_a_service(
        repo: GitRepo) -> None:
    # a path a guard resolved and held inside its root, returned by a service (12):
    # quiet; a path the service joins unchecked (17) reported
    found = _semgrep_found(repo, {"store/__init__.py": "", "store/paths.py": PATHS_HELPERS,
                                  "store/service.py": PATHS_SERVICE,
                                  "store/routes.py": PATHS_ROUTES})
    assert found == [("path-traversal", 17)]


ARCHIVES = '''\
from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()


class BackupArchive:
    def __init__(self, root: Path):
        self.root = root.resolve()

    def find(self, name: str) -> Path:
        target = (self.root / name).resolve()
        if not target.is_relative_to(self.root):
            raise web.HTTPForbidden()
        return target

    def guess(self, name: str) -> Path:
        return self.root / name


@routes.get("/backups/{name:.+}")
async def download(request: web.Request) -> web.StreamResponse:
    archive: BackupArchive = request.app["archive"]
    return web.FileResponse(archive.find(request.match_info["name"]))


@routes.get("/guesses/{name:.+}")
async def guess(request: web.Request) -> web.StreamResponse:
    archive: BackupArchive = request.app["archive"]
    return web.FileResponse(archive.guess(request.match_info["name"]))
'''


def test_a_method_guard_holds_its_result_on_an_annotated_local(repo: GitRepo) -> None:
    # a method resolving and containing the path, on a local name annotated with its
    # class (25): quiet; a method joining it unchecked (31) reported
    found = _semgrep_found(repo, {"backups.py": ARCHIVES})
    assert found == [("path-traversal", 31)]
