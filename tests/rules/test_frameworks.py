"""Framework structure in the taint rules: route parameters that cannot hold a path,
ORM query builders, JSON APIs recognized by their router rather than an import line,
and HTML routes of FastAPI."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo


def _semgrep_found(repo: GitRepo, files: dict[str, str]) -> list[tuple[str, int]]:
    """Commit `files`, scan with Semgrep: (rule family, line) of each finding, sorted."""
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    return sorted((f.rule_id.split(".")[2], f.span.start_line) for f in run.findings)

FLASK_FILES = '''\
import os

from flask import Flask, request

app = Flask(__name__)
BASE = "/srv/files"


@app.route("/files/<name>")
def one_segment(name):
    return open(os.path.join(BASE, name)).read()


@app.route("/any/<path:name>")
def any_path(name):
    return open(os.path.join(BASE, name)).read()


@app.route("/q")
def by_query():
    return open(os.path.join(BASE, request.args["n"])).read()
'''
ROUTER = '''\
from fastapi import APIRouter


class Router(APIRouter):
    """The project's router."""
'''
API = '''\
from typing import Annotated, Literal

from fastapi import Path
from fastapi.responses import HTMLResponse
from sqlalchemy import select, text

from routing import Router

router = Router()


@router.get("/hello")
def hello(name: str):
    return "hello " + name


@router.get("/page", response_class=HTMLResponse)
def page(q: str):
    return f"<h1>{q}</h1>"


@router.get("/users")
def users(session, ids: str, uid: str):
    stmt = select(User).where(User.id.in_(ids.split(",")))
    session.execute(stmt)
    query = select(User)
    query = query.where(User.name == uid)
    session.execute(query)
    session.execute(text("SELECT * FROM u WHERE id = :id"), {"id": uid})
    raw = select(User).where(text(f"name = '{uid}'"))
    session.execute(raw)
    session.execute(text(f"SELECT * FROM u WHERE id = {uid}"))


@router.get("/items/{n}")
def item(n: Annotated[int, Path()], kind: Literal["a", "b"], other: str):
    open(f"/data/{n}/{kind}")
    return open(other).read()
'''


def test_framework_structure(repo: GitRepo) -> None:
    repo.write("files.py", FLASK_FILES)
    repo.write("routing.py", ROUTER)
    repo.write("api.py", API)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.rule_id.split(".")[2], f.path, f.span.start_line) for f in run.findings)
    assert found == [
        ("path-traversal", "api.py", 38),    # a str query parameter; int and Literal are not
        ("path-traversal", "files.py", 16),  # <path:name> holds '/'; <name> does not
        ("path-traversal", "files.py", 21),  # a query parameter
        ("sqli", "api.py", 30),              # text() inside a builder is still raw SQL
        ("sqli", "api.py", 32),              # builder statements (lines 24-29) are not
        ("xss", "api.py", 19),               # an HTML route; the router's JSON route is not
    ]


TYPED_REQUESTS = '''\
import subprocess

from aiohttp import web
from starlette.requests import Request
from starlette.responses import HTMLResponse


async def greet(req: Request):
    return HTMLResponse("<h1>" + req.query_params["name"] + "</h1>")


async def convert(r: web.Request):
    data = await r.post()
    subprocess.run("convert " + data["file"], shell=True)


async def health(req: Request, name: str):
    return HTMLResponse("<h1>" + name + "</h1>")
'''


def test_request_objects_under_any_name(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"handlers.py": TYPED_REQUESTS})
    # a parameter typed as a request object is one; a plain str parameter of a function
    # that is not a route is not
    assert found == [("command-injection", 14), ("xss", 9)]

APP_SETUP = '''\
from aiohttp import web
from aiohttp_session import SimpleCookieStorage, setup
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from fastapi import FastAPI


def make(key, config):
    app = web.Application(debug=True)
    setup(app, EncryptedCookieStorage(key, httponly=False, secure=False))
    setup(app, EncryptedCookieStorage(key, max_age=3600))
    setup(app, SimpleCookieStorage())
    api = FastAPI(debug=config.DEBUG)
    return app, api
'''


def test_framework_settings(repo: GitRepo) -> None:
    repo.write("server/app.py", APP_SETUP)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.span.start_line, f.rule_id, f.cwe) for f in run.findings)
    # a storage with its defaults, and debug read from configuration, are not reported
    assert found == [(8, "assay.python.debug-enabled", 489),
                     (9, "assay.python.session-storage-insecure", 614),
                     (9, "assay.python.session-storage-without-httponly", 1004),
                     (11, "assay.python.unsigned-session-cookie", 565)]

OUTBOUND = '''\
import requests
from flask import Flask, request

app = Flask(__name__)
API = "https://api.example.com"


@app.route("/proxy")
def proxy():
    q = request.args["q"]
    requests.get(f"{API}/users/{q}")
    requests.get("{}/search?q={}".format(API, q))
    requests.get(f"{q}/users/1")
    requests.get("{}/users/{}".format(q, 1))
    return "ok"
'''


def test_constant_scheme_and_host_from_a_constant_is_not_ssrf(repo: GitRepo) -> None:
    repo.write("proxy.py", OUTBOUND)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.rule_id, f.span.start_line) for f in run.findings)
    assert found == [("assay.python.ssrf.taint", 13), ("assay.python.ssrf.taint", 14)]


TYPED_GETTERS = '''\
from flask import Flask, request

app = Flask(__name__)


@app.route("/a")
def converted():
    page = request.args.get("page", 1, type=int)
    return "<p>%s</p>" % page


@app.route("/b")
def converted_list():
    ids = request.args.getlist("id", type=int)
    return "<p>%s</p>" % ids


@app.route("/c")
def as_text():
    page = request.args.get("page", "1", type=str)
    return "<p>%s</p>" % page


@app.route("/d")
def plain():
    return "<p>%s</p>" % request.args.get("page", 1)
'''


def test_a_request_value_converted_on_the_way_out_is_not_tainted(repo: GitRepo) -> None:
    repo.write("views.py", TYPED_GETTERS)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.rule_id, f.span.start_line) for f in run.findings)
    # type=int / type=int lists are numbers; type=str and no type are text
    assert found == [("assay.python.xss.taint", 21), ("assay.python.xss.taint", 26)]


SEGMENTS = '''\
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()
BASE = "/srv/files"


@router.get("/files/{name}")
def one_segment(name: str):
    return open(f"{BASE}/{name}").read()


@router.get("/typed/{name:str}/{n:int}")
def converted(name: str, n):
    return open(f"{BASE}/{name}/{n}").read()


@router.get("/any/{name:path}")
def any_path(name: str):
    return open(f"{BASE}/{name}").read()


@router.get("/query")
def by_query(name: str):
    return open(f"{BASE}/{name}").read()


@router.get("/mixed/{name}")
@router.get("/mixed")
def mixed(name: str = "x"):
    return open(f"{BASE}/{name}").read()


@router.get("/page/{name}", response_class=HTMLResponse)
def page(name: str):
    return f"<h1>{name}</h1>"


class Backups:
    @router.delete("/backups/{file_name}")
    def delete_one(self, file_name: str):
        open(f"{BASE}/{file_name}").close()
'''


def test_a_fastapi_path_parameter_is_one_url_segment(repo: GitRepo) -> None:
    # `{name}` cannot hold `/`: not a path-traversal source, still one for the other rules;
    # `{name:path}`, a query parameter, or a route that takes it from the query are
    found = _semgrep_found(repo, {"api.py": SEGMENTS})
    assert found == [("path-traversal", 20), ("path-traversal", 25), ("path-traversal", 31),
                     ("xss", 36)]


DJANGO_VIEWS = '''\
import os

from django.db import connection
from django.http import FileResponse, HttpResponse

ROOT = "/srv/media"


def by_id(request, pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM item WHERE id = %s" % pk)
    return FileResponse(open(os.path.join(ROOT, str(pk)), "rb"))


def one_segment(request, name):
    return FileResponse(open(os.path.join(ROOT, name), "rb"))


def any_path(request, name):
    return FileResponse(open(os.path.join(ROOT, name), "rb"))


def twice(request, name):
    return FileResponse(open(os.path.join(ROOT, name), "rb"))


def echo(request, name):
    return HttpResponse("<h1>" + name + "</h1>")


def legacy(request, name):
    return FileResponse(open(os.path.join(ROOT, name), "rb"))
'''
DJANGO_URLS = '''\
from django.conf.urls import url
from django.urls import path, re_path

from shop import views

urlpatterns = [
    path("items/<int:pk>/", views.by_id),
    path("media/<str:name>", views.one_segment),
    re_path(r"^files/(?P<name>[-\\w]+)/$", views.one_segment),
    path("raw/<path:name>", views.any_path),
    path("a/<slug:name>/", views.twice),
    re_path(r"^b/(?P<name>.+)$", views.twice),
    path("echo/<str:name>/", views.echo),
    path("legacy/<int:name>/", views.legacy),
]
urlpatterns += [url(r"^old/(?P<name>.*)$", views.legacy)]
'''
AIOHTTP_HANDLERS = '''\
from aiohttp import web

ROOT = "/srv/rooms"


async def room(request):
    return web.Response(text=open(f"{ROOT}/{request.match_info['room']}").read())


async def member(request):
    name = request.match_info.get("name", "")
    return web.Response(text=open(f"{ROOT}/{name}").read())


async def anything(request):
    return web.Response(text=open(f"{ROOT}/{request.match_info['tail']}").read())
'''
AIOHTTP_APP = '''\
from aiohttp import web

from chat import handlers


def make_app():
    app = web.Application()
    app.router.add_get("/rooms/{room}", handlers.room)
    app.router.add_route("GET", "/members/{name}", handlers.member)
    app.add_routes([web.get("/files/{tail:.*}", handlers.anything)])
    return app
'''


def test_route_parameters_from_a_urlconf_or_router(repo: GitRepo) -> None:
    # Django's URLconf converts `<int:pk>` (safe for every rule); `<str:name>`, `<slug:>`
    # and a group without `/` or `.` are one segment (no path traversal, still XSS);
    # `<path:>`, a `.+` group, or one route of several taking a path stay sources. aiohttp's
    # router leaves `{room}` in match_info as one segment; `{tail:.*}` may hold `/`.
    # Attack: a converting route added beside an old `url()` one does not clear the view
    found = _semgrep_found(repo, {"shop/views.py": DJANGO_VIEWS, "shop/urls.py": DJANGO_URLS,
                                  "chat/handlers.py": AIOHTTP_HANDLERS,
                                  "chat/app.py": AIOHTTP_APP})
    assert found == [("path-traversal", 16), ("path-traversal", 20),
                     ("path-traversal", 24), ("path-traversal", 32), ("xss", 28)]


SHARES = '''\
from flask import request


class SolveShare:
    content = "<p>solved</p>"

    def asset(self, name):
        return "<img src='" + name + "'>"


SHARES = {"solve": SolveShare}
ECHOES = {"q": request.args.get("q")}


def get_share(kind):
    return SHARES.get(kind)


def get_echo(kind):
    return ECHOES.get(kind)
'''
SHARE_VIEWS = '''\
from flask import Flask, abort, make_response, request

from shares import get_echo, get_share

app = Flask(__name__)


@app.route("/share/<kind>")
def share(kind):
    share_class = get_share(kind)
    return share_class().content


@app.route("/echo/<kind>")
def echo(kind):
    return get_echo(kind)


@app.route("/asset/<kind>/<name>")
def asset(kind, name):
    if name != "logo.png":
        abort(404)
    return get_share(kind)().asset(name)


@app.route("/asset-wrong/<kind>/<name>")
def asset_wrong(kind, name):
    if name == "logo.png":
        abort(404)
    return get_share(kind)().asset(name)


@app.route("/debug")
def debug():
    r = make_response("agent: " + request.headers.get("User-Agent", ""))
    r.mimetype = "text/plain"
    return r


@app.route("/debug-html")
def debug_html():
    r = make_response("agent: " + request.headers.get("User-Agent", ""))
    r.mimetype = "text/html"
    return r
'''


def test_dispatch_tables_equality_guards_and_a_type_set_afterwards(repo: GitRepo) -> None:
    # a lookup in a table of classes picks code, not data; a value refused unless equal to
    # one expected is that value; a response typed as text is not HTML. Each has its
    # control: a table of request values, the inverted test, a response typed as HTML.
    repo.write("shares.py", SHARES)
    repo.write("views.py", SHARE_VIEWS)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.rule_id.split(".")[2], f.path, f.span.start_line) for f in run.findings
                   if f.path == "views.py")
    assert found == [("xss", "views.py", 16), ("xss", "views.py", 30), ("xss", "views.py", 42)]


CONTAINED = '''\
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter()
DATA = Path("/srv/data")


@router.get("/download")
def download(path: str):
    path = Path(path).resolve()
    if not path.is_relative_to(DATA):
        raise HTTPException(400)
    return FileResponse(path)


@router.get("/read")
def read(path: str):
    return Path(path).read_text()


@router.post("/upload")
def upload(name: str):
    dest = DATA / name
    if dest.absolute().parent != DATA:
        raise HTTPException(400)
    dest.write_bytes(b"")


@router.post("/upload-wrong")
def upload_wrong(name: str):
    dest = DATA / name
    if dest.absolute().parent == DATA:
        raise HTTPException(400)
    dest.write_bytes(b"")


@router.get("/inside")
def inside(path: str):
    path = Path(path).resolve()
    if path.is_relative_to(DATA):
        return FileResponse(path)
    raise HTTPException(404)


@router.get("/inverted")
def inverted(path: str):
    path = Path(path).resolve()
    if path.is_relative_to(DATA):
        raise HTTPException(400)
    return FileResponse(path)
'''


def test_path_computations_and_a_parent_check_are_not_file_access(repo: GitRepo) -> None:
    # `Path(p).resolve()` reads nothing (the containment check after it clears `p`); a
    # path whose absolute parent must be the folder stays in it, as one used only inside
    # the branch that checked it. Controls: a read of a request path, the inverted parent
    # check, a path used after the branch that refuses the contained ones.
    found = _semgrep_found(repo, {"files.py": CONTAINED})
    assert found == [("path-traversal", 20), ("path-traversal", 36), ("path-traversal", 52)]


DJANGO_TEMPLATE = '''\
from django.http import HttpResponse, HttpResponseForbidden
from django.template import loader


def forbidden(request, reason=""):
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"origin": request.META["HTTP_ORIGIN"]}))


def inline(request):
    return HttpResponse(loader.get_template("x.html").render({"q": request.GET["q"]}))


def by_hand(request):
    return HttpResponse("<p>" + request.GET["q"] + "</p>")
'''


def test_a_django_template_file_rendered_by_its_engine_is_escaped(repo: GitRepo) -> None:
    # Django's engine autoescapes what a template file prints; control: HTML by hand
    found = _semgrep_found(repo, {"views.py": DJANGO_TEMPLATE})
    assert found == [("xss", 15)]


CONFIGURED_BASE = '''\
import httpx
import requests
from fastapi import APIRouter, Request

from app.config import settings

router = APIRouter()
REVIEWS_URL = "https://reviews.example.com"


@router.get("/reviews/{ext_id}")
async def reviews(ext_id: str, request: Request):
    query = str(request.query_params)
    async with httpx.AsyncClient() as client:
        await client.get(settings.reviews_url + f"/reviews/{ext_id}?{query}")
    return requests.get(REVIEWS_URL + "/tags/" + ext_id).json()


@router.get("/fetch")
def fetch(url: str):
    return requests.get(settings.proxy_prefix + url).json()
'''


def test_a_configured_base_url_then_a_path_fixes_the_host(repo: GitRepo) -> None:
    # the scheme and host come from settings or a constant; control: no `/` after the base
    repo.write("app/__init__.py", "")
    repo.write("app/config.py", "settings = object()\n")
    found = _semgrep_found(repo, {"app/api.py": CONFIGURED_BASE})
    assert found == [("ssrf", 21)]


SLUGS = '''\
from fastapi import APIRouter
from slugify import slugify
from sqlalchemy import text

router = APIRouter()


@router.get("/recipes/exists")
def exists(session, name: str):
    slug = slugify(name)
    return session.execute(text(f"SELECT id FROM recipes WHERE slug = '{slug}'")).first()


@router.get("/recipes/loose")
def loose(session, name: str):
    slug = slugify(name, regex_pattern=r"[^\\w.'-]+")
    return session.execute(text(f"SELECT id FROM recipes WHERE slug = '{slug}'")).first()


@router.get("/recipes/quoted")
def quoted(session, name: str):
    slug = slugify(name, separator="'")
    return session.execute(text(f"SELECT id FROM recipes WHERE slug = '{slug}'")).first()


@router.get("/recipes/replaced")
def replaced(session, name: str):
    slug = slugify(name, replacements=[["q", "'"]])
    return session.execute(text(f"SELECT id FROM recipes WHERE slug = '{slug}'")).first()
'''


def test_a_slug_holds_letters_digits_and_hyphens(repo: GitRepo) -> None:
    # controls: a slug made with its own pattern, separator or replacements may hold quotes
    found = _semgrep_found(repo, {"api.py": SLUGS})
    assert found == [("sqli", 17), ("sqli", 23), ("sqli", 29)]


def test_django_debug_on_in_a_settings_module(repo: GitRepo) -> None:
    # the settings module that lists the apps switches DEBUG on; controls: a development
    # module built on the base settings, a Flask configuration class, DEBUG from the env
    repo.write("shop/settings.py", 'INSTALLED_APPS = ["shop"]\nDEBUG = True\n')
    repo.write("site/settings/base.py",
               'import os\n\nDEBUG = os.environ.get("DEBUG") == "1"\nINSTALLED_APPS = []\n')
    repo.write("site/settings/dev.py", "from .base import *  # noqa\n\nDEBUG = True\n")
    repo.write("notes/config.py", "class Config:\n    DEBUG = True\n    TESTING = False\n")
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.cwe, f.path, f.span.start_line, f.severity.value) for f in run.findings)
    assert found == [(489, "shop/settings.py", 2, "medium")]


ENUM_SCHEMAS = '''\
import enum
from enum import Enum

from pydantic import BaseModel


class ImageType(str, Enum):
    original = "original.webp"
    small = "min-original.webp"


class Size(enum.IntEnum):
    small = 1
    large = 2


class Status(Enum):
    open = "open"


class Label(BaseModel):
    text: str
'''
ENUM_OTHER = '''\
class Status:
    """Another class of the same name: not an Enum."""
'''
ENUM_API = '''\
from typing import Optional

from fastapi import APIRouter

from schemas import ImageType, Label, Size, Status

router = APIRouter()
BASE = "/srv/images"


@router.get("/image")
def image(kind: ImageType, size: Optional[Size] = None):
    return open(f"{BASE}/{kind.value}/{size}").read()


@router.get("/label")
def label(text: Label):
    return open(f"{BASE}/{text}").read()


@router.get("/status")
def status(state: Status):
    return open(f"{BASE}/{state}").read()
'''


def test_a_route_parameter_typed_by_an_enum_holds_one_of_its_values(repo: GitRepo) -> None:
    # FastAPI accepts only the members' values, also for an Enum of another module;
    # controls: a parameter typed by another class, a class name that is an Enum in one
    # module and not in another
    found = _semgrep_found(repo, {"schemas.py": ENUM_SCHEMAS, "legacy.py": ENUM_OTHER,
                                  "api.py": ENUM_API})
    assert found == [("path-traversal", 18), ("path-traversal", 23)]


FAKE_ENUM = '''\
class Enum(str):
    """Named like the standard library's Enum; accepts any string."""


class Folder(Enum):
    pass
'''
FAKE_ENUM_API = '''\
from fastapi import APIRouter

from kinds import Folder

router = APIRouter()


@router.get("/open")
def read(folder: Folder):
    return open(f"/srv/{folder}").read()
'''


def test_a_class_named_enum_in_the_tree_makes_no_parameter_safe(repo: GitRepo) -> None:
    # attack: a pull request defines its own `Enum` (any string passes) or ships an
    # `enum` module that shadows the standard library's, to hide a path traversal
    assert _semgrep_found(repo, {"kinds.py": FAKE_ENUM, "api.py": FAKE_ENUM_API}) == [
        ("path-traversal", 10)]
    shadow = FAKE_ENUM.replace('class Enum(str):\n    """Named like the standard library\'s '
                               'Enum; accepts any string."""\n\n\n', "from enum import Enum\n\n\n")
    assert _semgrep_found(repo, {"enum.py": "class Enum(str):\n    pass\n",
                                 "kinds.py": shadow}) == [("path-traversal", 10)]
    # control: the standard library's Enum (no `enum` module in the tree) is trusted
    repo.git("rm", "-q", "enum.py")
    assert _semgrep_found(repo, {"kinds.py": shadow}) == []


EQUAL_TO_REQUEST = '''\
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/a")
def a():
    name = request.args["name"]
    if name != request.args["again"]:
        abort(400)
    return "<p>" + name + "</p>"


@app.route("/b")
def b():
    name = request.args["name"]
    other = request.args["again"]
    if name != other:
        abort(400)
    return "<p>" + name + "</p>"
'''


def test_equal_to_another_request_value_is_no_guard(repo: GitRepo) -> None:
    # attack: "refused unless equal" to a value the attacker also sends hides nothing
    assert _semgrep_found(repo, {"views.py": EQUAL_TO_REQUEST}) == [("xss", 11), ("xss", 20)]



GUARDED_REDIRECTS = '''\
from urllib.parse import urlparse

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


def is_safe_redirect(target):
    parts = urlparse(target)
    return not parts.netloc and not parts.scheme


def shout(target):
    return target.upper()


@app.route("/a")
def a():
    t = request.args.get("next", "/")
    return redirect(t if is_safe_redirect(t) else url_for("index"))


@app.route("/b")
def b():
    t = request.args.get("next", "/")
    return redirect("/" if not is_safe_redirect(t) else t)


@app.route("/c")
def c():
    t = request.args.get("next", "/")
    return redirect(t if is_safe_redirect(t) else request.args["other"])


@app.route("/d")
def d():
    t = request.args.get("next", "/")
    return redirect(t if shout(t) else "/")
'''


def test_a_project_guard_in_a_conditional_expression(repo: GitRepo) -> None:
    # `t if is_safe(t) else "/"` (or the negated form) clears `t`; the other branch must be
    # a literal or a URL the application builds (a second request value is still reported),
    # and a helper that checks nothing is no guard
    found = _semgrep_found(repo, {"views.py": GUARDED_REDIRECTS})
    assert found == [("open-redirect", 32), ("open-redirect", 38)]


def test_a_route_elsewhere_cannot_clear_a_view_of_the_same_name(repo: GitRepo) -> None:
    # attack: a pull request adds a converting route (a URLconf entry, or a second view of
    # the same name) for a view whose own route takes a path: every route of the name
    # must agree, whatever declares it
    files = {
        "web/files.py": ("from flask import Flask\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/f/<path:name>')\ndef download(name):\n"
                         "    return open('/srv/' + name).read()\n"),
        "web/other.py": ("from flask import Flask\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/o/<int:name>')\ndef download(name):\n"
                         "    return str(name)\n"),
        "shop/urls.py": ("from django.urls import path\n\nfrom web import files\n\n"
                         "urlpatterns = [path('x/<int:name>/', files.download)]\n"),
    }
    assert _semgrep_found(repo, files) == [("path-traversal", 8), ("xss", 8)]


CLASS_VIEWS = '''\
import os

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import generic


class Page(LoginRequiredMixin, generic.DetailView):
    def get_object(self):
        os.system("ls " + self.kwargs["slug"])


class Field:
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def run(self):
        os.system("ls " + self.kwargs["cmd"])

    def options(self):
        return self.kwargs


def build(field: Field) -> None:
    os.system("ls " + field.options()["cmd"])
'''


def test_self_kwargs_is_request_data_in_class_based_views_only(repo: GitRepo) -> None:
    """A class-based view's (or its mixin's) `self.kwargs` are the URL's keyword
    arguments; another class's are its own (a field's, a deconstructible object's), and a
    method returning them is no source helper (on Django's own tree such a class named in
    a large test module's class attributes kept the module whole)."""
    assert _semgrep_found(repo, {"views.py": CLASS_VIEWS}) == [("command-injection", 9)]


AIOHTTP_FILES = '''\
import xml.sax
from xml.sax.handler import feature_external_ges

from aiohttp import web

import settings


async def download(request):
    return web.FileResponse(settings.MEDIA_ROOT / request.query["file"])


async def fixed_name(request):
    return web.FileResponse(settings.MEDIA_ROOT / "logo.png")


async def upload(request):
    reader = await request.multipart()
    field = await reader.next()
    with open(settings.UPLOAD_ROOT / field.filename, "wb") as out:
        out.write(await field.read())


async def transcript(request):
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.feed(await request.read())


async def transcript_safe(request):
    parser = xml.sax.make_parser()
    parser.feed(await request.read())
'''


def test_aiohttp_files_uploads_and_incremental_xml(repo: GitRepo) -> None:
    # web.FileResponse is a file sink; a multipart field's file name is request data;
    # a SAX parser fed the body after external entities were switched on reads them
    assert _semgrep_found(repo, {"media.py": AIOHTTP_FILES}) == [
        ("path-traversal", 10), ("path-traversal", 20), ("xxe", 27)]


DEBUG_ENTRY = '''\
import asyncio

from notes import create_app

app = create_app()


async def main():
    await asyncio.sleep(0)

if __name__ == "__main__":
    asyncio.run(main(), debug=True)
    app.run(debug=True)
    app.run(debug=False)
'''


def test_an_application_made_elsewhere_run_in_debug_mode(repo: GitRepo) -> None:
    # Bandit's B201 needs Flask imported in the file; an entry point importing the app
    # (factory) is where debug mode is switched on. asyncio's debug mode is no such thing.
    assert _semgrep_found(repo, {"wsgi.py": DEBUG_ENTRY}) == [("debug-enabled", 13)]


PREVIEWS = '''\
import requests
from flask import Blueprint, request

from services import echo, preview

bp = Blueprint("api", __name__)


@bp.post("/preview")
def link_preview():
    return preview(request.get_json()["url"])


@bp.post("/echo")
def link_echo():
    return echo(request.get_json()["url"])
'''
SERVICES = '''\
from urllib.parse import quote

import requests

API = "https://api.linkpreview.example.com/v1/preview"


def preview(url):
    return requests.get(f"{API}?q={quote(url)}", timeout=5).json()


def echo(url):
    return "<a href='%s'>link</a>" % url
'''


def test_a_helper_returning_what_an_http_call_returns_is_not_request_data(
        repo: GitRepo) -> None:
    # the rule trusts `requests.<method>(...)` (written with a metavariable): a helper whose
    # parameter reaches its return only through one returns the other server's answer
    found = _semgrep_found(repo, {"api.py": PREVIEWS, "services.py": SERVICES})
    assert found == [("xss", 16)]


WHOLE_COMMANDS = '''\
import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


def run_tool(argv):
    return subprocess.run(argv, capture_output=True)


@app.route("/run")
def run():
    return subprocess.run(request.args["cmd"], capture_output=True).stdout


@app.route("/split")
def split():
    return subprocess.check_output(shlex.split(request.args["cmd"]))


@app.route("/named")
def named():
    cmd = request.form["cmd"]
    return subprocess.check_output(cmd)


@app.route("/listed")
def listed():
    argv = ["ls", "-l", request.args["dir"]]
    return subprocess.check_output(argv)


@app.route("/extended")
def extended():
    return subprocess.check_output(["ls"] + [request.args["dir"]])


@app.route("/helper")
def helper():
    return run_tool(["convert", request.args["size"], "out.png"]).stdout


@app.route("/rebound")
def rebound():
    argv = ["true"]
    if request.args.get("custom"):
        argv = request.args["cmd"]
    return subprocess.check_output(argv)


@app.route("/relisted")
def relisted():
    argv = ["ls"]
    argv = ["ls", request.args["dir"]]
    return subprocess.check_output(argv)
'''


def test_a_whole_command_from_the_request_is_command_injection(repo: GitRepo) -> None:
    # run without a shell, a command taken whole (a string, or its split) chooses the
    # program; a list written with its program, in place or bound to a name, takes
    # the request value as an argument only (no command-injection finding). Attack: a
    # name bound to a list first and to a whole command after it is not hidden by the
    # list (control: bound to another list)
    found = _semgrep_found(repo, {"app.py": WHOLE_COMMANDS})
    assert [line for family, line in found if family == "command-injection"] == [
        15, 20, 26, 50]


INLINE_TEMPLATES = '''\
from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/a")
def marked_safe():
    name = request.args.get("name", "")
    return render_template_string("<p>{{ name|safe }}</p>", name=name)


@app.route("/b")
def escaping_off():
    name = request.args.get("name", "")
    return render_template_string(
        "{% autoescape false %}<p>{{ name }}</p>{% endautoescape %}", name=name)


@app.route("/c")
def escaped():
    name = request.args.get("name", "")
    return render_template_string("<p>{{ name }}</p>", name=name)


@app.route("/d")
def safe_constant():
    return render_template_string("<p>{{ banner|safe }}</p>", banner="<b>hi</b>")
'''


def test_an_inline_template_that_marks_a_variable_safe(repo: GitRepo) -> None:
    # an inline template with `|safe` or escaping off, rendered with request data, is
    # XSS at the call; one that escapes, or fed a constant, is not
    found = _semgrep_found(repo, {"app.py": INLINE_TEMPLATES})
    assert [line for family, line in found if family.startswith("xss")] == [9, 16]


CHARCLASS_CHOICES = '''\
import re
import subprocess

from flask import Flask, request

app = Flask(__name__)
NUMBER = re.compile(r"\\\\d+")


@app.route("/a")
def ternary():
    n = request.args.get("n", "")
    v = n if n.isdigit() else "1"
    subprocess.run("sleep " + v, shell=True)


@app.route("/b")
def block():
    n = request.args.get("n", "")
    if n.isdigit():
        subprocess.run("sleep " + n, shell=True)


@app.route("/c")
def regex_ternary():
    n = request.args.get("n", "")
    v = "1" if not NUMBER.fullmatch(n) else n
    subprocess.run("sleep " + v, shell=True)


@app.route("/d")
def printable():
    n = request.args.get("n", "")
    if n.isprintable():
        subprocess.run("sleep " + n, shell=True)
    v = n if n.isprintable() else "1"
    subprocess.run("sleep " + v, shell=True)
'''


def test_a_character_class_test_choosing_the_value_or_holding_its_block(
        repo: GitRepo) -> None:
    # digits only, chosen by a conditional expression or held by the block it is used
    # in, reach the shell as digits; a test that lets any printable character through
    # holds nothing (control)
    found = _semgrep_found(repo, {"app.py": CHARCLASS_CHOICES})
    assert [line for family, line in found if family == "command-injection"] == [35, 37]


PATH_GUARDS = '''\
import os
from pathlib import Path

from flask import Flask, abort, request, send_file

app = Flask(__name__)
BASE = "/srv/files"
UPLOADS = Path("/srv/uploads")


@app.route("/a")
def table():
    names = {"a": "a.txt", "b": "b.txt"}
    return send_file(os.path.join(BASE, names.get(request.args["f"], "a.txt")))


@app.route("/b")
def normalized():
    name = os.path.normpath(request.args["f"])
    if name.startswith("..") or os.path.isabs(name):
        abort(400)
    return send_file(os.path.join(BASE, name))


@app.route("/c")
def relative():
    target = (UPLOADS / request.args["f"]).resolve()
    try:
        target.relative_to(UPLOADS)
    except ValueError:
        abort(403)
    return send_file(target)


@app.route("/d")
def table_with_request_data():
    names = {"a": request.args["g"], "b": "b.txt"}
    return send_file(os.path.join(BASE, names.get(request.args["f"], "a.txt")))


@app.route("/e")
def table_changed():
    names = {"a": "a.txt"}
    names["b"] = request.args["g"]
    return send_file(os.path.join(BASE, names.get(request.args["f"], "a.txt")))


@app.route("/f")
def default_from_request():
    names = {"a": "a.txt"}
    return send_file(os.path.join(BASE, names.get(request.args["f"], request.args["g"])))


@app.route("/g")
def climbing_only():
    name = os.path.normpath(request.args["f"])
    if name.startswith(".."):
        abort(400)
    return send_file(os.path.join(BASE, name))


@app.route("/h")
def both_needed():
    name = os.path.normpath(request.args["f"])
    if name.startswith("..") and os.path.isabs(name):
        abort(400)
    return send_file(os.path.join(BASE, name))


@app.route("/i")
def relative_not_leaving():
    target = (UPLOADS / request.args["f"]).resolve()
    try:
        target.relative_to(UPLOADS)
    except ValueError:
        pass
    return send_file(target)
'''


def test_path_guards_a_literal_table_a_normalized_check_and_relative_to(
        repo: GitRepo) -> None:
    # a lookup in a table of literals, a normalized path refused when it climbs out or
    # is absolute, `relative_to` that raises before use: no path traversal. Controls: a
    # table holding or given request data, a request default, one test of the two (or
    # both required at once), a handler that does not leave
    found = _semgrep_found(repo, {"app.py": PATH_GUARDS})
    assert [line for family, line in found if family == "path-traversal"] == [
        38, 45, 51, 59, 67, 77]


PANDAS_QUERIES = '''\
import sqlite3

import pandas as pd
from flask import Flask, request

app = Flask(__name__)


@app.route("/a")
def bound():
    conn = sqlite3.connect("app.db")
    return pd.read_sql("SELECT * FROM t WHERE a = ?", conn, params=(request.args["a"],)).to_json()


@app.route("/b")
def built():
    conn = sqlite3.connect("app.db")
    return pd.read_sql(f"SELECT * FROM t WHERE a = '{request.args['a']}'", conn).to_json()
'''


def test_pandas_query_parameters_are_bound_and_its_text_is_a_sink(repo: GitRepo) -> None:
    # a value bound as a parameter of pandas' read_sql neither injects nor taints the
    # frame it returns; one written into the query's text is SQL injection (and its
    # result, returned as HTML, carries it)
    found = _semgrep_found(repo, {"app.py": PANDAS_QUERIES})
    assert [(family, line) for family, line in found] == [("sqli", 18), ("xss", 18)]


COMPREHENSIONS = '''\
import os
import sqlite3

from flask import Flask, request, send_file
from werkzeug.utils import safe_join

app = Flask(__name__)


@app.route("/a")
def generator():
    items = request.args.getlist("i")
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


@app.route("/b")
def listed():
    rows = [x.strip() for x in request.args.getlist("i") if x]
    return "<p>" + rows[0] + "</p>"


@app.route("/c")
def numbers():
    ids = [int(x) for x in request.args.getlist("id")]
    conn = sqlite3.connect("app.db")
    conn.execute("DELETE FROM t WHERE id IN (" + ",".join(str(i) for i in ids) + ")")
    return "<p>" + str(len([len(x) for x in request.args.getlist("i")])) + "</p>"


@app.route("/d/<theme>/<path:path>")
def candidates(theme, path):
    for candidate in (safe_join("/srv/themes", name, path) for name in (theme, "core")):
        if candidate is not None and os.path.isfile(candidate):
            return send_file(candidate)
    return "none"
'''


def test_a_comprehension_carries_the_taint_of_what_it_iterates(repo: GitRepo) -> None:
    # items of request data written into markup through a comprehension are XSS; items
    # converted to numbers first are not SQL injection, nor are their lengths markup,
    # nor are paths a sanitizer made from them path traversal
    found = _semgrep_found(repo, {"app.py": COMPREHENSIONS})
    assert found == [("xss", 13), ("xss", 19)]


SESSIONS = '''\
from typing import Optional

import aiohttp
from aiohttp import web
from sqlalchemy.orm import Session


class Fetcher:
    def __init__(self) -> None:
        self._session: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None
        return self._session

    async def get_text(self, url: str) -> str:
        async with self.session.get(url) as resp:
            return await resp.text()


async def by_param(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as resp:
        return await resp.text()


def by_db(db: Session, key):
    return db.get(key, 1)


fetcher = Fetcher()


async def preview(request: web.Request) -> web.Response:
    url = request.query["u"]
    await fetcher.get_text(url)
    await by_param(request.app["http"], url)
    by_db(request.app["db"], url)
    client: aiohttp.ClientSession = request.app["http"]
    async with client.get(url) as resp:
        return web.Response(text=str(resp.status))


async def database(request: web.Request, db: Session) -> web.Response:
    return web.Response(text=str(db.get(request.query["model"], 1)))
'''
REDIRECTS = '''\
from typing import Optional

from aiohttp import web


def after_login(target: Optional[str]) -> web.HTTPFound:
    return web.HTTPFound(target or "/")


def see_other(target):
    return web.HTTPSeeOther(location=target)


async def login(request: web.Request) -> web.Response:
    raise after_login(request.query.get("next"))


async def logout(request: web.Request) -> web.Response:
    raise see_other(request.query["next"])


async def home(request: web.Request) -> web.Response:
    raise after_login("/home")
'''


def test_client_sessions_are_known_by_their_annotations(repo: GitRepo) -> None:
    # a session typed as one (a parameter, a local name, an attribute set to None
    # besides, a property) sends a request to the URL it is given, in the handler and
    # through helpers; a database session's `get` is no request
    found = _semgrep_found(repo, {"app.py": SESSIONS})
    assert found == [("ssrf", 42), ("ssrf", 43), ("ssrf", 46)]


SESSION_FORMS = '''\
from typing import Optional

import httpx
import requests
from flask import Flask, request

app = Flask(__name__)


def fetch_maybe(client: Optional[httpx.Client], url: str):
    return client.get(url)


def fetch_union(session: requests.Session | None, url: str):
    return session.get(url)


def fetch_dict(cache: dict[str, requests.Session], url: str):
    return cache.get(url)


@app.route("/p")
def preview():
    url = request.args["u"]
    fetch_maybe(None, url)
    fetch_union(None, url)
    fetch_dict({}, url)
    return "ok"
'''


def test_each_written_form_of_a_session_annotation_is_a_client(repo: GitRepo) -> None:
    # `Optional[...]` and `... | None` are a client session; a mapping of sessions is
    # none (its `get` looks a key up)
    found = _semgrep_found(repo, {"app.py": SESSION_FORMS})
    assert found == [("ssrf", 25), ("ssrf", 26)]


HANDED_MAIN = '''\
import asyncio
from concurrent.futures import ThreadPoolExecutor

from fastapi import BackgroundTasks, FastAPI

from app.hooks import Syncer, fetch_title, ping
from app.tasks import crawl

app = FastAPI()
pool = ThreadPoolExecutor(2)
syncer = Syncer()


@app.post("/bookmarks")
def add(url: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(fetch_title, url)
    background_tasks.add_task(fetch_title, "https://example.com/")
    return {"ok": True}


@app.post("/ping")
async def do_ping(host: str):
    pool.submit(ping, host)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, fetch_title, host)
    await asyncio.to_thread(fetch_title, url=host)
    crawl.delay(host)
    return {"ok": True}


@app.post("/sync")
def sync(url: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(syncer.pull_catalog, 1, url)
    background_tasks.add_task(syncer.pull_catalog, url, "https://example.com/")
    return {"ok": True}
'''
HANDED_HOOKS = '''\
import subprocess

import requests


def fetch_title(url):
    return requests.get(url, timeout=5).text[:100]


def ping(host):
    return subprocess.run("ping -c 1 " + host, shell=True, check=False)


class Syncer:
    def pull_catalog(self, supplier_id, url):
        return requests.get(url, timeout=5).json()
'''
HANDED_TASKS = '''\
import requests
from celery import shared_task


@shared_task
def crawl(url):
    requests.get(url, timeout=5)
'''


def test_a_helper_handed_to_a_runner_is_called_with_the_arguments_handed(
        repo: GitRepo) -> None:
    # a background task, an executor, the event loop's pool, a thread, a task queue:
    # each calls the sink wrapper (a function, a method) it is handed with the view's
    # data at the wrapper's place; a constant handed the same way is no finding
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/main.py": HANDED_MAIN,
                                  "app/hooks.py": HANDED_HOOKS, "app/tasks.py": HANDED_TASKS})
    assert found == [("command-injection", 23), ("ssrf", 16), ("ssrf", 25), ("ssrf", 26),
                     ("ssrf", 27), ("ssrf", 33)]


def test_aiohttp_redirects_through_helpers(repo: GitRepo) -> None:
    # `web.HTTPFound(...)` made in a helper from its parameter (by position or
    # `location=`) is an open redirect where request data is passed to the helper
    found = _semgrep_found(repo, {"app.py": REDIRECTS})
    assert found == [("open-redirect", 15), ("open-redirect", 19)]


MULTIPART_UPLOADS = '''\
import pickle

from aiohttp import web


async def _single_upload(request: web.Request, field: str = "file") -> bytes:
    reader = await request.multipart()
    part = await reader.next()
    while part is not None and part.name != field:
        part = await reader.next()
    if part is None:
        raise web.HTTPBadRequest(text="missing upload")
    return bytes(await part.read(decode=False))


async def _body(request: web.Request) -> str:
    return await request.text()


def restore(blob: bytes) -> list:
    return pickle.loads(blob)


async def restore_backup(request: web.Request) -> web.Response:
    return web.json_response(restore(await _single_upload(request, "backup")))


async def restore_text(request: web.Request) -> web.Response:
    return web.json_response(restore((await _body(request)).encode()))
'''
REPLACED_REDIRECTS = '''\
from typing import Optional

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def go_back(request, target: Optional[str], fallback: str) -> HttpResponseRedirect:
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


@require_POST
def checked(request):
    return go_back(request, request.POST.get("next"), "/")


@require_POST
def fallback_from_the_request(request):
    return go_back(request, "/", request.POST.get("next"))
'''


def test_aiohttp_request_bodies_read_in_helpers_are_request_data(repo: GitRepo) -> None:
    # `await request.multipart()` / `request.text()` in a helper: what it returns is a
    # source where the helper is called
    found = _semgrep_found(repo, {"app.py": MULTIPART_UPLOADS})
    assert found == [("unsafe-deserialization", 25), ("unsafe-deserialization", 29)]


def test_a_check_failing_into_a_replacement_guards_the_checked_value(repo: GitRepo) -> None:
    # `if not url_has_allowed_host_and_scheme(target, ...): target = fallback` clears
    # what `target` held on the way in; the replacement flows on as itself. The helper
    # is given the views' `request`: its other parameters are what they pass, not the
    # URL's parts of a Django view (its `fallback` was reported as request data)
    found = _semgrep_found(repo, {"views.py": REPLACED_REDIRECTS})
    assert found == [("open-redirect", 21)]


DERIVED_TABLES = '''\
import math

from flask import Flask, jsonify, request

app = Flask(__name__)

FORMULAS = {"c_to_f": "x * 9 / 5 + 32", "deg_to_rad": "x * pi / 180"}
COMPILED = {name: compile(expr, name, "eval") for name, expr in FORMULAS.items()}


@app.route("/convert/<name>")
def convert(name):
    code = COMPILED.get(name)
    if code is None:
        return jsonify({"error": "unknown"}), 404
    x = float(request.args.get("value", "0"))
    return jsonify(eval(code, {"__builtins__": {}}, {"x": x, "pi": math.pi}))


@app.route("/raw/<name>")
def raw(name):
    return jsonify(eval(compile(request.args["expr"], name, "eval")))
'''


def test_a_table_the_module_makes_of_constants_is_constant(repo: GitRepo) -> None:
    # a lookup in a comprehension over a constant table picks what the module made, not
    # request data; compiling the request's own text is still code injection
    found = _semgrep_found(repo, {"app.py": DERIVED_TABLES})
    assert found == [("code-injection", 22)]


GIVEN_HOSTS = '''\
from typing import Iterable
from urllib.parse import urlsplit

import requests
from flask import Flask, request

app = Flask(__name__)
PARTNERS = ("a.example",)


def partner_json(url: str, allowed_hosts: Iterable[str]):
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in frozenset(allowed_hosts):
        raise ValueError(url)
    return requests.get(url, timeout=5).json()


def unchecked(url: str, allowed_hosts: Iterable[str]):
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ValueError(url)
    return requests.get(url, timeout=5).json()


@app.route("/p")
def p():
    return partner_json(request.args["u"], PARTNERS)


@app.route("/q")
def q():
    return unchecked(request.args["u"], PARTNERS)
'''


def test_a_host_checked_against_a_list_the_caller_gives(repo: GitRepo) -> None:
    # `hostname not in frozenset(allowed_hosts)` of a parameter is an allow-list check
    # (the caller's policy); a scheme check alone is none
    found = _semgrep_found(repo, {"app.py": GIVEN_HOSTS})
    assert found == [("ssrf", 32)]


def test_a_query_run_by_an_inherited_method_is_followed(repo: GitRepo) -> None:
    # `self.run(sql)` in `CommentDAO(BaseDAO)` is `BaseDAO.run`, whose argument reaches
    # the cursor: the subclass's method building the SQL from its parameter is a wrapper
    files = {"app/__init__.py": "",
             "app/base.py": "class BaseDAO:\n    def __init__(self, conn):\n"
                            "        self.conn = conn\n\n    def run(self, sql):\n"
                            "        return self.conn.execute(sql)\n",
             "app/comments.py": "from app.base import BaseDAO\n\n\n"
                                "class CommentDAO(BaseDAO):\n"
                                "    def search(self, term):\n"
                                "        return self.run(\"SELECT 1 WHERE b LIKE '%\" + term\n"
                                "                        + \"%'\")\n"
                                "\n    def count(self, term):\n"
                                "        return self.run(\"SELECT count(*) FROM c\")\n",
             "app/views.py": "import sqlite3\n\nfrom flask import Flask, request\n\n"
                             "from app.comments import CommentDAO\n\napp = Flask(__name__)\n"
                             "dao = CommentDAO(sqlite3.connect(\"x.db\"))\n\n\n"
                             "@app.route(\"/s\")\ndef search():\n"
                             "    dao.count(request.args[\"q\"])\n"
                             "    return {\"n\": len(dao.search(request.args[\"q\"]))}\n"}
    found = _semgrep_found(repo, files)
    assert [line for rule, line in found if rule == "sqli"] == [14]


CHOSEN_IF_LOCAL = {
    "app/__init__.py": "",
    "app/web.py": '''\
from urllib.parse import urlparse

from fastapi.responses import RedirectResponse


def is_local_url(target: str) -> bool:
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    parsed = urlparse(target)
    return not parsed.scheme and not parsed.netloc


def safe_redirect(target: str, fallback: str = "/") -> RedirectResponse:
    return RedirectResponse(url=target if is_local_url(target) else fallback)
''',
    "app/views.py": '''\
from fastapi import FastAPI

from app.web import safe_redirect

app = FastAPI()


@app.get("/logout")
def logout(return_to: str = "/items"):
    return safe_redirect(return_to, fallback="/items")


@app.get("/fallback")
def fallback(target: str = "/"):
    return safe_redirect("/items", fallback=target)
''',
}


def test_a_helper_choosing_a_value_only_when_its_predicate_holds(repo: GitRepo) -> None:
    # `target if is_local_url(target) else fallback` in a helper: the checked value does
    # not reach the redirect unchecked; the fallback, chosen from the request, does
    found = _semgrep_found(repo, CHOSEN_IF_LOCAL)
    assert found == [("open-redirect", 15)]


INSIDE_THE_CHECK = {
    "forum/__init__.py": "",
    "forum/security.py": '''\
from urllib.parse import urljoin, urlparse

from flask import redirect, request, url_for

HOSTS = ("forum.example",)


def is_safe_url(target):
    if not target:
        return False
    host = urlparse(request.host_url)
    candidate = urlparse(urljoin(request.host_url, target))
    return candidate.scheme in ("http", "https") and candidate.netloc == host.netloc


def back(target, endpoint="index"):
    if is_safe_url(target):
        return redirect(target)
    return redirect(url_for(endpoint))


def partner(target):
    if urlparse(target).hostname in HOSTS:
        return redirect(target)
    return redirect("/")


def after_the_block(target):
    if is_safe_url(target):
        print("checked")
    return redirect(target)
''',
    "forum/views.py": '''\
from flask import Flask, request

from forum.security import after_the_block, back, partner

app = Flask(__name__)


@app.route("/a", methods=["POST"])
def a():
    return back(request.form.get("next"))


@app.route("/b", methods=["POST"])
def b():
    return partner(request.form.get("next"))


@app.route("/c", methods=["POST"])
def c():
    return after_the_block(request.form.get("next"))
''',
}


def test_a_sink_in_the_block_of_a_passing_check_is_guarded(repo: GitRepo) -> None:
    # `if is_safe_url(target): return redirect(target)` in a helper (a project
    # predicate), `if urlparse(t).hostname in HOSTS:` inline; a sink after the block is not
    found = _semgrep_found(repo, INSIDE_THE_CHECK)
    assert found == [("open-redirect", 20)]


RENDERED_NOTICE = {
    "forum/__init__.py": "",
    "forum/templates/page.html": "<main>{{ notice|safe }}</main>\n",
    "forum/app.py": '''\
from flask import Flask, render_template, render_template_string, request

app = Flask(__name__)
NOTICE = "<div class='{{ level }}'><b>{{ title }}</b> {{ message }}</div>"


def render_notice(title, message, level="info"):
    return render_template_string(NOTICE, title=title, message=message, level=level)


def raw_notice(title):
    return "<b>" + title + "</b>"


@app.route("/a", methods=["POST"])
def a():
    notice = render_notice("done", request.form.get("out", ""))
    return render_template("page.html", notice=notice)


@app.route("/b", methods=["POST"])
def b():
    return render_template("page.html", notice=raw_notice(request.form.get("out", "")))
''',
}


def test_markup_a_helper_renders_through_an_autoescaping_template_is_escaped(
        repo: GitRepo) -> None:
    # `render_template_string(NOTICE, message=...)` escapes what it renders: the notice
    # passed on to `{{ notice|safe }}` is markup, not request data (the view at line 18);
    # a notice built by concatenation is (the view at line 23)
    found = _semgrep_found(repo, RENDERED_NOTICE)
    assert found == [("xss-template", 1)]
    run = scan(repo.path, scanners=["semgrep"]).run
    assert [f.message.count("forum/app.py:23") for f in run.findings] == [1]
    assert not any("forum/app.py:18" in f.message for f in run.findings)


MODEL_FIELDS = {
    "app/__init__.py": "",
    "app/schemas.py": '''\
from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel, Field


class ReportKind(str, Enum):
    stock = "stock"
    value = "value"


class ReportPreview(BaseModel):
    kind: ReportKind = ReportKind.stock
    limit: int = Field(100, ge=1)
    order: Literal["asc", "desc"] = "asc"
    expression: Optional[str] = None
''',
    "app/main.py": '''\
import sqlite3

from fastapi import FastAPI

from app.schemas import ReportPreview

app = FastAPI()


@app.post("/direct")
def direct(payload: ReportPreview):
    conn = sqlite3.connect("x.db")
    conn.execute(f"SELECT * FROM report_{payload.kind.value} LIMIT {payload.limit}")
    conn.execute(f"SELECT * FROM t ORDER BY id {payload.order}")
    return conn.execute(f"SELECT * FROM t WHERE {payload.expression}").fetchall()
''',
}


def test_model_fields_holding_values_are_no_text(repo: GitRepo) -> None:
    # a field of the body's pydantic model typed as a number, a Literal or an Enum was
    # validated by FastAPI: it holds a value; a text field is request data
    found = _semgrep_found(repo, MODEL_FIELDS)
    assert found == [("sqli", 15)]


CLASS_VIEW_CALLED = '''\
from django.http import HttpResponse
from django.views import View


def render_page(request, body):
    return HttpResponse("<main>" + body + "</main>")


def page(request, slug):
    return render_page(request, "<h1>Pages</h1>")


class ParamsView(View):
    def get(self, request, pk):
        return HttpResponse(f"Params: {pk}")

    def head(self, request, pk):
        return self.get(request, pk)
'''


def test_a_method_given_the_request_is_still_a_view(repo: GitRepo) -> None:
    # `render_page(request, body)` is a helper (its `body` is what views pass: a
    # literal); a class-based view's `get`, also called with the request by `head`,
    # keeps its URL parameter as request data (`head` passing its own on to it too)
    found = _semgrep_found(repo, {"views.py": CLASS_VIEW_CALLED})
    assert found == [("xss", 15), ("xss", 18)]


ROUTED_AND_CALLED = {
    "shop/__init__.py": "",
    "shop/views.py": '''\
from django.http import HttpResponse


def show(request, name):
    return HttpResponse("<p>" + name + "</p>")


def legacy(request):
    return show(request, "home")
''',
    "shop/urls.py": '''\
from django.urls import path

from shop import views

urlpatterns = [path("show/<str:name>/", views.show), path("legacy/", views.legacy)]
''',
}


def test_a_routed_view_another_function_calls_is_still_a_view(repo: GitRepo) -> None:
    # attack: a call of a vulnerable view passing it the request (`legacy` calling
    # `show(request, "home")`) must not make it a helper and hide its URL parameter:
    # a function a route registers stays a view
    found = _semgrep_found(repo, ROUTED_AND_CALLED)
    assert ("xss", 5) in found
    unrouted = {**ROUTED_AND_CALLED, "shop/urls.py": "urlpatterns = []\n"}
    repo.write("shop/urls.py", "urlpatterns = []\n")
    assert ("xss", 5) not in _semgrep_found(repo, unrouted)


XML_APP = '''\
from flask import Flask, request

from reader import read_closed, read_closed_kw, read_open

app = Flask(__name__)


@app.post("/a")
def a():
    read_closed(request.data)
    read_closed_kw(request.data)
    read_open(request.data)
    return "ok"
'''
XML_READER = '''\
from lxml import etree


def read_closed(data):
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def read_closed_kw(data):
    return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))


def read_open(data):
    return etree.fromstring(data, parser=etree.XMLParser(load_dtd=True))
'''


def test_a_helper_parsing_with_a_closed_parser_made_in_place_is_no_xxe_wrapper(
        repo: GitRepo) -> None:
    # the parser made in the call's arguments, by position or keyword, resolves no
    # entities: no wrapper; one made without `resolve_entities=False` is one
    found = _semgrep_found(repo, {"app.py": XML_APP, "reader.py": XML_READER})
    assert found == [("xxe", 12)]


HOSTS_APP = '''\
from urllib.parse import urlsplit

import requests
from flask import Flask, request

app = Flask(__name__)


class Client:
    def __init__(self):
        self.session = requests.Session()

    def get_listed(self, url, allowed_hosts):
        parts = urlsplit(url)
        if parts.hostname.lower() not in {host.lower() for host in allowed_hosts}:
            raise ValueError(parts.hostname)
        return self.session.get(url, timeout=5)

    def get_unlisted(self, url, allowed_hosts):
        parts = urlsplit(url)
        if parts.hostname.lower() not in {url for host in allowed_hosts}:
            raise ValueError(parts.hostname)
        return self.session.get(url, timeout=5)


@app.post("/b")
def b():
    Client().get_listed(request.form["u"], ["example.com"])
    Client().get_unlisted(request.form["u"], ["example.com"])
    return "ok"
'''


def test_a_host_checked_against_a_comprehension_of_the_given_hosts_is_allowed(
        repo: GitRepo) -> None:
    # `{h.lower() for h in allowed_hosts}` holds the caller's hosts; a comprehension
    # whose elements are not the list's own (here the URL) allows anything
    found = _semgrep_found(repo, {"app.py": HOSTS_APP})
    assert found == [("ssrf", 29)]


DJANGO_DOWNLOADS = '''\
import os

from django.core.files.storage import default_storage
from django.http import FileResponse

ROOT = "/srv/archives"


def download(request):
    name = request.GET["name"]
    return FileResponse(default_storage.open(name), as_attachment=True, filename=name)


def raw(request):
    name = request.GET["name"]
    return FileResponse(open(os.path.join(ROOT, name), "rb"))
'''


def test_djangos_file_response_takes_an_open_file_not_a_path(repo: GitRepo) -> None:
    # the file the storage opens (its own business, whatever name it is given) and the
    # name as the download's name are no path; an open of the joined name is one
    found = _semgrep_found(repo, {"downloads/views.py": DJANGO_DOWNLOADS})
    assert found == [("path-traversal", 16)]


JINJA_ENVIRONMENTS = '''\
from flask import Flask, request
from jinja2 import Environment, FileSystemLoader

from mail import send

app = Flask(__name__)
raw_env = Environment(loader=FileSystemLoader("mail"), autoescape=False)
html_env = Environment(loader=FileSystemLoader("mail"), autoescape=True)


@app.post("/invite")
def invite():
    template = raw_env.get_template("invite.html")
    send(body=template.render(name=request.form["name"]))
    context = {"name": request.form["name"]}
    send(body=raw_env.get_template("invite.html").render(**context))
    send(body=html_env.get_template("invite.html").render(**context))
    return "sent"
'''


MAIL = '''\
import smtplib


def send(body):
    return smtplib.SMTP("localhost").sendmail("app@example.com", ["team@example.com"], body)
'''


def test_a_template_of_an_environment_without_autoescape_renders_markup(
        repo: GitRepo) -> None:
    # fetched into a name first, or given its context as `**context`: the values are
    # markup; an autoescaping environment's template escapes them
    # (both XSS rules carry the sink; a scan with every scanner reports one finding each)
    found = _semgrep_found(repo, {"app.py": JINJA_ENVIRONMENTS, "mail.py": MAIL})
    assert found == [("xss", 14), ("xss", 16), ("xss-markup", 14), ("xss-markup", 16)]


MODEL_ADDRESS = '''\
from django.shortcuts import get_object_or_404, redirect

from photos.models import Photo


def caption(request, pk):
    photo = get_object_or_404(Photo, pk=pk)
    photo.caption = request.POST["caption"]
    photo.save(update_fields=["caption"])
    return redirect(photo.get_absolute_url())


def back(request, pk):
    photo = get_object_or_404(Photo, pk=pk)
    return redirect(request.POST.get("next") or photo.get_absolute_url())
'''


def test_a_models_own_address_is_no_open_redirect_whatever_the_request_changed(
        repo: GitRepo) -> None:
    # `get_absolute_url()` is a path of this site; a `next` parameter beside it is not
    found = _semgrep_found(repo, {"photos/views.py": MODEL_ADDRESS})
    assert found == [("open-redirect", 15)]


RUNNER_HELPER = '''\
from flask import Flask, request

from hooks import deliver
from jobs import tasks

app = Flask(__name__)


def send_test(url):
    return tasks.submit(deliver, url, "ping")


def send_fixed(event):
    return tasks.submit(deliver, "https://hooks.example.com/", event)


@app.post("/test")
def test_hook():
    send_test(request.json["url"])
    send_fixed(request.json["event"])
    return "queued"
'''


def test_a_helper_handing_its_parameter_to_a_runner_is_a_wrapper(repo: GitRepo) -> None:
    # `send_test(url)` hands `url` to `deliver` through the runner: its callers' data
    # reaches the request; `send_fixed` hands only its event, in another place
    found = _semgrep_found(repo, {
        "app.py": RUNNER_HELPER, "jobs/__init__.py": "",
        "jobs/tasks.py": "def submit(fn, *args):\n    return fn(*args)\n",
        "hooks.py": "import requests\n\n\ndef deliver(url, event):\n"
                    "    return requests.post(url, json={'e': event})\n"})
    assert found == [("ssrf", 19)]


PICKED_SERVICE = '''\
import asyncio
import json
import logging
from pathlib import Path

import requests

from app.catalog import Catalog

log = logging.getLogger(__name__)
CACHE = Path("/var/cache/builder")


def download(url, target):
    target.write_bytes(requests.get(url, timeout=30).content)


def _cached_release(stub: str, version: str):
    cache = CACHE / stub / f"{version}.json"
    if cache.is_file():
        with open(cache, encoding="utf-8") as handle:
            return json.load(handle)
    return None


def _release(stub: str, version: str | None = None):
    if version:
        hit = _cached_release(stub, version)
        if hit:
            return hit
    releases = Catalog.releases(stub)
    log.debug(f"releases of {stub}: {len(releases)} ({version})")
    release = next((r for r in releases if r["version"] == version), None)
    if release is None:
        raise ValueError(f"no release {version} of {stub}")
    return release


def _mirror(stub: str, version: str):
    return {"archive_url": f"https://{version}.mirror.example.com/{stub}.zip"}


async def build(data, stub):
    release = _release(stub, data.version)
    await asyncio.to_thread(download, release["archive_url"], CACHE / "stub.zip")
    return release


async def build_from_mirror(data, stub):
    release = _mirror(stub, data.version)
    await asyncio.to_thread(download, release["archive_url"], CACHE / "stub.zip")
    return release
'''
PICKED_VIEWS = '''\
from fastapi import APIRouter
from pydantic import BaseModel

from app.builder import build, build_from_mirror

router = APIRouter()


class BuildRequest(BaseModel):
    version: str


@router.post("/build")
async def build_view(data: BuildRequest):
    return await build(data, "stub")


@router.post("/mirror")
async def mirror_view(data: BuildRequest):
    return await build_from_mirror(data, "stub")
'''


def test_a_helper_carries_only_the_arguments_its_return_can_hold(repo: GitRepo) -> None:
    # `_release(stub, version)` returns a release picked by the version among the
    # catalogue's (or a cached file's contents): the version picks, it is not returned,
    # so the archive URL is not the request's; `_mirror` builds the URL from the version.
    # The version does name the cache file opened (a path the request chooses).
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/builder.py": PICKED_SERVICE, "app/views.py": PICKED_VIEWS,
        "app/catalog.py": "import requests\n\n\nclass Catalog:\n    @classmethod\n"
                          "    def releases(cls, stub):\n        return requests.get(\n"
                          "            'https://ext.example.com/' + stub, timeout=5).json()\n"})
    assert found == [("path-traversal", 15), ("ssrf", 20)]


FILTER_TAGS = '''\
from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from app.rendering import escaped_markup, light_markup

register = template.Library()


@register.filter(name="comment_body")
def comment_body(text):
    return light_markup(text)


@register.filter
def described(text):
    return escaped_markup(text)


@register.simple_tag
def profile_link(user):
    return format_html('<a href="/u/">{}</a>'.format(user.display_name))


@register.simple_tag
def avatar(profile, size=48):
    return format_html('<img src="{}" alt="{}" width="{}">', profile.url, profile.name, size)


@register.filter
def highlight(text, term):
    text = escape(text)
    term = escape(term)
    return mark_safe(text.replace(term, f"<mark>{term}</mark>"))


@register.simple_tag
def stars(count: int):
    return mark_safe("&#9733;" * count)


@register.simple_tag(takes_context=True)
def sort_url(context, sort):
    query = context["request"].GET.copy()
    query["sort"] = sort
    return mark_safe("?" + query.urlencode())


@register.simple_tag(takes_context=True)
def echo_sort(context):
    return mark_safe(context["request"].GET.get("sort", ""))


def not_a_filter(value):
    return mark_safe(value)


@register.filter
def wrap_in(content, tag_name):
    return format_html(f"<{tag_name}>{{}}</{tag_name}>", content)


class Phrases:
    welcome = "<b>Welcome</b>"


@register.simple_tag
def phrase(name):
    return mark_safe(getattr(Phrases, name))


@register.filter
def cleaned(text):
    return mark_safe(CLEANER.clean(text))
'''
FILTER_RENDERING = '''\
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

_BOLD = re.compile(r"\\\\*\\\\*(.+?)\\\\*\\\\*")


def light_markup(text):
    html = _BOLD.sub(r"<strong>\\\\1</strong>", text or "")
    return mark_safe(html)


def escaped_markup(text):
    html = _BOLD.sub(r"<strong>\\\\1</strong>", escape(text or ""))
    return mark_safe(html)
'''
FLASK_FILTERS = '''\
from flask import Blueprint, Flask
from markupsafe import Markup, escape

app = Flask(__name__)
bp = Blueprint("notes", __name__)


@app.template_filter("nl2br")
def nl2br(text):
    return Markup(text.replace("\\\\n", "<br>"))


@bp.app_template_filter()
def quoted(text):
    return Markup("<q>%s</q>" % escape(text))
'''


def test_a_template_filter_marking_its_value_safe_unescaped(repo: GitRepo) -> None:
    # a Django filter through a helper of another module, a tag formatting the format
    # string; not the escaping ones, a number, a
    # urlencoded query string, a function no template can call, a filter's argument
    # (written in the template), an attribute picked by name, or a cleaner's output
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/templatetags/__init__.py": "",
        "app/templatetags/tags.py": FILTER_TAGS, "app/rendering.py": FILTER_RENDERING,
        "web.py": FLASK_FILTERS})
    # (web.py:10, the Flask filter; tags.py:12 and 22; not tags.py:51, a takes_context
    # tag's context: the page's, request and plugins' markup among it)
    assert found == [("xss-filter", 10), ("xss-filter", 12), ("xss-filter", 22)]
    run = scan(repo.path, scanners=["semgrep"]).run
    flagged = {(f.path, f.span.start_line): f for f in run.findings}
    through = flagged[("app/templatetags/tags.py", 12)]
    assert through.severity.value == "medium"
    assert "light_markup()" in through.message and "app/rendering.py:11" in through.message


REGISTERED_FILTERS = '''\
from flask import Flask
from markupsafe import Markup, escape

from app.rendering import autolink, paragraphs


def shout(text):
    return Markup("<b>%s</b>" % text.upper())


def quiet(text):
    return Markup("<i>%s</i>" % escape(text))


def label(text):
    return Markup("<span>{}</span>").format(text)


def run_hook(name):
    return Markup(name)


def create_app():
    app = Flask(__name__)
    app.jinja_env.globals["run_hook"] = run_hook
    app.jinja_env.filters.update(linkify=autolink, nl2br=paragraphs)
    app.jinja_env.filters["label"] = label
    app.add_template_filter(shout)
    app.add_template_filter(quiet, "quiet")
    return app


def not_registered(text):
    return Markup(text)
'''
REGISTERED_RENDERING = '''\
import re

from markupsafe import Markup, escape

URL = re.compile(r"(https?://[^\\\\s<]+)")


def autolink(text):
    return Markup(URL.sub(r'<a href="\\\\1">\\\\1</a>', text or ""))


def paragraphs(text):
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())
'''


def test_filters_registered_by_a_call_are_filters(repo: GitRepo) -> None:
    # `filters.update(linkify=autolink)` (a helper of another module, reported in its
    # own file), `add_template_filter(shout)`; not the escaping ones, Markup's own
    # format (it escapes its arguments), a global function (called with the template's
    # own constants) or a function no template is given
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/factory.py": REGISTERED_FILTERS,
        "app/rendering.py": REGISTERED_RENDERING})
    assert found == [("xss-filter", 8), ("xss-filter", 9)]


TABLE_FILTERS = '''\
from flask import Flask
from markupsafe import Markup


def stars(text):
    return Markup("<b>%s</b>" % text)


def badge(text):
    return Markup("<span class=badge>" + text + "</span>")


def loud(text):
    return Markup("<em>%s</em>" % text)


def plain(text):
    return text.title()


def configure_filters(app):
    filters = {}
    filters["stars"] = stars
    filters["plain"] = plain
    more = {"badge": badge}
    app.jinja_env.filters.update(filters)
    app.jinja_env.filters.update(more)
    unused = {}
    unused["loud"] = loud
    return unused


def create_app():
    app = Flask(__name__)
    configure_filters(app)
    return app
'''


def test_filters_registered_through_a_table_built_first(repo: GitRepo) -> None:
    # a table filled in a name and then handed to `filters.update(filters)`: its values
    # are filters; a table never handed over is not
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/factory.py": TABLE_FILTERS})
    assert found == [("xss-filter", 6), ("xss-filter", 10)]


HTTP_SERVER = '''\
import os
import subprocess
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join("/srv/files", self.path.lstrip("/")), "rb") as f:
            body = f.read()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        host = self.rfile.read(length).decode()
        subprocess.run(f"ping -c 1 {host}", shell=True)
        self.send_response(204)
        self.end_headers()


class Job:
    def __init__(self, path):
        self.path = path

    def run(self):
        subprocess.run(f"gzip {self.path}", shell=True)


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
'''


def test_an_http_server_handler_reads_the_request(repo: GitRepo) -> None:
    # a BaseHTTPRequestHandler's `self.path` and `self.rfile` are the request's (8, 17);
    # another class's `self.path` is its own (27 quiet)
    found = _semgrep_found(repo, {"server.py": HTTP_SERVER})
    assert found == [("command-injection", 17), ("path-traversal", 8)]


DATE_FILTERS = '''\
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask
from markupsafe import Markup


def _time_tag(value, what):
    content = babel_format_datetime(value, locale="en")
    return Markup('<time datetime="{}" data-what="{}">{}</time>'.format(
        value.isoformat(), what, content))


def format_datetime(value):
    return _time_tag(value, "date-and-time")


def format_day(value):
    return Markup("<b>%s</b>" % value.strftime("%A"))


def shout(value):
    return Markup("<b>%s</b>" % value)


def create_app():
    app = Flask(__name__)
    filters = {"format_datetime": format_datetime, "format_day": format_day, "shout": shout}
    app.jinja_env.filters.update(filters)
    return app
'''


def test_a_filter_writing_a_dates_text_into_markup_writes_no_markup(repo: GitRepo) -> None:
    # a date's ISO text, strftime and babel's formatting hold no markup (13, 17 quiet);
    # the value itself does (21)
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/filters.py": DATE_FILTERS})
    assert found == [("xss-filter", 21)]


VALIDATED_MODELS = '''\
from fastapi import FastAPI
from pydantic import BaseModel, field_validator

app = FastAPI()
LOCALES = {"en-US", "de-DE", "fr-FR"}


def is_known_locale(locale: str) -> bool:
    return locale in {"en-US", "de-DE", "fr-FR"}


class SeedConfig(BaseModel):
    locale: str

    @field_validator("locale")
    def valid_locale(cls, v):
        if not is_known_locale(v):
            raise ValueError("invalid locale")
        return v


class ListedConfig(BaseModel):
    locale: str

    @field_validator("locale")
    @classmethod
    def listed(cls, v):
        if v not in LOCALES:
            raise ValueError("invalid locale")
        return v


class ShortConfig(BaseModel):
    locale: str

    @field_validator("locale")
    def short(cls, v):
        if len(v) > 10:
            raise ValueError("too long")
        return v


@app.post("/seed")
def seed(data: SeedConfig):
    return open(f"/srv/locales/{data.locale}.json").read()


@app.post("/listed")
def listed(data: ListedConfig):
    return open(f"/srv/locales/{data.locale}.json").read()


@app.post("/short")
def short(data: ShortConfig):
    return open(f"/srv/locales/{data.locale}.json").read()
'''


def test_a_field_a_model_validates_against_a_list_holds_a_listed_value(
        repo: GitRepo) -> None:
    # a pydantic validator raising unless the project's allow-list predicate passes
    # (45 quiet) or the value is in a constant set (50 quiet); one checking the length
    # only lets any name through (55)
    found = _semgrep_found(repo, {"app.py": VALIDATED_MODELS})
    assert found == [("path-traversal", 55)]


VALIDATED_HELPERS = VALIDATED_MODELS + '''

def read_seed(config: SeedConfig):
    return open(f"/srv/locales/{config.locale}.json").read()


def read_short(config: ShortConfig):
    return open(f"/srv/locales/{config.locale}.json").read()


@app.post("/whole")
def whole(data: SeedConfig):
    return read_seed(data)


@app.post("/whole-short")
def whole_short(data: ShortConfig):
    return read_short(data)
'''


def test_a_model_handed_whole_to_a_helper_keeps_its_validated_field(repo: GitRepo) -> None:
    # the helper reads the validated field off its annotated parameter: no path of the
    # request (68 quiet); the field a validator only measures still is (73)
    found = _semgrep_found(repo, {"app.py": VALIDATED_HELPERS})
    assert found == [("path-traversal", 55), ("path-traversal", 73)]


CSRF_VIEWS = '''\
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@login_required
@require_POST
def cancel_order(request, reference):
    return HttpResponse(status=204)


@permission_required("orders.change_order")
@csrf_exempt
def refund(request, reference):
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def payment_webhook(request):
    return HttpResponse(status=204)


@login_required
@require_POST
def rename(request, reference):
    return HttpResponse(status=204)
'''


def test_a_session_authenticated_view_exempt_from_csrf_is_reported(repo: GitRepo) -> None:
    # csrf_exempt beside login_required (7) or permission_required (14), in either
    # order; a webhook exempt without a session login (20) and a protected view (26)
    # are not
    found = _semgrep_found(repo, {"orders/views.py": CSRF_VIEWS})
    assert found == [("csrf-exempt-session-view", 7), ("csrf-exempt-session-view", 14)]


CSRF_CLASSES = '''\
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt


@method_decorator(csrf_exempt, name="dispatch")
class BulkApproveView(LoginRequiredMixin, PermissionRequiredMixin, View):
    def post(self, request):
        return HttpResponse(status=204)


class ArchiveView(LoginRequiredMixin, View):
    @method_decorator(csrf_exempt)
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    def post(self, request):
        return HttpResponse(status=204)
'''

CSRF_FLASK = '''\
from flask import Flask
from flask_login import login_required
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
csrf = CSRFProtect(app)


@app.post("/posts/<int:post_id>/delete")
@csrf.exempt
@login_required
def delete_post(post_id):
    return "", 204


@app.post("/hooks/mail")
@csrf.exempt
def mail_hook():
    return "", 204
'''


def test_a_session_authenticated_class_view_exempt_from_csrf_is_reported(
        repo: GitRepo) -> None:
    # a class exempt by method_decorator with a login mixin (8), its dispatch exempt in
    # a class with one (14); a webhook class without one (20) is not; Flask-WTF's
    # exemption beside Flask-Login's login_required (9 of the Flask app) is reported,
    # a hook without a login (16) is not
    found = _semgrep_found(repo, {"orders/views.py": CSRF_CLASSES, "blog.py": CSRF_FLASK})
    assert found == [("csrf-exempt-session-view", 8), ("csrf-exempt-session-view", 9),
                     ("csrf-exempt-session-view", 14)]
