"""Values a hook or a view decorator stores on Flask's `g` for the rest of the request:
what the request's text fills there reaches every view that reads it, in any module.
Beside each, a value that holds no text of the request (a number, a row read from the
database, a constant, an object of another library that is also called `g`)."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

HOOKS = '''\
import functools

from flask import g, request

from app.models import User


def search_text():
    return request.args.get("q", "")


def with_filters(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.sort = request.args.get("sort", "created_at")
        g.page = int(request.args.get("page", 1))
        return view(*args, **kwargs)
    return wrapper


def load_user():
    g.search = search_text()
    g.user = User.query.filter_by(token=request.cookies.get("token")).first()
    g.theme = "dark"
    setattr(g, "tag", request.headers.get("X-Tag", ""))
'''

MODELS = '''\
class User:
    query = None
'''

VIEWS = '''\
import sqlite3

from flask import Flask, g

from app.hooks import load_user, with_filters

app = Flask(__name__)
app.before_request(load_user)


@app.get("/items")
@with_filters
def items():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM items ORDER BY {g.sort}").fetchall()}


@app.get("/search")
def search():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute("SELECT * FROM items WHERE name = '" + g.search + "'").fetchall()}


@app.get("/tagged")
def tagged():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM items WHERE tag = '{g.get('tag')}'").fetchall()}


@app.get("/page")
@with_filters
def page():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM items LIMIT 10 OFFSET {g.page * 10}").fetchall()}


@app.get("/me")
def me():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(
        f"SELECT * FROM prefs WHERE theme = '{g.theme}' AND uid = {g.user.id}").fetchall()}
'''

GRAPH = '''\
import sqlite3

from flask import Blueprint, request

from app.graphs import Graph

bp = Blueprint("graph", __name__)
g = Graph()


@bp.get("/graph")
def graph():
    db = sqlite3.connect("app.db")
    rows = db.execute(f"SELECT * FROM nodes ORDER BY {g.sort}").fetchall()
    return {"rows": rows, "name": request.args["name"]}
'''


def test_request_text_a_hook_stores_on_g_reaches_the_views_that_read_it(
        repo: GitRepo) -> None:
    # a decorator's wrapper (15), a before_request hook through a source helper (21), by
    # setattr and read with g.get (27); a number (33), a constant and a database row (39)
    # quiet; `g` of another library in graph.py quiet
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/hooks.py": HOOKS,
                                  "app/models.py": MODELS, "app/views.py": VIEWS,
                                  "app/graphs.py": "class Graph:\n    pass\n",
                                  "app/graph.py": GRAPH})
    assert found == [("sqli", 15), ("sqli", 21), ("sqli", 27)]


NEXT_URL = '''\
from functools import wraps

from flask import Flask, g, redirect, request, url_for

app = Flask(__name__)


def remember_return_url(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.return_url = request.args.get("return") or request.referrer
        g.locale = "en"
        return view(*args, **kwargs)
    return wrapper


def destination(default):
    return getattr(g, "return_url", None) or url_for(default)


def language():
    return g.get("locale", "en")


@app.route("/logout")
@remember_return_url
def logout():
    return redirect(destination("home"))


@app.route("/language")
@remember_return_url
def switch_language():
    return redirect("/" + language())
'''


def test_a_helper_returning_what_a_hook_stored_on_g_is_a_source(repo: GitRepo) -> None:
    # `destination()` returns `g.return_url`, request text a decorator stored (28); what
    # `language()` returns is a constant the decorator stored (34 quiet)
    found = _semgrep_found(repo, {"app.py": NEXT_URL})
    assert found == [("open-redirect", 28)]


SESSIONS = '''\
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

app = FastAPI()


@app.get("/login")
async def login(request: Request, return_to: str = "/"):
    request.session["state"] = secrets.token_urlsafe(24)
    request.session["return_to"] = return_to
    request.session["theme"] = "dark"
    return RedirectResponse("https://id.example.com/authorize", status_code=302)


@app.get("/callback")
async def callback(request: Request):
    target = request.session.pop("return_to", "/")
    return RedirectResponse(target, status_code=303)


@app.get("/after")
async def after(request: Request):
    return RedirectResponse(request.session.get("state", "/"), status_code=303)


@app.get("/themed")
async def themed(request: Request):
    return RedirectResponse("/" + request.session["theme"], status_code=303)
'''


def test_request_text_a_view_keeps_in_the_session_is_request_data_where_it_is_read(
        repo: GitRepo) -> None:
    # the login view keeps its query parameter (12), the callback redirects there (20);
    # a random token (25) and a constant (30) kept there stay quiet; keeping request
    # text in the session is the trust-boundary rule's own finding (12)
    found = _semgrep_found(repo, {"app.py": SESSIONS})
    assert found == [("open-redirect", 20), ("trust-boundary", 12)]


KEYED = '''\
import secrets

from flask import Flask, redirect, request, session

app = Flask(__name__)
KEYS = {"return": "sso_return_to", "state": "sso_nonce"}
FEED_KEY = "feed_source"


@app.get("/sso/start")
def start():
    session[KEYS["return"]] = request.args.get("next", "/")
    session[KEYS["state"]] = secrets.token_urlsafe(16)
    session[FEED_KEY] = request.args.get("feed", "")
    return redirect("https://sso.example.com/authorize")


@app.get("/sso/callback")
def callback():
    return redirect(session.pop(KEYS["return"], "/"))


@app.get("/sso/nonce")
def nonce():
    return redirect("/" + session[KEYS["state"]])


@app.get("/feed")
def feed():
    return redirect(session.get(FEED_KEY, "/"))
'''


def test_a_session_key_named_by_a_module_constant_is_followed(repo: GitRepo) -> None:
    # keys written as a constant table's entry (20) or a constant (30); the random nonce
    # kept under another entry of the table (25) stays quiet
    found = _semgrep_found(repo, {"app.py": KEYED})
    assert [f for f in found if f[0] == "open-redirect"] == [
        ("open-redirect", 20), ("open-redirect", 30)]


ITEMS = '''\
import os

from aiohttp import web
from starlette.requests import Request
from starlette.responses import FileResponse

ROOT = "/srv/locales"


@web.middleware
async def locale_middleware(request: web.Request, handler):
    request["asset"] = request.query.get("asset", "messages.json")
    request["lang"] = "en"
    return await handler(request)


async def bundle(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(os.path.join(ROOT, request["lang"], request["asset"]))


async def default_bundle(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(os.path.join(ROOT, request["lang"], "messages.json"))


async def theme_middleware(request: Request, call_next):
    request.state.theme = request.query_params.get("theme", "light")
    request.state.tenant = "main"
    return await call_next(request)


async def theme_css(request: Request):
    return FileResponse(os.path.join(ROOT, request.state.tenant, request.state.theme))
'''


def test_request_text_kept_on_the_request_itself_is_request_data_where_it_is_read(
        repo: GitRepo) -> None:
    # an aiohttp middleware's `request["asset"]` (18) and Starlette's `request.state.theme`
    # (32) from the query string; a constant kept there (22) stays quiet
    found = _semgrep_found(repo, {"app.py": ITEMS})
    assert [f for f in found if f[0] == "path-traversal"] == [
        ("path-traversal", 18), ("path-traversal", 32)]


LOOKED_UP = '''\
import sqlite3

from flask import Flask, g, request

app = Flask(__name__)


def load_account(token):
    db = sqlite3.connect("app.db")
    return db.execute("SELECT name FROM accounts WHERE token = ?", (token,)).fetchone()


@app.before_request
def remember():
    g.account = load_account(request.cookies.get("token", ""))
    g.tag = request.cookies.get("tag", "")


@app.get("/prefs")
def prefs():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM prefs WHERE owner = '{g.account}'").fetchall()}


@app.get("/tagged")
def tagged():
    db = sqlite3.connect("app.db")
    return {"rows": db.execute(f"SELECT * FROM items WHERE tag = '{g.tag}'").fetchall()}
'''


def test_a_row_looked_up_by_request_data_and_kept_on_g_is_no_request_data(
        repo: GitRepo) -> None:
    # the account row a hook looks up by the request's token (22 quiet); the cookie's
    # text kept as it is (28)
    found = _semgrep_found(repo, {"app.py": LOOKED_UP})
    assert found == [("sqli", 28)]
