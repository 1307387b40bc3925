"""Templates: unsafe outputs read from Jinja2 and Django templates, and request data that
views pass to them, reported at the template line with the view named."""

from __future__ import annotations

import os
from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from assay.api import locate_project, scan
from assay.ledger.result_cache import open_result_cache
from assay.model import Finding, RunStatus, SkipReason
from assay.scanners.semgrep._template_flow import (
    _TEMPLATE_NAME,
    FACTS_KIND,
    RULE_ID,
    names_a_template,
)
from assay.scanners.semgrep._templates import is_template, template_name, unsafe_outputs
from tests.helpers import GitRepo

FLASK_VIEW = '''\
from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/profile")
def profile():
    bio = request.args.get("bio", "")
    return render_template("users/profile.html", bio=bio, title="Profile")
'''
PROFILE = "<h1>{{ title|safe }}</h1>\n<p>{{ bio|safe }}</p>\n"
DJANGO_VIEWS = '''\
from django.shortcuts import render


def search(request):
    q = request.GET.get("q", "")
    return render(request, "shop/search.html", {"query": q, "count": 3})


def note(request):
    context = {"note": request.POST["note"]}
    return render(request, "shop/search.html", context)
'''
SEARCH = ("<h1>{{ count }}</h1>\n{% autoescape off %}\n<p>{{ query }}</p>\n"
          "{% endautoescape %}\n<p>{{ note|safe }}</p>\n")
AIOHTTP_VIEWS = '''\
import aiohttp_jinja2


@aiohttp_jinja2.template("page.html")
async def page(request):
    data = await request.post()
    return {"heading": data["heading"]}
'''


def _template_findings(repo: GitRepo) -> list[Finding]:
    run = scan(repo.path, scanners=["semgrep"]).run
    return sorted((f for f in run.findings if f.cwe == 79), key=lambda f: f.sort_key())


def test_unsafe_outputs_of_jinja_and_django_templates() -> None:
    text = ("{{ a|safe }} {{ b }} {{ c|e }}\n{# {{ hidden|safe }} #}\n"
            "{% autoescape false %}{{ d }} {{ e|escape }}{% endautoescape %}\n"
            "{% autoescape off %}\n{% for item in items %}{{ item.body }}{% endfor %}\n"
            "{% endautoescape %}{{ f }}\n{{ 'x|safe' }} {{ request.GET.q|safe }}\n")
    found = [(o.line, o.variable, o.how, o.from_request)
             for o in unsafe_outputs("app/templates/x/y.html", text)]
    assert found == [(1, "a", "|safe", False), (3, "d", "autoescape off", False),
                     (5, "items", "autoescape off", False), (7, "request", "|safe", True)]
    # an environment with autoescaping off renders every unescaped output as markup
    assert [o.variable for o in unsafe_outputs("t.j2", "{{ a }}{{ b|e }}", True)] == ["a"]


def test_template_files_and_their_names() -> None:
    assert is_template("app/templates/users/profile.html")
    assert is_template("mail/welcome.j2")
    assert not is_template("static/index.html")
    assert not is_template("app/templates.py")
    assert not is_template("app/templates/.html")  # a hidden file has no suffix
    assert template_name("app/templates/users/profile.html") == "users/profile.html"
    assert template_name("mail/welcome.j2") == ""


@given(st.lists(st.sampled_from(["templates", "app", ".html", "x.html", "a.J2", ".j2",
                                 "t.jinja2", "b.htm", "templates.html", "c.py", "x."]),
                min_size=1, max_size=4))
def test_template_paths_read_from_the_string_as_a_path_object_reads_them(
        parts: list[str]) -> None:
    path = "/".join(parts)
    pure = PurePosixPath(path)
    suffix = pure.suffix.lower()
    expected = suffix in {".jinja", ".jinja2", ".j2"} or (
        suffix in {".html", ".htm", ".jinja", ".jinja2", ".j2", ".djhtml"}
        and "templates" in pure.parts[:-1])
    assert is_template(path) == expected


def test_an_unclosed_tag_in_a_large_template_is_read_without_finding(
        repo: GitRepo) -> None:
    text = "{{ " + "x" * 200_000 + "\n{% autoescape off %}" + "{ " * 50_000
    assert unsafe_outputs("app/templates/big.html", text) == []


def test_flask_view_into_safe_filter_is_reported_at_the_template_line(repo: GitRepo) -> None:
    repo.write("app/views.py", FLASK_VIEW)
    repo.write("app/templates/users/profile.html", PROFILE)
    repo.commit()
    found = _template_findings(repo)
    assert [(f.rule_id, f.path, f.span.start_line) for f in found] == [
        (RULE_ID, "app/templates/users/profile.html", 2)]
    assert "from the view at app/views.py:9" in found[0].message
    assert found[0].snippet == "<p>{{ bio|safe }}</p>" and found[0].line_hash
    # the fixed template (escaped by default) gives nothing
    repo.write("app/templates/users/profile.html", PROFILE.replace("bio|safe", "bio"))
    repo.commit()
    assert _template_findings(repo) == []


def test_django_context_dicts_and_aiohttp_templates(repo: GitRepo) -> None:
    repo.write("shop/views.py", DJANGO_VIEWS)
    repo.write("shop/templates/shop/search.html", SEARCH)
    repo.write("web/handlers.py", AIOHTTP_VIEWS)
    repo.write("web/templates/page.html", "<h2>{{ heading | safe }}</h2>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [
        ("shop/templates/shop/search.html", 3), ("shop/templates/shop/search.html", 5),
        ("web/templates/page.html", 1)]
    assert "shop/views.py:6" in found[0].message and "`query`" in found[0].message
    assert "shop/views.py:10" in found[1].message and "`note`" in found[1].message
    assert "web/handlers.py:7" in found[2].message


def test_a_view_is_reported_for_the_variable_its_template_renders_unsafely(
        repo: GitRepo) -> None:
    # one rule covers every template: a call rendering a template that escapes the
    # tainted variable (while another template renders that variable unsafely) is safe
    repo.write("app/views.py", """\
from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/a")
def a():
    return render_template("a.html", y=request.args["y"], x="fixed")


@app.route("/b")
def b():
    return render_template("b.html", y=request.args["y"])
""")
    repo.write("app/templates/a.html", "<p>{{ x|safe }}</p>\n<p>{{ y }}</p>\n")
    repo.write("app/templates/b.html", "<p>{{ x }}</p>\n<p>{{ y|safe }}</p>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [("app/templates/b.html", 2)]
    assert "app/views.py:13" in found[0].message


def test_template_reading_request_data_itself(repo: GitRepo) -> None:
    repo.write("app/templates/search.html", "<p>{{ request.args.q|safe }}</p>\n")
    repo.write("app/templates/fine.html", "<p>{{ request.args.q }}</p>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line, f.cwe) for f in found] == [
        ("app/templates/search.html", 1, 79)]


def test_template_facts_are_cached_per_file(repo: GitRepo) -> None:
    repo.write("app/views.py", FLASK_VIEW)
    repo.write("app/templates/users/profile.html", PROFILE)
    repo.commit()
    first = scan(repo.path, scanners=["semgrep"])
    again = scan(repo.path, scanners=["semgrep"])
    assert [f.fingerprint for f in again.run.findings] == \
        [f.fingerprint for f in first.run.findings]
    assert again.run.metrics.cache.misses == 0
    cache = open_result_cache(locate_project(repo.path).state_dir)
    try:
        ids = [f"{repo.git('rev-parse', 'HEAD:' + p)}:{k}" for p, k in
               (("app/views.py", "p"), ("app/templates/users/profile.html", "t"))]
        assert set(cache.get_docs(FACTS_KIND, ids)) == set(ids)
    finally:
        cache.close()


def test_hostile_templates_are_skipped_like_python_files(repo: GitRepo) -> None:
    repo.write("app/views.py", FLASK_VIEW)
    repo.write("app/templates/users/profile.html", b"<p>\xff\xfe {{ bio|safe }}</p>\n")
    # names that cannot be written into a rule: left out, the scan stays complete
    repo.write("app/templates/users/odd.html", "{{ class|safe }} {{ caf\u00e9|safe }}\n")
    repo.write("app/odd.py", "from flask import render_template\n\n\ndef v():\n"
               "    return render_template('users/odd.html')\n")
    os.symlink("/etc/passwd", repo.path / "app/templates/secret.html")
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    skipped = {(s.path, s.reason) for s in run.coverage.skipped}
    assert ("app/templates/users/profile.html", SkipReason.UNDECODABLE) in skipped
    assert any(p == "app/templates/secret.html" and r.value.startswith("symlink")
               for p, r in skipped)
    assert [f for f in run.findings if f.cwe == 79] == []
    assert run.status is RunStatus.INCOMPLETE  # the undecodable template only
    assert {s.path for s in run.coverage.skipped} == {
        "app/templates/users/profile.html", "app/templates/secret.html"}


SUMMARIZED_VIEWS = """\
from flask import Flask, render_template

from app.params import param
from app.notes import body_of

app = Flask(__name__)


@app.route("/notes/<int:note_id>")
def note(note_id):
    return render_template("note.html", body=body_of(note_id))


@app.route("/preview")
def preview():
    return render_template("note.html", body=param("text"))
"""


def test_the_template_rule_knows_the_projects_summaries(repo: GitRepo) -> None:
    # a route parameter typed <int:...> is no request data (as for the other taint
    # rules); a project helper returning request data is
    repo.write("app/__init__.py", "")
    repo.write("app/params.py", "from flask import request\n\n\ndef param(name):\n"
                                "    return request.args.get(name, '')\n")
    repo.write("app/notes.py", "def body_of(note_id):\n    return f'<p>note {note_id}</p>'\n")
    repo.write("app/views.py", SUMMARIZED_VIEWS)
    repo.write("app/templates/note.html", "<div>{{ body|safe }}</div>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [("app/templates/note.html", 1)]
    assert "from the view at app/views.py:16" in found[0].message
    assert "app/views.py:11" not in found[0].message


@given(st.lists(st.sampled_from(["render(", "'", '"', "a/b", ".", "html", "htm", "jinja",
                                 "jinja2", "j2", "djhtml", ".join(", " ", "x_y"]),
                max_size=12))
def test_the_substring_test_for_a_template_name_agrees_with_the_pattern(parts: list[str]) -> None:
    text = "".join(parts)
    assert names_a_template(text) == (_TEMPLATE_NAME.search(text) is not None)


STORED_MODELS = """\
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=100)
    body = models.TextField()
"""
STORED_VIEWS = """\
from django.shortcuts import get_object_or_404, render

from blog.models import Post


def post(request, pk):
    item = get_object_or_404(Post, pk=pk)
    return render(request, "blog/post.html", {"post": item})


def latest(request):
    return render(request, "blog/latest.html", {"post": Post.objects.order_by("-id").first()})


def about(request):
    return render(request, "blog/post.html", {"post": {"body": "<b>About</b>"}})
"""


def test_a_database_value_rendered_unescaped_is_stored_xss_and_does_not_block(
        repo: GitRepo) -> None:
    # a model row read in the view and rendered |safe: reported at the template line,
    # medium (whether users write that field is not known here); the same row escaped
    # is nothing, and so is a constant rendered |safe
    repo.write("blog/__init__.py", "")
    repo.write("blog/models.py", STORED_MODELS)
    repo.write("blog/views.py", STORED_VIEWS)
    repo.write("blog/templates/blog/post.html",
               "<h1>{{ post.title }}</h1>\n<div>{{ post.body|safe }}</div>\n")
    repo.write("blog/templates/blog/latest.html", "<h1>{{ post.title }}</h1>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line, f.severity.value) for f in found] == [
        ("blog/templates/blog/post.html", 2, "medium")]
    assert "read from the database" in found[0].message
    assert "blog/views.py:8" in found[0].message and "blog/views.py:16" not in found[0].message


def test_a_view_on_a_test_path_that_production_imports_is_checked_for_stored_xss(
        repo: GitRepo) -> None:
    # a pull request chooses its paths: a view moved under tests/ that the application
    # still imports is production code, and the stored-data rule runs on it; a test
    # module nothing imports is a test's own (its rows are fixtures)
    repo.write("blog/__init__.py", "")
    repo.write("blog/models.py", STORED_MODELS)
    repo.write("blog/tests/__init__.py", "")
    repo.write("blog/tests/views.py", STORED_VIEWS)
    repo.write("blog/templates/blog/post.html", "<div>{{ post.body|safe }}</div>\n")
    repo.write("blog/templates/blog/latest.html", "<h1>{{ post.title }}</h1>\n")
    repo.commit()
    assert _template_findings(repo) == []
    repo.write("blog/urls.py", "from blog.tests import views\n\nurlpatterns = [views.post]\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line, f.severity.value) for f in found] == [
        ("blog/templates/blog/post.html", 1, "medium")]
    assert "blog/tests/views.py:8" in found[0].message


DAO = """\
import sqlite3


class NoteDAO:
    @staticmethod
    def get(note_id):
        db = sqlite3.connect("notes.db")
        return db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
"""
SERVICE = """\
import markdown

from notes.dao import NoteDAO


def note_with_html(note_id):
    note = NoteDAO.get(note_id)
    return note, markdown.markdown(note["body"])


def title_of(note_id):
    return NoteDAO.get(note_id)["title"]
"""
NOTE_SHOW = """\
from flask import Flask, render_template

from notes import service

app = Flask(__name__)


@app.route("/notes/<int:note_id>")
def show(note_id):
    note, body = service.note_with_html(note_id)
    return render_template("show.html", note=note, body=body)
"""
NOTE_VIEWS = NOTE_SHOW + """

@app.route("/notes/<int:note_id>/title")
def title(note_id):
    return render_template("title.html", title=service.title_of(note_id))
"""


def _notes_app(repo: GitRepo, service: str, views: str) -> None:
    """A notes package: the DAO, `service` and `views` (templates written by the test)."""
    repo.write("notes/__init__.py", "")
    repo.write("notes/dao.py", DAO)
    repo.write("notes/service.py", service)
    repo.write("notes/views.py", views)


def test_a_row_read_in_a_data_access_layer_reaches_the_template_through_helpers(
        repo: GitRepo) -> None:
    # the row comes from a DAO's static method through a service function; its Markdown
    # rendered to HTML is shown |safe. Control: a title rendered escaped.
    _notes_app(repo, SERVICE, NOTE_VIEWS)
    repo.write("notes/templates/show.html", "<h1>{{ note['title'] }}</h1>\n{{ body|safe }}\n")
    repo.write("notes/templates/title.html", "<h1>{{ title }}</h1>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [("notes/templates/show.html", 2)]


TUPLE_SERVICE = """\
import bleach
import markdown

from notes.dao import NoteDAO


def render_markdown(text):
    return bleach.clean(markdown.markdown(text))


def note_with_html(note_id):
    note = NoteDAO.get(note_id)
    if note is None:
        return None, None
    return note, render_markdown(note["body"])


def note_or_html(note_id, whole):
    note = NoteDAO.get(note_id)
    if whole:
        return note
    return note, render_markdown(note["body"])
"""
TUPLE_VIEWS = NOTE_SHOW + """

@app.route("/notes/<int:note_id>/pair")
def pair(note_id):
    both = service.note_with_html(note_id)
    return render_template("pair.html", both=both, title="Note")


@app.route("/notes/<int:note_id>/mixed")
def mixed(note_id):
    note, body = service.note_or_html(note_id, False)
    return render_template("mixed.html", note=note, body=body)
"""


def test_a_helper_returning_a_tuple_gives_stored_data_to_the_names_it_is_unpacked_into(
        repo: GitRepo) -> None:
    # `note, body = note_with_html(...)`: the row is stored data, its Markdown cleaned with
    # bleach by a project helper is not (control: `body` rendered |safe gives nothing).
    # The tuple not unpacked is stored data as a whole (control: a constant rendered
    # |safe beside it). A helper that also returns the row alone is read as a whole: its
    # `body` is reported where the same unpacking of `note_with_html` gives nothing.
    _notes_app(repo, TUPLE_SERVICE, TUPLE_VIEWS)
    repo.write("notes/templates/show.html", "<h1>{{ note['title']|safe }}</h1>\n"
                                            "{{ body|safe }}\n")
    repo.write("notes/templates/pair.html", "<h1>{{ title|safe }}</h1>\n{{ both|safe }}\n")
    repo.write("notes/templates/mixed.html", "<h1>{{ note['title'] }}</h1>\n"
                                             "{{ body|safe }}\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [
        ("notes/templates/mixed.html", 2), ("notes/templates/pair.html", 2),
        ("notes/templates/show.html", 1)]


def test_a_database_value_beside_request_data_never_lowers_the_finding(repo: GitRepo) -> None:
    # attack: a pull request mixes a row into a value that carries request data, hoping
    # the medium stored-data finding at the template line stands for the high one
    repo.write("app/__init__.py", "")
    repo.write("app/views.py", "import sqlite3\n\nfrom flask import Flask, render_template, "
                               "request\n\napp = Flask(__name__)\n\n\n@app.route('/n')\n"
                               "def note():\n    db = sqlite3.connect('n.db')\n"
                               "    row = db.execute('SELECT body FROM notes').fetchone()\n"
                               "    body = row[0] + request.args.get('sig', '')\n"
                               "    return render_template('note.html', body=body)\n")
    repo.write("app/templates/note.html", "<div>{{ body|safe }}</div>\n")
    repo.commit()
    run = scan(repo.path).run  # the default scanners: one finding per weakness of a line
    found = [f for f in run.findings if f.cwe == 79]
    assert [(f.path, f.span.start_line, f.severity.value) for f in found] == [
        ("app/templates/note.html", 1, "high")]
    assert found[0].message.startswith("Request data reaches")
    # and so with Semgrep alone (no merge of engines after it): one finding, both sources
    (alone,) = _template_findings(repo)
    assert (alone.severity.value, len(alone.sources)) == ("high", 2)


def test_a_project_helper_escaping_html_clears_what_a_template_marks_safe(
        repo: GitRepo) -> None:
    # `comment_html` escapes its argument with markupsafe before wrapping it in markup:
    # its result is safe to print unescaped; `comment_raw` wraps it as it is
    repo.write("app/fmt.py", "from markupsafe import escape\n\n\ndef comment_html(body):\n"
                             "    return \"<div class='c'>%s</div>\" % escape(body)\n\n\n"
                             "def comment_raw(body):\n"
                             "    return \"<div class='c'>%s</div>\" % body.strip()\n")
    repo.write("app/views.py", "from flask import Flask, render_template, request\n\n"
                               "from app.fmt import comment_html, comment_raw\n\n"
                               "app = Flask(__name__)\n\n\n"
                               "@app.route('/preview', methods=['POST'])\ndef preview():\n"
                               "    return render_template('preview.html', html=comment_html("
                               "request.form['body']))\n\n\n"
                               "@app.route('/raw', methods=['POST'])\ndef raw():\n"
                               "    return render_template('raw.html', html=comment_raw("
                               "request.form['body']))\n")
    repo.write("app/templates/preview.html", "<section>{{ html|safe }}</section>\n")
    repo.write("app/templates/raw.html", "<section>{{ html|safe }}</section>\n")
    repo.commit()
    assert [(f.path, f.span.start_line) for f in _template_findings(repo)] == [
        ("app/templates/raw.html", 1)]


def test_an_escaping_static_method_clears_what_a_template_marks_safe(repo: GitRepo) -> None:
    repo.write("app/catalog.py", "from markupsafe import escape\n\n\nclass Catalog:\n"
                                 "    @staticmethod\n    def review_html(body):\n"
                                 "        return '<div>%s</div>' % escape(body)\n\n"
                                 "    @staticmethod\n    def review_raw(body):\n"
                                 "        return '<div>%s</div>' % body\n")
    repo.write("app/views.py", "from flask import Flask, render_template, request\n\n"
                               "from app.catalog import Catalog\n\napp = Flask(__name__)\n\n\n"
                               "@app.route('/a', methods=['POST'])\ndef a():\n"
                               "    return render_template('a.html', html=Catalog.review_html("
                               "request.form['b']))\n\n\n"
                               "@app.route('/b', methods=['POST'])\ndef b():\n"
                               "    return render_template('b.html', html=Catalog.review_raw("
                               "request.form['b']))\n")
    repo.write("app/templates/a.html", "{{ html|safe }}\n")
    repo.write("app/templates/b.html", "{{ html|safe }}\n")
    repo.commit()
    assert [(f.path, f.span.start_line) for f in _template_findings(repo)] == [
        ("app/templates/b.html", 1)]


CLASS_VIEWS = '''\
from django.views.generic import ListView, TemplateView

from shop.models import Product


class SearchView(ListView):
    model = Product
    template_name = "shop/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "")
        context.update({"note": self.request.GET.get("note", "")})
        context["count"] = 3
        return context


class AboutView(TemplateView):
    template_name = "shop/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.get("q", "")
        return context
'''


def test_a_class_based_views_context_reaches_its_template(repo: GitRepo) -> None:
    # what `get_context_data` sets from the request reaches the `template_name` of its
    # class: search.html renders `query` with autoescaping off and `note` as safe; the
    # other view's template escapes `query`
    repo.write("shop/views.py", CLASS_VIEWS)
    repo.write("shop/templates/shop/search.html", SEARCH)
    repo.write("shop/templates/shop/about.html", "<p>{{ query }}</p>\n")
    repo.commit()
    found = _template_findings(repo)
    assert [(f.path, f.span.start_line) for f in found] == [
        ("shop/templates/shop/search.html", 3), ("shop/templates/shop/search.html", 5)]
    assert "shop/views.py:12" in found[0].message and "`query`" in found[0].message
    assert "shop/views.py:13" in found[1].message and "`note`" in found[1].message
