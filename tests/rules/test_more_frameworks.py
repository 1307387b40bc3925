"""Bottle, Pyramid and Falcon: where each framework hands a view the request's data.
Bottle's `request.query`, `request.forms`, `request.params` and route parameters (its
`<name:int>` converters give numbers), its `template()` running a template's source;
Pyramid's `request.params`, `request.matchdict` and `request.json_body`, and its
`Response` (HTML unless declared otherwise); Falcon's responders `on_get(self, req,
resp, <URI fields>)` reading `req.get_param(...)`, `req.media` or the body stream; what a
Django form view's `form_valid` or a DRF view's `perform_create` is handed; a function
bound to the request's value by `functools.partial`; a constructor parsing what it is
given. Beside each, a value of the same handler that is not the request's."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

BOTTLE = '''\
import sqlite3
import subprocess

from bottle import Bottle, request

app = Bottle()
db = sqlite3.connect("shop.db")


@app.get("/search")
def search():
    term = request.query.get("q", "")
    return {"rows": db.execute("SELECT * FROM items WHERE name LIKE '%" + term + "%'").fetchall()}


@app.post("/notes")
def notes():
    title = request.forms.getunicode("title", "")
    return {"rows": db.execute("SELECT * FROM notes WHERE title = ?", (title,)).fetchall()}


@app.get("/hosts/<name>")
def ping(name):
    return subprocess.run(f"ping -c 1 {name}", shell=True, capture_output=True).stdout


@app.get("/sensors/<sensor_id:int>")
def sensor(sensor_id):
    return subprocess.run(f"sensorctl show {sensor_id}", shell=True, capture_output=True).stdout
'''

PYRAMID = '''\
import subprocess

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config


@view_config(route_name="export", renderer="json")
def export(request):
    fmt = request.params.get("format", "csv")
    subprocess.run("exporter --format " + fmt, shell=True, check=True)
    return {"ok": True}


@view_config(route_name="project")
def project(request):
    return HTTPFound(location=request.matchdict["next"])


@view_config(route_name="report", renderer="json")
def report(request):
    body = request.json_body
    subprocess.run(["reporter", "--name", body["name"]], check=True)
    return {"ok": True}
'''

FALCON = '''\
import pickle
import subprocess

import falcon


class RestoreResource:
    def on_post(self, req, resp, session_key):
        state = pickle.loads(req.bounded_stream.read())
        resp.media = {"restored": session_key, "steps": len(state)}


class DnsResource:
    def on_get(self, req, resp):
        domain = req.get_param("domain", required=True)
        out = subprocess.run("dig +short " + domain, shell=True, capture_output=True)
        resp.media = {"answers": out.stdout.decode().splitlines()}


class ArchiveResource:
    def on_get(self, req, resp, name):
        subprocess.run("tar czf /tmp/out.tgz " + name, shell=True, check=True)
        resp.media = {"ok": True}


class StatusResource:
    def on_get(self, req, resp):
        out = subprocess.run("uptime", shell=True, capture_output=True)
        resp.media = {"uptime": out.stdout.decode()}


app = falcon.App()
app.add_route("/sessions/{session_key}/restore", RestoreResource())
app.add_route("/dns", DnsResource())
app.add_route("/archives/{name}", ArchiveResource())
app.add_route("/status", StatusResource())
'''


def test_bottle_requests_and_route_parameters_are_request_data(repo: GitRepo) -> None:
    # the query (13) and a route parameter (24) reported; a bound parameter (19) and a
    # parameter its route converts to a number (29) not
    found = _semgrep_found(repo, {"app.py": BOTTLE})
    assert found == [("command-injection", 24), ("sqli", 13)]


def test_pyramid_requests_are_request_data(repo: GitRepo) -> None:
    # the parameters (10) and the matched URL (16) reported; a JSON field handed to a
    # program as one argument (22) not
    found = _semgrep_found(repo, {"views.py": PYRAMID})
    assert found == [("command-injection", 10), ("open-redirect", 16)]


def test_falcon_responders_read_request_data(repo: GitRepo) -> None:
    # the body stream (9), a parameter (16) and a URI field (22) reported; a fixed
    # command (28) not
    found = _semgrep_found(repo, {"resources.py": FALCON})
    assert found == [("command-injection", 16), ("command-injection", 22),
                     ("unsafe-deserialization", 9)]


FORM_VIEWS = '''\
import subprocess

from django.views.generic import FormView
from lxml import etree
from rest_framework import generics

from shop.forms import ImportForm


class ImportView(FormView):
    form_class = ImportForm

    def form_valid(self, form):
        parser = etree.XMLParser(resolve_entities=True)
        etree.fromstring(form.cleaned_data["statement"].read(), parser)
        subprocess.run(["importer", form.cleaned_data["format"]], check=True)
        return super().form_valid(form)


class ArchiveCreate(generics.CreateAPIView):
    def perform_create(self, serializer):
        subprocess.run("tar czf /tmp/a.tgz " + serializer.validated_data["folder"], shell=True)
        serializer.save()
'''


def test_what_a_form_view_is_handed_is_request_data(repo: GitRepo) -> None:
    # the form's uploaded statement (15) and a serializer's field (22) reported; a field
    # handed to a program as one argument (16) not
    found = _semgrep_found(repo, {"shop/__init__.py": "", "shop/forms.py": "ImportForm = None\n",
                                  "shop/views.py": FORM_VIEWS})
    assert found == [("command-injection", 22), ("xxe", 15)]


PYRAMID_PAGES = '''\
from functools import partial

from pyramid.response import Response
from pyramid.view import view_config


def page(email):
    return "<p>The address " + email + " will no longer receive mail.</p>"


def matches(sample, condition):
    return bool(eval(condition, {}, sample))


@view_config(route_name="unsubscribe")
def unsubscribe(request):
    return Response(page(request.params["email"]), content_type="text/html")


@view_config(route_name="status")
def status(request):
    return Response(request.params["name"], content_type="text/plain")


@view_config(route_name="test", renderer="json")
def test_rule(request):
    condition = request.json_body["condition"]
    return {"hits": len(list(filter(partial(matches, condition=condition), SAMPLES)))}


SAMPLES = [{"cpu": 1}]
'''


def test_pyramid_responses_and_functions_bound_to_arguments(repo: GitRepo) -> None:
    # an HTML page of the request's address (17) reported, a plain-text one (22) not; a
    # function bound to the request's condition by functools.partial runs it (28)
    found = _semgrep_found(repo, {"views.py": PYRAMID_PAGES})
    assert found == [("code-injection", 28), ("xss", 17)]


BOTTLE_TEMPLATES = '''\
from bottle import Bottle, request, template
from lxml import etree

app = Bottle()
CARD = "<div>Dear {{recipient}},</div>"


class InvoiceDocument:
    def __init__(self, payload):
        self.parser = etree.XMLParser(resolve_entities=True)
        self.tree = etree.fromstring(payload, self.parser)


class SafeDocument:
    def __init__(self, payload):
        self.tree = etree.fromstring(payload, etree.XMLParser(resolve_entities=False))


@app.post("/cards/preview")
def preview():
    return template(CARD + "<p>" + request.forms.getunicode("message") + "</p>",
                    recipient=request.forms.getunicode("recipient"))


@app.post("/cards/show")
def show():
    return template("card.tpl", recipient=request.forms.getunicode("recipient"))


@app.post("/invoices")
def invoices():
    return {"number": InvoiceDocument(request.body.read()).tree.findtext("number")}


@app.post("/receipts")
def receipts():
    return {"number": SafeDocument(request.body.read()).tree.findtext("number")}
'''


def test_bottle_templates_and_constructors_taking_the_document(repo: GitRepo) -> None:
    # a template's source of the request's message (21) reported, a template file given
    # the request's value (27) not; a constructor parsing its argument with a resolving
    # parser (32) reported, one parsing it with a closed one (37) not
    found = _semgrep_found(repo, {"app.py": BOTTLE_TEMPLATES})
    assert found == [("code-injection", 21), ("xxe", 32)]


WTFORMS = '''\
import subprocess

from flask import Flask, redirect, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField

app = Flask(__name__)


class ThumbnailForm(FlaskForm):
    size = StringField("size")
    quality = IntegerField("quality")


@app.post("/thumbnail")
def thumbnail():
    form = ThumbnailForm()
    if form.validate_on_submit():
        subprocess.run(f"convert in.jpg -thumbnail {form.size.data} out.jpg", shell=True)
    return redirect(url_for("index"))


@app.post("/quality")
def quality():
    form = ThumbnailForm()
    if form.validate_on_submit():
        subprocess.run(["convert", "in.jpg", "-quality", str(form.quality.data), "out.jpg"])
    return redirect(url_for("index"))
'''


def test_a_flask_wtf_forms_fields_are_request_data(repo: GitRepo) -> None:
    # a field of a form that binds the request by itself reaches a shell (19); a field
    # given to a program as one argument (26) is not
    found = _semgrep_found(repo, {"app.py": WTFORMS})
    assert found == [("command-injection", 19)]


WTFORMS_VIEW = '''\
import subprocess

from flask import Blueprint
from flask.views import MethodView

from app.forms import ThumbnailForm

media = Blueprint("media", __name__)


class ThumbnailView(MethodView):
    def post(self):
        form = ThumbnailForm()
        if form.validate_on_submit():
            subprocess.run("convert in.jpg -thumbnail " + form.size.data + " out.jpg", shell=True)
        return "", 204


media.add_url_rule("/thumbnail", view_func=ThumbnailView.as_view("thumbnail"))
'''


def test_a_form_made_in_a_method_view_without_the_request_is_read(repo: GitRepo) -> None:
    # a method that names neither the request nor a route: the form is what holds it (15)
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/forms.py": "ThumbnailForm = None\n",
                                  "app/views.py": WTFORMS_VIEW})
    assert found == [("command-injection", 15)]
