"""Safe code that looks like a flaw, beside the flaw it looks like, one rule form each:
an inline table of literals, a redirect's host checked by `hostname`, an `evaluate`
that is no XPath, a template's source as code, answers Flask sends as JSON or plain
text."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

VIEWS = '''\
from urllib.parse import urlparse

from flask import Flask, make_response, redirect, render_template_string, request
from lxml import etree

app = Flask(__name__)
TRUSTED = {"example.com", "www.example.com"}
DOC = etree.parse("catalog.xml")


@app.route("/greet")
def greet():
    greeting = {"en": "Hello", "de": "Hallo"}.get(request.args.get("lang"), "Hello")
    return f"<p>{greeting}</p>"


@app.route("/greet-raw")
def greet_raw():
    return f"<p>{request.args.get('lang')}</p>"


@app.route("/go")
def go():
    url = request.args["next"]
    parts = urlparse(url)
    if parts.hostname not in TRUSTED:
        return "no", 400
    return redirect(url)


@app.route("/go-raw")
def go_raw():
    return redirect(request.args["next"])


@app.route("/score")
def score(model):
    model.evaluate(request.args.get("metric"))
    return "ok"


@app.route("/find")
def find():
    evaluator = etree.XPathEvaluator(DOC)
    evaluator.evaluate("//p[@sku='%s']" % request.args["sku"])
    return "ok"


@app.route("/page")
def page():
    return render_template_string(request.form["template"])


@app.route("/theme")
def theme():
    return make_response({"theme": request.cookies.get("theme")})


@app.route("/echo")
def echo():
    values = {}
    values["v"] = request.form["v"]
    return values


@app.route("/agent")
def agent():
    return f"agent: {request.args['q']}", 200, {"Content-Type": "text/plain"}


@app.route("/agent-html")
def agent_html():
    return f"agent: {request.args['q']}", 200, {"Content-Type": "text/html"}
'''


def test_look_alikes_are_clean_and_their_flaws_found(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": VIEWS})
    by_rule: dict[str, list[int]] = {}
    for rule, line in found:
        by_rule.setdefault(rule, []).append(line)
    # the inline table (14), a hostname check (25-28), a model's `evaluate` (38), a dict
    # made into JSON (56, 63) and a plain-text answer (68) are clean
    assert by_rule.get("xss") == [19, 73]
    assert by_rule.get("open-redirect") == [33]
    assert by_rule.get("xpath-injection") == [45]
    # the template's source is code (and its output unescaped markup)
    assert by_rule.get("code-injection") == [51]
    assert by_rule.get("xss-markup") == [51]


HOSTS_CHECKED = '''\
from urllib.parse import urlparse

import requests
from flask import Flask, abort, request

app = Flask(__name__)
HOSTS = {"api.example.com"}
BLOCKED = {"169.254.169.254"}


@app.route("/a")
def allowed():
    url = request.args["u"]
    if urlparse(url).hostname not in HOSTS:
        abort(400)
    return requests.get(url).text


@app.route("/b")
def denied():
    url = request.args["u"]
    if urlparse(url).hostname == "localhost":
        abort(400)
    return requests.get(url).text


@app.route("/c")
def denied_set():
    url = request.args["u"]
    if urlparse(url).hostname in BLOCKED:
        abort(400)
    return requests.get(url).text


@app.route("/d")
def denied_named():
    url = request.args["u"]
    parts = urlparse(url)
    if parts.hostname in BLOCKED:
        abort(400)
    return requests.get(url).text


@app.route("/e")
def allowed_named():
    url = request.args["u"]
    parts = urlparse(url)
    if parts.hostname not in HOSTS:
        abort(400)
    return requests.get(url).text


@app.route("/f")
def denied_item():
    data = request.get_json()
    if urlparse(data["url"]).hostname in BLOCKED:
        abort(400)
    return requests.get(data["url"]).text
'''


def test_a_list_of_hosts_refused_allows_the_rest(repo: GitRepo) -> None:
    # `if urlparse(url).hostname in BLOCKED: abort(400)` (or `== "localhost"`) lets any
    # other host through: only the allow-lists (16, 50) keep the request
    found = _semgrep_found(repo, {"app.py": HOSTS_CHECKED})
    assert [line for rule, line in found if rule == "ssrf"] == [24, 32, 41, 58]


OTHER_VIEWS = '''\
from flask import Flask, request
from flask.views import MethodView

app = Flask(__name__)


@app.errorhandler(404)
def not_found(error):
    return "<a href='%s'>back</a>" % request.headers.get("Referer", ""), 404


@app.errorhandler(500)
def failed(error):
    return "<p>Something went wrong</p>", 500


class Search(MethodView):
    def get(self):
        return f"<h1>{request.args.get('q', '')}</h1>"

    def post(self):
        return {"q": request.form["q"]}

    def helper(self):
        return request.args.get("q")


app.add_url_rule("/search", view_func=Search.as_view("search"))
'''


def test_error_handlers_and_class_based_views_answer_html(repo: GitRepo) -> None:
    # a string an error handler (9) or a MethodView's method (19) returns is HTML, as a
    # routed view's is; a constant page (14), a dict (22) and a helper method (25) are not
    found = _semgrep_found(repo, {"app.py": OTHER_VIEWS})
    assert [line for rule, line in found if rule == "xss"] == [9, 19]


ARGV = '''\
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/job")
def job():
    cmd = request.args["cmd"]
    argv = ["sh", "-c", "cd /srv/jobs && " + cmd]
    subprocess.run(argv)
    return "ok"


@app.route("/job2")
def job2():
    argv = ["/bin/bash", "-c", "make " + request.form["target"]]
    out = subprocess.check_output(argv)
    return {"n": len(out)}


@app.route("/fixed")
def fixed():
    argv = ["sh", "-c", "uptime"]
    subprocess.run(argv)
    name = request.args["n"]
    subprocess.run(["ls", name])
    return "ok"
'''


def test_a_shell_command_list_written_to_a_name_first(repo: GitRepo) -> None:
    # `argv = ["sh", "-c", "... " + cmd]; subprocess.run(argv)` runs the script in a
    # shell as the inline list does; a constant script (24) and a list without a shell
    # (27) do not
    found = _semgrep_found(repo, {"app.py": ARGV})
    assert [line for rule, line in found if rule == "command-injection"] == [11, 18]


SIGNED = '''\
import base64
import hashlib
import hmac
import pickle

from flask import Flask, abort, request

app = Flask(__name__)
KEY = b"k" * 32


@app.route("/static-token", methods=["POST"])
def static_token():
    expected = hmac.new(KEY, b"sync-v1", hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Sig", "")):
        abort(403)
    return {"n": len(pickle.loads(request.get_data()))}


@app.route("/signed", methods=["POST"])
def signed():
    body = request.get_data()
    expected = hmac.new(KEY, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Sig", "")):
        abort(403)
    return {"n": len(pickle.loads(body))}


@app.route("/signed-inline", methods=["POST"])
def signed_inline():
    raw = base64.b64decode(request.cookies["cart"])
    payload, sig = raw[:-32], raw[-32:]
    if not hmac.compare_digest(hmac.new(KEY, payload, hashlib.sha256).digest(), sig):
        abort(403)
    return {"n": len(pickle.loads(payload))}
'''


def test_a_signature_authenticates_what_it_was_computed_over(repo: GitRepo) -> None:
    # a MAC of the body checked before the load (signed, signed_inline) authenticates the
    # body; a MAC of a constant (static_token, 17) proves nothing of it
    found = _semgrep_found(repo, {"app.py": SIGNED})
    assert [line for rule, line in found if rule == "unsafe-deserialization"] == [17]


SUFFIXES = '''\
from urllib.parse import urlparse

from flask import Flask, abort, redirect, request

app = Flask(__name__)


@app.route("/suffix")
def suffix():
    target = request.args.get("next", "/")
    parsed = urlparse(target)
    if parsed.netloc and not parsed.netloc.endswith("example.com"):
        abort(400)
    return redirect(target)


@app.route("/domain")
def domain():
    target = request.args.get("next", "/")
    parsed = urlparse(target)
    if parsed.netloc and not parsed.netloc.endswith(".example.com"):
        abort(400)
    return redirect(target)


@app.route("/inline")
def inline():
    target = request.args.get("next", "/")
    if not urlparse(target).netloc.endswith("example.com"):
        abort(400)
    return redirect(target)


@app.route("/relative")
def relative():
    target = request.args.get("next", "/")
    if urlparse(target).netloc:
        abort(400)
    return redirect(target)
'''


def test_a_host_suffix_must_be_a_domain(repo: GitRepo) -> None:
    # `netloc.endswith("example.com")` also passes `evilexample.com` (14, 31); a suffix
    # starting with a dot (22) and no host at all (38) keep the redirect on the site
    found = _semgrep_found(repo, {"app.py": SUFFIXES})
    assert [line for rule, line in found if rule == "open-redirect"] == [14, 31]


AIOHTTP = '''\
from aiohttp import web

routes = web.RouteTableDef()


@routes.get("/sso")
async def sso(request):
    raise web.HTTPFound(location=request.query["r"])


@routes.get("/moved")
async def moved(request):
    raise web.HTTPSeeOther(request.query["r"])


@routes.get("/home")
async def home(request):
    raise web.HTTPFound(location="/")


@routes.get("/profile/{username}")
async def profile(request):
    name = request.match_info["username"]
    return web.Response(text=f"<h2>{name}</h2>", content_type="text/html")


@routes.get("/plain/{username}")
async def plain(request):
    return web.Response(text=f"user {request.match_info['username']}")


@routes.get("/invoices/{id}")
async def invoices(request):
    conn = request.app["db"]
    account = request.match_info["id"]
    rows = await conn.fetch("SELECT * FROM invoices WHERE account_id = " + account)
    same = await conn.fetch("SELECT * FROM invoices WHERE account_id = $1", account)
    return web.json_response({"n": len(rows) + len(same)})
'''


def test_aiohttp_redirects_html_answers_and_asyncpg_queries(repo: GitRepo) -> None:
    # `HTTPFound(location=...)` and the other redirect classes (8, 13), a response
    # declared HTML (24), asyncpg's `fetch` of a built statement (36); a constant
    # location (18), the default text/plain (29) and a bound `$1` parameter (37) are not
    found = _semgrep_found(repo, {"app.py": AIOHTTP})
    assert found == [("open-redirect", 8), ("open-redirect", 13), ("sqli", 36), ("xss", 24)]


RESPONSE_HELPER = '''\
from flask import Flask, redirect, request
from flask.views import MethodView

app = Flask(__name__)


def redirect_or_next(endpoint):
    return redirect(request.args.get("next") or endpoint)


def echo_next():
    return request.args.get("next", "")


class Logout(MethodView):
    def post(self):
        return redirect_or_next("/")

    def get(self):
        return "<p>%s</p>" % echo_next()
'''


def test_a_helper_returning_a_redirect_gives_a_response_not_text(repo: GitRepo) -> None:
    # `redirect_or_next()` returns a response object (its own redirect is the finding,
    # 8); returning it from a class-based view (17) is no HTML, returning request text
    # from a helper (20) is
    found = _semgrep_found(repo, {"app.py": RESPONSE_HELPER})
    assert found == [("open-redirect", 8), ("xss", 20)]


AVATARS = '''\
import os

from flask import Flask, request

app = Flask(__name__)
AVATAR_DIR = "/srv/app/static/avatars"
DEFAULT = "default.png"


def leaf(name):
    return os.path.basename(name)


def avatar_file(cookie_value):
    name = leaf(cookie_value or DEFAULT)
    if not name:
        name = DEFAULT
    return os.path.join(AVATAR_DIR, name)


def avatar_raw(cookie_value):
    return os.path.join(AVATAR_DIR, (cookie_value or DEFAULT).strip())


@app.route("/avatar")
def avatar():
    return open(avatar_file(request.cookies.get("avatar")), "rb").read()


@app.route("/avatar-raw")
def avatar_raw_view():
    return open(avatar_raw(request.cookies.get("avatar")), "rb").read()


@app.route("/avatar-query")
def avatar_query():
    import sqlite3
    name = avatar_file(request.args["who"])
    return str(sqlite3.connect("a.db").execute("SELECT 1 WHERE p = '%s'" % name).fetchall())
'''


def test_a_path_built_of_a_cleaned_name_is_as_clean_as_the_name(repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": AVATARS})
    # the helper joins a directory and a name reduced by `basename` (in a helper of its
    # own): clean for a path (27); without the reduction it is not (32), and the path it
    # returns is still text chosen by the request for a query (39)
    assert [line for rule, line in found if rule in ("path-traversal", "sqli")] == [32, 39]


NUMBERS = '''\
import sqlite3
import subprocess
from datetime import date

from flask import Flask, request

app = Flask(__name__)


def month_args():
    today = date.today()
    month = int(request.args.get("month", today.month))
    year = int(request.args.get("year", today.year))
    return month, year


def raw_args():
    return request.args.get("month"), request.args.get("year")


def list_items(column, descending):
    direction = "DESC" if descending else "ASC"
    sql = f"SELECT id FROM items ORDER BY {column} {direction}"
    return sqlite3.connect("a.db").execute(sql).fetchall()


@app.route("/calendar")
def calendar():
    month, year = month_args()
    return subprocess.check_output("cal %d %d" % (month, year), shell=True, text=True)


@app.route("/calendar-raw")
def calendar_raw():
    month, year = raw_args()
    return subprocess.check_output("cal %s %s" % (month, year), shell=True, text=True)


@app.route("/items")
def items():
    return {"rows": list_items("name", request.args.get("desc") == "1")}


@app.route("/items-by")
def items_by():
    return {"rows": list_items(request.args["by"], False)}
'''


def test_numbers_and_choices_made_of_request_data_carry_none_of_its_text(
        repo: GitRepo) -> None:
    found = _semgrep_found(repo, {"app.py": NUMBERS})
    # a helper returning `int(...)` of request data is no source (30); one returning the
    # text is (36); a parameter only tested to choose between literals
    # (`"DESC" if descending else "ASC"`) reaches no query (41), the column does (46)
    assert [(rule, line) for rule, line in found
            if rule in ("command-injection", "sqli")] == [("command-injection", 36),
                                                          ("sqli", 46)]


INLINE = '''\
from flask import Flask, render_template_string, request

app = Flask(__name__)

RAW = """<p>{{ text|safe }}</p>"""
ESCAPED = """<p>{{ text }}</p>"""


@app.route("/raw", methods=["POST"])
def raw():
    return render_template_string(RAW, text=request.form["text"])


@app.route("/escaped", methods=["POST"])
def escaped():
    return render_template_string(ESCAPED, text=request.form["text"])
'''


def test_an_inline_template_kept_in_a_name_marks_its_variables_safe(repo: GitRepo) -> None:
    # a module's template with `|safe` (11) renders the request's text as HTML; one
    # without (16) escapes it
    found = _semgrep_found(repo, {"app.py": INLINE})
    assert [(rule, line) for rule, line in found if rule.startswith("xss")] == [
        ("xss-markup", 11)]


FACTORIES = '''\
import xml.sax
from xml.dom import minidom
from xml.sax.handler import feature_external_ges

from flask import Flask, request
from lxml import etree

app = Flask(__name__)


def open_reader():
    reader = xml.sax.make_parser()
    reader.setFeature(feature_external_ges, True)
    return reader


def calm_reader():
    reader = xml.sax.make_parser()
    reader.setFeature(feature_external_ges, False)
    return reader


def open_parser():
    return etree.XMLParser(resolve_entities=True)


def closed_parser():
    return etree.XMLParser(resolve_entities=False, no_network=True)


@app.route("/a", methods=["POST"])
def a():
    return {"n": minidom.parseString(request.get_data(as_text=True), parser=open_reader()).nodeName}


@app.route("/b", methods=["POST"])
def b():
    return {"n": minidom.parseString(request.get_data(as_text=True), parser=calm_reader()).nodeName}


@app.route("/c", methods=["POST"])
def c():
    return {"n": etree.fromstring(request.get_data(), open_parser()).tag}


@app.route("/d", methods=["POST"])
def d():
    parser = closed_parser()
    return {"n": etree.fromstring(request.get_data(), parser).tag}


@app.route("/e", methods=["POST"])
def e():
    return {"n": etree.fromstring(request.get_data(), parser=closed_parser()).tag}


@app.route("/f", methods=["POST"])
def f():
    open_reader().parse(request.files["doc"])
    return {}


@app.route("/g", methods=["POST"])
def g():
    calm_reader().parse(request.files["doc"])
    return {}


def read_closed(raw):
    return etree.fromstring(raw, parser=closed_parser()).tag


def read_open(raw):
    return etree.fromstring(raw, parser=open_parser()).tag


@app.route("/h", methods=["POST"])
def h():
    return {"n": read_closed(request.get_data())}


@app.route("/i", methods=["POST"])
def i():
    return {"n": read_open(request.get_data())}
'''


def test_a_parser_a_helper_makes_resolves_entities_as_the_helper_says(repo: GitRepo) -> None:
    # SAX with external entities switched on in a helper (33), an lxml parser a helper
    # makes resolving them (43): XXE; the helper switching them off (38), or making an
    # lxml parser that does not resolve them (49, 54): none; a document parsed by the
    # helper's reader itself (59), not by the calm one (65); a helper parsing its
    # argument with the open helper's parser (84), not with the closed one's (79)
    found = _semgrep_found(repo, {"app.py": FACTORIES})
    assert [line for rule, line in found if rule == "xxe"] == [33, 43, 59, 84]


OWN_BASE = '''\
import httpx
import requests
from flask import Flask, request

app = Flask(__name__)


class Release:
    def __init__(self, pay_link):
        self.pay_link = pay_link

    def pay_info(self, amount):
        url = f"{self.pay_link}?amount={amount}"
        return requests.get(url, timeout=5).json()

    def glued(self, path):
        return requests.get(f"{self.pay_link}{path}", timeout=5).json()


def fetch(base, path):
    return requests.get(base + "/api/" + path, timeout=5).json()


@app.route("/pay")
def pay():
    return Release("https://pay.example").pay_info(request.args["amount"])


@app.route("/glued")
def glued():
    return Release("https://pay.example").glued(request.args["p"])


@app.route("/fetch")
def fetch_view():
    return fetch(request.args["base"], "x")


@app.route("/fetch-path")
def fetch_path():
    return fetch("https://api.example", request.args["p"])
'''

RESET = '''\
from flask import Flask, request

app = Flask(__name__)
IMAGE_EXTENSIONS = {"png", "jpg", "webp"}


def save(url, data):
    ext = url.split(".")[-1]
    if ext not in IMAGE_EXTENSIONS:
        ext = "jpg"
    with open(f"/srv/img/cover.{ext}", "wb") as fh:
        fh.write(data)


def save_loose(url, data):
    ext = url.split(".")[-1]
    if ext not in IMAGE_EXTENSIONS:
        print("odd extension", ext)
    with open(f"/srv/img/cover.{ext}", "wb") as fh:
        fh.write(data)


@app.route("/a", methods=["POST"])
def a():
    save(request.args["u"], request.get_data())
    return "ok"


@app.route("/b", methods=["POST"])
def b():
    save_loose(request.args["u"], request.get_data())
    return "ok"
'''


def test_a_url_led_by_the_objects_own_base_leaves_the_host_alone(repo: GitRepo) -> None:
    # `f"{self.pay_link}?amount={amount}"`: the request chooses the query (26 quiet);
    # glued to the base without a separator (31), or choosing the base (36), it chooses
    # the host; a base a caller passes makes the helper a sink of both (41)
    found = _semgrep_found(repo, {"app.py": OWN_BASE})
    assert [line for rule, line in found if rule == "ssrf"] == [31, 36, 41]


def test_a_name_set_to_a_constant_when_not_listed_holds_a_listed_value(
        repo: GitRepo) -> None:
    # `if ext not in IMAGE_EXTENSIONS: ext = "jpg"` (25 quiet); only logged (31): not
    found = _semgrep_found(repo, {"app.py": RESET})
    assert [line for rule, line in found if rule == "path-traversal"] == [31]


def test_a_list_the_request_gives_is_no_list_of_constants(repo: GitRepo) -> None:
    # attack: an upper-case local name holding what the request lists checks nothing
    chosen = RESET.replace("    if ext not in IMAGE_EXTENSIONS:\n        ext = \"jpg\"",
                           "    EXTS = request.args.getlist(\"e\")\n"
                           "    if ext not in EXTS:\n        ext = \"jpg\"", 1)
    assert "EXTS" in chosen
    found = _semgrep_found(repo, {"app.py": chosen})
    assert [line for rule, line in found if rule == "path-traversal"] == [26, 32]


LEFT_ON = '''\
import os
import uuid

from flask import Flask, request

app = Flask(__name__)
ALLOWED = frozenset({".jpg", ".png"})
UPLOADS = "/srv/uploads"


def save(upload):
    ext = os.path.splitext(upload.filename or "")[1].lower()
    if ext not in ALLOWED:
        raise ValueError(ext)
    name = uuid.uuid4().hex + ext
    upload.save(os.path.join(UPLOADS, name))
    return name


def save_named(upload):
    ext = os.path.splitext(upload.filename or "")[1].lower()
    if ext not in ALLOWED:
        raise ValueError(ext)
    name = upload.filename
    upload.save(os.path.join(UPLOADS, name))
    return name


def save_early(upload):
    ext = os.path.splitext(upload.filename or "")[1].lower()
    target = os.path.join(UPLOADS, "x" + ext)
    if ext not in ALLOWED:
        raise ValueError(ext)
    upload.save(target)
    return "saved"


@app.route("/u", methods=["POST"])
def u():
    return {"name": save(request.files["f"])}


@app.route("/v", methods=["POST"])
def v():
    return {"name": save_named(request.files["f"])}


@app.route("/w", methods=["POST"])
def w():
    return {"name": save_early(request.files["f"])}
'''


def test_a_name_checked_against_constants_before_leaving_holds_a_listed_value(
        repo: GitRepo) -> None:
    # `if ext not in ALLOWED: raise ...` (a `frozenset({...})` of literals is a constant
    # collection): from then on `ext` is one of them (40 quiet); the checked name is not
    # what reaches the sink (45), nor a value made of it before the check (50)
    found = _semgrep_found(repo, {"app.py": LEFT_ON})
    assert [line for rule, line in found if rule == "path-traversal"] == [45, 50]


TRANSPORT = '''\
import httpx
from flask import Flask, request

app = Flask(__name__)


class RefusingTransport(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request):
        raise httpx.ConnectError("refused")


async def fetch_guarded(url):
    async with httpx.AsyncClient(transport=RefusingTransport()) as client:
        return (await client.get(url)).text


async def fetch_plain(url):
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).text


@app.route("/a")
async def a():
    return {"t": await fetch_guarded(request.args["u"])}


@app.route("/b")
async def b():
    return {"t": await fetch_plain(request.args["u"])}


@app.route("/c")
async def c():
    async with httpx.AsyncClient(transport=RefusingTransport()) as client:
        return {"t": (await client.get(request.args["u"])).text}
'''


def test_a_client_given_a_transport_of_its_own_sends_through_its_policy(
        repo: GitRepo) -> None:
    # the project's transport decides where requests may go (24, 34 quiet); a plain
    # client does not (29)
    found = _semgrep_found(repo, {"app.py": TRANSPORT})
    assert [line for rule, line in found if rule == "ssrf"] == [29]


ESCAPING_ENVIRONMENTS = '''\
from flask import Flask, request
from jinja2 import DictLoader, Environment, select_autoescape

app = Flask(__name__)
PAGES = {"page.html": "<p>{{ name }}</p>"}
chosen = Environment(loader=DictLoader(PAGES), autoescape=select_autoescape(["html"]))
always = Environment(loader=DictLoader(PAGES), autoescape=True)
never = Environment(loader=DictLoader(PAGES), autoescape=False)
text = Environment(autoescape=select_autoescape(default_for_string=False))


@app.route("/chosen")
def by_extension():
    template = chosen.get_template("page.html")
    return template.render(name=request.args["name"])


@app.route("/always")
def always_escaped():
    return always.from_string("<p>{{ name }}</p>").render(name=request.args["name"])


@app.route("/never")
def never_escaped():
    return never.get_template("page.html").render(name=request.args["name"])


@app.route("/text")
def string_not_escaped():
    return text.from_string("<p>{{ name }}</p>").render(name=request.args["name"])
'''


def test_a_jinja_environment_that_escapes_renders_escaped_html(repo: GitRepo) -> None:
    # `select_autoescape()` escapes .html templates and strings, `autoescape=True` all;
    # without it, or with `default_for_string=False` for a string, the page is raw
    found = _semgrep_found(repo, {"app.py": ESCAPING_ENVIRONMENTS})
    # (the raw page's call is both the view's answer and a template rendered raw)
    assert found == [("xss", 25), ("xss", 25), ("xss", 30), ("xss-markup", 25)]


LOCAL_REDIRECTS = '''\
from flask import Flask, redirect, request

app = Flask(__name__)


def to_login(path):
    return redirect(f"/login?next={path}")


def to_page(path):
    return redirect("/" + path)


def to_target(target):
    return redirect(target)


@app.route("/a")
def a():
    return to_login(request.full_path)


@app.route("/b")
def b():
    return to_page(request.args["p"])


@app.route("/c")
def c():
    return to_target(request.args["next"])
'''


def test_a_helper_redirecting_to_a_path_of_this_site_is_no_open_redirect(
        repo: GitRepo) -> None:
    # `redirect(f"/login?next={path}")` in a helper goes to this site's login page
    # whatever the path (20 quiet); `"/" + path` can be `//evil.example` (25), and a
    # target passed whole goes anywhere (30)
    found = _semgrep_found(repo, {"app.py": LOCAL_REDIRECTS})
    assert found == [("open-redirect", 25), ("open-redirect", 30)]


DOWNLOADS = '''\
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/download")
def download():
    body = request.args.get("text", "")
    return Response(body, headers={"Content-Disposition": "attachment; filename=notes.txt"})


@app.route("/inline")
def inline():
    body = request.args.get("text", "")
    return Response(body, headers={"Content-Disposition": "inline"})
'''


def test_an_attachment_is_downloaded_not_rendered(repo: GitRepo) -> None:
    # a response sent as an attachment is saved by the browser (9 quiet); shown inline
    # it is rendered (15)
    found = _semgrep_found(repo, {"app.py": DOWNLOADS})
    assert found == [("xss", 15)]


COUNTED = '''\
from flask import Flask, make_response
from markupsafe import escape

app = Flask(__name__)
CACHE: dict[str, dict] = {}


@app.post("/cache/<region>/flush")
def flush(region):
    removed = len(CACHE.pop(region, {}))
    return make_response(f"<p>Cleared {escape(region)} ({removed} entries)</p>")


@app.post("/cache/<region>/count")
def count(region):
    return make_response(f"<p>{region}: {len(CACHE.get(region, {}))} entries</p>")
'''


def test_the_length_of_what_a_container_gives_for_a_key_is_a_number(repo: GitRepo) -> None:
    # `len(CACHE.pop(region, {}))` holds no text of the region (10 quiet); the region
    # itself unescaped beside such a length is reported (16)
    found = _semgrep_found(repo, {"app.py": COUNTED})
    assert [line for rule, line in found if rule == "xss"] == [16]
