"""Generators, comprehensions and formats: what a generator yields is what its caller
iterates over, so a helper that yields the request's text is a source, one that yields
escaped text cleans it, and one that yields constants gives nothing; a container a
comprehension builds of the request's values holds them; a number conversion gives
digits; markup of a literal filled by `format` escapes what it fills in. Beside each, a
look-alike that is not."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

HANDLERS = '''\
import sqlite3

import tornado.web


class ReportHandler(tornado.web.RequestHandler):
    FIELDS = ("status", "owner")

    def _clauses(self):
        for field in self.FIELDS:
            value = self.get_argument(field, None)
            if value:
                yield f"{field} = '{value}'"

    def _placeholders(self):
        for field in self.FIELDS:
            if self.get_argument(field, None):
                yield f"{field} = ?"

    def get(self):
        db = sqlite3.connect("reports.db")
        where = " AND ".join(self._clauses()) or "1 = 1"
        rows = db.execute("SELECT * FROM reports WHERE " + where).fetchall()
        self.write({"rows": rows})

    def post(self):
        db = sqlite3.connect("reports.db")
        where = " AND ".join(self._placeholders()) or "1 = 1"
        values = [self.get_argument(f) for f in self.FIELDS if self.get_argument(f, None)]
        rows = db.execute("SELECT * FROM reports WHERE " + where, values).fetchall()
        self.write({"rows": rows})
'''

ESCAPING = '''\
import html


def escaped_items(items):
    for item in items:
        yield "<li>" + html.escape(item) + "</li>"


def raw_items(items):
    for item in items:
        yield "<li>" + item + "</li>"


def linked_items(rows):
    return "".join("<li><a href='/r/%d'>%s</a></li>" % (r.id, html.escape(r.title))
                   for r in rows)


def titled_items(rows):
    return "".join("<li><a href='/r/%d'>%s</a></li>" % (r.id, r.title) for r in rows)
'''

VIEWS = '''\
from flask import Flask, request

from app.markup import escaped_items, linked_items, raw_items, titled_items
from app.store import find_rows

app = Flask(__name__)


@app.get("/tags")
def tags():
    return "<ul>" + "".join(escaped_items(request.args.getlist("tag"))) + "</ul>"


@app.get("/labels")
def labels():
    return "<ul>" + "".join(raw_items(request.args.getlist("label"))) + "</ul>"


@app.get("/search")
def search():
    return "<ul>" + linked_items(find_rows(request.args["q"])) + "</ul>"


@app.get("/browse")
def browse():
    return "<ul>" + titled_items(find_rows(request.args["q"])) + "</ul>"
'''


def test_a_generator_yielding_request_text_is_a_source(repo: GitRepo) -> None:
    # clauses of the request's text (23) reported; clauses of placeholders (30) not,
    # nor the rows Tornado writes as JSON (31)
    found = _semgrep_found(repo, {"handlers.py": HANDLERS})
    assert found == [("sqli", 23)]


def test_a_generator_yielding_escaped_text_cleans_it(repo: GitRepo) -> None:
    # items escaped by the generator (11) quiet; items yielded as they are (16)
    # reported; rows whose ids a `%d` formats and whose titles are escaped (21) quiet,
    # their titles as they are (26) reported
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/markup.py": ESCAPING,
                                  "app/views.py": VIEWS})
    assert found == [("xss", 16), ("xss", 26)]


COMPREHENSIONS = '''\
import sqlite3

from flask import Flask, request

app = Flask(__name__)
FIELDS = ("status", "owner")


def where(filters):
    sql = "SELECT * FROM tickets WHERE 1 = 1"
    for field in FIELDS:
        if filters.get(field):
            sql += " AND " + field + " = '" + filters[field] + "'"
    return sql


@app.get("/tickets")
def tickets():
    filters = {name: request.args.get(name) for name in FIELDS}
    return {"rows": sqlite3.connect("t.db").execute(where(filters)).fetchall()}


@app.get("/owners")
def owners():
    names = [name.strip() for name in request.args.getlist("owner")]
    return {"rows": sqlite3.connect("t.db").execute(
        "SELECT * FROM owners WHERE name IN ('" + "','".join(names) + "')").fetchall()}


@app.get("/counts")
def counts():
    wanted = {name: len(request.args.get(name, "")) for name in FIELDS}
    return {"rows": sqlite3.connect("t.db").execute(
        "SELECT * FROM tickets LIMIT " + str(sum(wanted.values()))).fetchall()}
'''


def test_a_comprehension_of_request_data_holds_it(repo: GitRepo) -> None:
    # a dict (20) and a list (27) built of the request's values reported; one of their
    # lengths (33) not
    found = _semgrep_found(repo, {"app.py": COMPREHENSIONS})
    assert found == [("sqli", 20), ("sqli", 27)]


MARKUP = '''\
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


def headline(count, environment):
    return Markup("<strong>{}</strong> running in <em>{}</em>").format(count, environment)


def banner(text):
    return Markup("<div class='banner'>%s</div>" % text)


@app.get("/")
def dashboard():
    return "<h1>" + headline(3, request.args["environment"]) + "</h1>"


@app.get("/inline")
def inline():
    return Markup("<p>Hello {}</p>").format(request.args["name"])


@app.get("/banner")
def show_banner():
    return "<body>" + banner(request.args["text"]) + "</body>"
'''


def test_markup_filled_by_format_escapes_what_it_fills_in(repo: GitRepo) -> None:
    # `Markup(literal).format(...)` in a helper (called at 17) and in a view (22)
    # escapes what it fills in; text formatted first and then marked safe, in a helper,
    # is the markup rule's (at its call, 27)
    found = _semgrep_found(repo, {"app.py": MARKUP})
    assert found == [("xss-markup", 27)]
