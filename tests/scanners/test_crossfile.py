"""The cross-file pre-pass on small multi-file applications, scanned with the real
scanners: each test reduces a miss or false alarm seen on real code to its cause."""

from __future__ import annotations

from assay.api import scan
from assay.formats.trust_view import summary_line
from assay.model import Finding
from tests.helpers import GitRepo

SQLI = "assay.python.sqli.taint"
VIEW = ("from flask import Flask, request\nfrom libuser import login\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/login')\ndef view():\n"
        "    if login(request.args['u'], request.args['p']):\n"
        "        return 'welcome'\n    return 'no'\n")


def _found(repo: GitRepo) -> list[Finding]:
    return list(scan(repo.path).run.findings)


def _at(findings: list[Finding], rule: str) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in findings if f.rule_id == rule]


def test_a_helper_returning_a_constant_does_not_sanitize_its_own_sink(repo: GitRepo) -> None:
    repo.write("libuser.py", "import sqlite3\n\n\ndef login(u, p):\n"
                             "    cur = sqlite3.connect('app.db').cursor()\n"
                             "    cur.execute(\"select 1 from users where name = '%s'"
                             " and pw = '%s'\" % (u, p))\n    return True\n")
    repo.write("app.py", VIEW)
    repo.commit()
    findings = _found(repo)
    # found once at the call that passes request data, however many arguments it taints
    assert _at(findings, SQLI) == [("app.py", 9)]
    # Bandit's finding on the query itself is not dropped silently: the flow ends at its
    # line, so it joins the finding at the view (one bug, one finding, both sources)
    assert [f.path for f in findings if f.rule_id == "B608"] == []
    (view,) = [f for f in findings if f.rule_id == SQLI]
    assert "bandit:B608" in view.sources and view.flow[-1].path == "libuser.py"


def test_the_constant_result_of_such_a_helper_is_still_clean(repo: GitRepo) -> None:
    repo.write("libuser.py", "import os\n\n\ndef audit(entry):\n"
                             "    os.system('logger ' + entry)\n    return 'done'\n")
    repo.write("app.py", "import os\nfrom flask import Flask, request\n"
                         "from libuser import audit\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/a')\ndef view():\n"
                         "    status = audit(request.args['e'])\n"
                         "    os.system('echo ' + status)\n    return 'ok'\n")
    repo.commit()
    findings = _found(repo)
    # the call passes request data to the helper's sink; its constant result is clean
    assert _at(findings, "assay.python.command-injection.taint") == [("app.py", 10)]


def test_a_source_helper_that_is_also_a_sink_wrapper_taints_only_its_result(
        repo: GitRepo) -> None:
    # `notice()` returns request data and passes its `command` parameter to a shell: a
    # call with a literal command is no injection, though the call itself is a source
    repo.write("util.py", "import os\n\nfrom flask import request\n\n\ndef notice(command):\n"
                          "    os.system(command)\n    return request.args.get('next')\n")
    repo.write("app.py", "import os\nfrom flask import Flask, request\nfrom util import notice\n"
                         "\napp = Flask(__name__)\n\n\n@app.route('/a')\ndef a():\n"
                         "    target = notice('logger visited')\n"
                         "    os.system('echo ' + target)\n    return 'ok'\n\n\n"
                         "@app.route('/b')\ndef b():\n"
                         "    notice('logger ' + request.args['who'])\n"
                         "    return 'ok'\n")
    repo.commit()
    found = _at(_found(repo), "assay.python.command-injection.taint")
    # controls: its result reaching a shell (line 11) and request data passed as the
    # command (line 17) are still found; the literal command at line 10 is not
    assert sorted(found) == [("app.py", 11), ("app.py", 17)]


DAO = """import sqlite3


class UserDao:
    @staticmethod
    def find(name):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("select * from users where name = '%s'" % name)
        return cur.fetchall()

    @classmethod
    def by_mail(cls, mail):
        return cls.find(mail)

    def remove(self, name):
        sqlite3.connect("app.db").execute("delete from users where name = '" + name + "'")
"""
HANDLERS = """from flask import Flask, request

from dao import UserDao

app = Flask(__name__)


@app.route("/users")
def users():
    rows = UserDao.find(request.args["name"])
    UserDao.by_mail(request.args["mail"])
    dao = UserDao()
    dao.remove(request.form["name"])
    return str(rows)
"""


def test_methods_are_summarized_like_functions(repo: GitRepo) -> None:
    """Static, class and instance methods, called through the imported class and through
    an instance; a class method calling another method of its class through `cls`."""
    repo.write("dao.py", DAO)
    repo.write("handlers.py", HANDLERS)
    repo.commit()
    findings = _found(repo)
    assert _at(findings, SQLI) == [("handlers.py", 10), ("handlers.py", 11),
                                   ("handlers.py", 13)]
    # a method of the class called through cls is not ElementTree's find (an XPath sink)
    assert not [f for f in findings if f.cwe == 643]


GUARDS = '''import os
import re
from pathlib import Path
from urllib.parse import urlparse

from flask import abort, request

BASE = Path("/srv/files")
SORTS = ("name", "created")


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def require_sort(column):
    if column not in SORTS:
        abort(400)


def inside(name):
    path = (BASE / name).resolve()
    if not path.is_relative_to(BASE):
        raise ValueError(name)
    return path


def _allow_redirect(target):
    parsed = urlparse(target)
    return not parsed.netloc or parsed.netloc == request.host


def has_text(value):
    return len(value) > 0
'''
GUARDED_VIEWS = '''import sqlite3

from flask import Flask, abort, redirect, request

from guards import _allow_redirect, esc, has_text, inside, require_sort

app = Flask(__name__)
db = sqlite3.connect("app.db")


@app.route("/hello")
def hello():
    return "<p>" + esc(request.args["name"]) + "</p>"


@app.route("/list")
def listing():
    column = request.args["sort"]
    require_sort(column)
    return str(db.execute("select * from items order by " + column).fetchall())


@app.route("/file")
def download():
    with open(inside(request.args["f"])) as handle:
        return handle.read(), 200, {"Content-Type": "text/plain"}


@app.route("/next")
def follow():
    target = request.args["next"]
    if not _allow_redirect(target):
        abort(400)
    return redirect(target)


@app.route("/search")
def search():
    term = request.args["q"]
    if not has_text(term):
        abort(400)
    return str(db.execute("select * from items where name = '" + term + "'").fetchall())
'''


def test_project_local_sanitizers_and_guards_in_another_module(repo: GitRepo) -> None:
    """An escaping helper (a replace chain), an allow-list check that aborts, a path
    containment helper returning the checked path and a redirect validator, each defined
    in another module, clear the value; a check of the length only does not."""
    repo.write("guards.py", GUARDS)
    repo.write("views.py", GUARDED_VIEWS)
    repo.commit()
    findings = _found(repo)
    assert _at(findings, SQLI) == [("views.py", 42)]
    assert _at(findings, "assay.python.xss.taint") in ([], [("views.py", 42)])
    assert not _at(findings, "assay.python.path-traversal.taint")
    assert not _at(findings, "assay.python.open-redirect.taint")


def test_scanning_one_folder_gives_that_folders_findings_of_a_whole_scan(repo: GitRepo) -> None:
    """The pre-pass reads the helpers the folder imports from inside the folder whatever
    the scan root: a helper returning request data and a sink wrapper in sibling files."""
    repo.write("web/helpers.py", "from flask import request\n\n\ndef get_param(name):\n"
                                 "    return request.args.get(name)\n")
    repo.write("web/db.py", "import sqlite3\n\n\ndef find(name):\n"
                            "    sqlite3.connect('app.db').execute(\n"
                            "        \"select * from users where name = '%s'\" % name)\n")
    repo.write("web/views.py", "import os\n\nfrom flask import Flask\n\nfrom db import find\n"
                               "from helpers import get_param\n\napp = Flask(__name__)\n\n\n"
                               "@app.route('/')\ndef index():\n"
                               "    os.system('ls ' + get_param('dir'))\n"
                               "    find(get_param('name'))\n    return 'ok'\n")
    repo.write("tools/report.py", "import os\n\nos.system('date')\n")
    repo.commit()

    def keys(findings: tuple[Finding, ...]) -> set[tuple[str, str, int]]:
        return {(f.rule_id, f.path, f.span.start_line) for f in findings
                if f.path.startswith("web/")}

    whole = keys(scan(repo.path).run.findings)
    assert {(SQLI, "web/views.py", 14),
            ("assay.python.command-injection.taint", "web/views.py", 13)} <= whole
    assert keys(scan(repo.path / "web").run.findings) == whole


FORM = """from flask import request


class Form:
    def term(self):
        return request.args.get("q", "")

    def page(self):
        return request.args.get("page", "1")

    def title(self):
        return "Search"

    def query(self):
        return "select * from items where name = '%s'" % self.term()
"""
SEARCH = """import sqlite3

from flask import Flask

from form import Form

app = Flask(__name__)


@app.route("/search")
def search():
    cur = sqlite3.connect("app.db").cursor()
    form = Form()
    cur.execute("select * from items where name = '" + form.term() + "'")
    cur.execute("select * from items limit " + form.page())
    cur.execute("select * from items where title = '" + form.title() + "'")
    cur.execute(Form().query())
    return "ok"
"""


def test_several_source_methods_of_one_class(repo: GitRepo) -> None:
    """Two methods of a class return request data, a third does not: each call of one of
    the two is a source (through an instance, through `self` inside the class), the
    third never (the generated rule names the methods of a class together)."""
    repo.write("form.py", FORM)
    repo.write("search.py", SEARCH)
    repo.commit()
    assert sorted(_at(_found(repo), SQLI)) == [("search.py", 14), ("search.py", 15),
                                               ("search.py", 17)]


SSRF = "assay.python.ssrf.taint"


def test_a_helper_checking_the_host_before_the_request_is_no_sink(repo: GitRepo) -> None:
    # the helper leaves on a host outside its allow-list before it fetches; a second
    # helper without the check is still a sink wrapper; in the handler, a form field
    # checked the same way is clean from the check on, an unchecked one is not
    repo.write("fetch.py", "from urllib.parse import urlparse\n\nimport requests\n\n"
                           "HOSTS = {'cdn.example.com'}\n\n\n"
                           "def fetch_image(url):\n"
                           "    if urlparse(url).hostname not in HOSTS:\n"
                           "        raise ValueError(url)\n"
                           "    return requests.get(url, timeout=5).content\n\n\n"
                           "def fetch_any(url):\n"
                           "    return requests.get(url, timeout=5).content\n")
    repo.write("app.py", "import aiohttp\nfrom aiohttp import web\nfrom urllib.parse import "
                         "urlparse\n\nfrom fetch import HOSTS, fetch_any, fetch_image\n\n\n"
                         "async def image(request):\n"
                         "    return web.Response(body=fetch_image(request.query['u']))\n\n\n"
                         "async def anything(request):\n"
                         "    return web.Response(body=fetch_any(request.query['u']))\n\n\n"
                         "async def avatar(request):\n"
                         "    data = await request.post()\n"
                         "    if urlparse(data['url']).hostname not in HOSTS:\n"
                         "        raise web.HTTPBadRequest()\n"
                         "    async with aiohttp.ClientSession() as client:\n"
                         "        checked = await client.get(data['url'])\n"
                         "        unchecked = await client.get(data['other'])\n"
                         "    body = await checked.read() + await unchecked.read()\n"
                         "    return web.Response(body=body)\n")
    repo.commit()
    assert _at(_found(repo), SSRF) == [("app.py", 13), ("app.py", 22)]


def test_an_import_bandit_checks_is_not_a_finding_of_its_own(repo: GitRepo) -> None:
    # `import subprocess` and a call with an argument list whose program runs another
    # (`env`): Bandit's import check (B404) is counted, not reported; its call checks
    # (B603/B607) are reported, low, as one
    repo.write("tools.py", "import subprocess\n\n\ndef log(ref):\n"
                           "    return subprocess.run(['env', 'git', 'log', ref], check=True)\n")
    repo.commit()
    result = scan(repo.path)
    assert [f.sources for f in result.run.findings] == [("bandit:B603", "bandit:B607")]
    assert dict(result.run.provenance.extra)["merge.bandit_imports"] == "1"
    # and where a person reads the run
    assert "1 unconfirmed import check finding(s) not reported" in summary_line(result.run)


def test_each_tainted_argument_of_a_helper_call_follows_its_own_parameter(
        repo: GitRepo) -> None:
    # two parameters, each to a query of its own: the view's call is one finding per
    # query, each flow names its own, and Bandit's finding at each query joins the one
    # ending there instead of standing apart
    repo.write("queries.py", "import sqlite3\n\n\ndef search(term, limit=None):\n"
                             "    db = sqlite3.connect('app.db')\n"
                             "    db.execute(\"SELECT * FROM p WHERE name = '\" + term + \"'\")\n"
                             "    if limit:\n"
                             "        db.execute(\"SELECT * FROM p LIMIT %s\" % limit)\n")
    repo.write("app.py", "from flask import Flask, request\n\nfrom queries import search\n\n"
                         "app = Flask(__name__)\n\n\n@app.route('/s')\ndef view():\n"
                         "    search(request.args['q'], limit=request.args['n'])\n"
                         "    return 'ok'\n")
    repo.commit()
    views = [f for f in _found(repo) if f.cwe == 89]
    assert [(f.path, f.span.start_line) for f in views] == [("app.py", 10), ("app.py", 10)]
    assert sorted((f.flow[-1].path, f.flow[-1].line) for f in views) == [
        ("queries.py", 6), ("queries.py", 8)]
    assert all(f.sources.count("bandit:B608") == 1 for f in views)


def test_an_argument_the_helper_does_not_return_does_not_taint_its_result(
        repo: GitRepo) -> None:
    # the export's path is built from the note's id; the title goes to the converter only
    repo.write("export.py", "import os\nimport subprocess\n\n\ndef export_note(note_id, title):\n"
                            "    target = os.path.join('/srv/exports', f'{note_id}.pdf')\n"
                            "    subprocess.run(['pandoc', f'title={title}', '-o', target])\n"
                            "    return target\n")
    repo.write("app.py", "from flask import Flask, request, send_file\n\n"
                         "from export import export_note\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/e/<int:note_id>')\ndef export(note_id):\n"
                         "    return send_file(export_note(note_id, request.args['title']))\n\n\n"
                         "@app.route('/f')\ndef by_name():\n"
                         "    return send_file(export_note(request.args['n'], 'Note'))\n")
    repo.commit()
    assert _at(_found(repo), "assay.python.path-traversal.taint") == [("app.py", 15)]


def test_a_project_function_cannot_clear_a_library_function_of_its_name(
        repo: GitRepo) -> None:
    # attack: a pull request adds `urljoin(base, extra)` returning `base` only; the
    # argument it does not return is cleared in calls of it, not in a call that names
    # another module (control: the project's own helper).
    repo.write("util.py", "def urljoin(base, extra):\n    print(extra)\n    return base\n")
    repo.write("app.py", "import urllib.parse\n\nimport requests\n"
                         "from flask import Flask, request\n\nimport util\n\n"
                         "app = Flask(__name__)\nAPI = 'https://api.example.com/'\n\n\n"
                         "@app.route('/lib')\ndef lib():\n"
                         "    return requests.get(urllib.parse.urljoin(API, request.args['u'])"
                         ").text\n\n\n@app.route('/own')\ndef own():\n"
                         "    return requests.get(util.urljoin(API, request.args['u'])).text\n")
    repo.commit()
    assert _at(_found(repo), SSRF) == [("app.py", 14)]


def test_a_project_function_named_like_a_library_function_is_not_matched_by_name(
        repo: GitRepo) -> None:
    # attack: a pull request adds `unquote` returning a constant (a sanitizer by its
    # summary); the view calls the standard library's `unquote`, imported by name, so
    # the bare name `unquote(...)` must not read it as the project's. Control: the
    # project's own helper, by its module's name, still clears its argument.
    repo.write("codec.py", "def unquote(value):\n    return 'x'\n")
    repo.write("app.py", "import sqlite3\nfrom urllib.parse import unquote\n\n"
                         "from flask import Flask, request\n\nimport codec\n\n"
                         "app = Flask(__name__)\ncur = sqlite3.connect('a.db').cursor()\n\n\n"
                         "@app.route('/lib')\ndef lib():\n"
                         "    cur.execute(\"select '%s'\" % unquote(request.args['q']))\n"
                         "    return 'ok'\n\n\n@app.route('/own')\ndef own():\n"
                         "    cur.execute(\"select '%s'\" % codec.unquote(request.args['q']))\n"
                         "    return 'ok'\n")
    repo.commit()
    assert _at(_found(repo), SQLI) == [("app.py", 14)]


def test_a_project_method_named_like_a_builtin_method_is_not_matched_by_name(
        repo: GitRepo) -> None:
    # a project method `casefold` returning request data is the only one of its name,
    # so it would be matched on any object: every `str.casefold()` would become request
    # data (a pull request planting findings in code it does not touch). Control: the
    # same class's `search_text`, a name no library shares, is still a source.
    repo.write("keys.py", "from flask import request\n\n\nclass Keys:\n"
                          "    def casefold(self):\n        return request.args['q']\n\n"
                          "    def search_text(self):\n        return request.args['q']\n")
    repo.write("app.py", "import sqlite3\n\nfrom flask import Flask\n\n"
                         "from keys import Keys\n\napp = Flask(__name__)\n"
                         "cur = sqlite3.connect('a.db').cursor()\n\n\n"
                         "@app.route('/a')\ndef a():\n"
                         "    cur.execute(\"select '%s'\" % 'Name'.casefold())\n"
                         "    cur.execute(\"select '%s'\" % Keys().search_text())\n"
                         "    return 'ok'\n")
    repo.commit()
    assert _at(_found(repo), SQLI) == [("app.py", 14)]


def test_helpers_that_reshape_their_parameter_still_pass_it_to_the_sink(
        repo: GitRepo) -> None:
    # a helper that strips its parameter in place, and one that builds a path from it
    # with a library call, each in a service module of its own; and the same helper
    # quoting the path for the shell, which is no injection
    repo.write("services/__init__.py", "")
    repo.write("services/orders.py", "import sqlite3\n\n\ndef listing(sort):\n"
                                     "    sort = sort.strip()\n"
                                     "    conn = sqlite3.connect('shop.db')\n"
                                     "    return conn.execute('SELECT * FROM o ORDER BY '"
                                     " + sort)\n")
    repo.write("services/reports.py", "import os\nimport shlex\n\n\ndef export(name):\n"
                                      "    target = os.path.join('/srv/reports', name + '.csv')\n"
                                      "    os.system('render --out %s' % target)\n\n\n"
                                      "def export_quoted(name):\n"
                                      "    target = os.path.join('/srv/reports', name)\n"
                                      "    os.system('render --out %s' % shlex.quote(target))\n")
    repo.write("app.py", "from flask import Flask, request\n"
                         "from services.orders import listing\n"
                         "from services.reports import export, export_quoted\n\n"
                         "app = Flask(__name__)\n\n\n"
                         "@app.route('/o')\ndef orders():\n"
                         "    return {'n': len(listing(request.args['sort']))}\n\n\n"
                         "@app.route('/e', methods=['POST'])\ndef report():\n"
                         "    export(request.form['name'])\n"
                         "    export_quoted(request.form['name'])\n    return {}\n")
    repo.commit()
    findings = _found(repo)
    assert _at(findings, SQLI) == [("app.py", 10)]
    assert _at(findings, "assay.python.command-injection.taint") == [("app.py", 15)]


def test_a_module_imported_relatively_is_matched_by_its_name_and_the_function(
        repo: GitRepo) -> None:
    # `from . import services; services.search(...)`: a common function name (and a view
    # of the same name as the service function), matched by the module's last name and
    # the function's; a second module of that last name defining `search` makes the
    # pair ambiguous, and it is then not used
    service = ("from django.db import connection\n\n\ndef search(q):\n"
               "    with connection.cursor() as cursor:\n"
               "        cursor.execute(\"SELECT id FROM t WHERE title LIKE '%%%s%%'\" % q)\n"
               "        return cursor.fetchall()\n\n\n"
               "def stats(day):\n    with connection.cursor() as cursor:\n"
               "        cursor.execute(f\"SELECT COUNT(*) FROM t WHERE created >= '{day}'\")\n"
               "        return cursor.fetchall()\n")
    repo.write("tickets/__init__.py", "")
    repo.write("tickets/services.py", service)
    repo.write("tickets/api.py", "from django.http import JsonResponse\n\n"
                                 "from . import services\n\n\ndef search(request):\n"
                                 "    return JsonResponse({'r': services.search(request.GET['q'])})"
                                 "\n\n\ndef stats(request):\n"
                                 "    return JsonResponse({'r': services.stats("
                                 "request.GET['d'])})\n")
    repo.commit()
    findings = [f for f in _found(repo) if f.rule_id == SQLI]
    assert _at(findings, SQLI) == [("tickets/api.py", 7), ("tickets/api.py", 11)]
    # each flow goes on to the service's query, not to the view of the same name
    assert [f.flow[-1].path for f in findings] == ["tickets/services.py"] * 2
    repo.write("billing/__init__.py", "")
    repo.write("billing/services.py", "def search(q):\n    return []\n")
    repo.commit()
    assert ("tickets/api.py", 7) not in _at(_found(repo), SQLI)


def test_a_helper_verifying_a_signature_is_a_guard_of_deserialization(repo: GitRepo) -> None:
    # `unsign` returns the payload only when its MAC matches (its parts unpacked from one
    # value first): what it returns is authenticated; a helper only decoding is not
    repo.write("signing.py", "import base64\nimport hashlib\nimport hmac\n\nKEY = b'k' * 32\n\n\n"
                             "def unsign(token):\n    raw = base64.b64decode(token)\n"
                             "    payload, sig = raw[:-32], raw[-32:]\n"
                             "    expected = hmac.new(KEY, payload, hashlib.sha256).digest()\n"
                             "    if not hmac.compare_digest(expected, sig):\n"
                             "        return None\n    return payload\n\n\n"
                             "def unpack(token):\n    return base64.b64decode(token)\n")
    repo.write("app.py", "import pickle\n\nfrom flask import Flask, abort, request\n\n"
                         "from signing import unpack, unsign\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/cart')\ndef cart():\n"
                         "    payload = unsign(request.cookies.get('cart', ''))\n"
                         "    if payload is None:\n        abort(400)\n"
                         "    return {'n': len(pickle.loads(payload))}\n\n\n"
                         "@app.route('/plain')\ndef plain():\n"
                         "    return {'n': len(pickle.loads(unpack(request.cookies['c'])))}\n")
    repo.commit()
    rule = "assay.python.unsafe-deserialization.taint"
    assert _at(_found(repo), rule) == [("app.py", 20)]


def test_two_classes_of_one_name_keep_their_own_method_summaries(repo: GitRepo) -> None:
    # `FeedImporter` of feeds/open.py parses with entities; the one of feeds/safe.py with
    # defusedxml: a view of the safe module using its own class is clean, a view
    # importing the other class is not
    repo.write("feeds/__init__.py", "")
    repo.write("feeds/open.py", "from lxml import etree\n\n\nclass FeedImporter:\n"
                                "    def items(self, data):\n"
                                "        parser = etree.XMLParser(resolve_entities=True)\n"
                                "        return etree.fromstring(data, parser)\n")
    repo.write("feeds/safe.py", "import defusedxml.ElementTree as DET\n"
                                "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                                "class FeedImporter:\n    def items(self, data):\n"
                                "        return DET.fromstring(data)\n\n\n"
                                "@app.route('/safe', methods=['POST'])\ndef safe_import():\n"
                                "    return {'n': len(FeedImporter().items(request.data))}\n")
    repo.write("feeds/views.py", "from flask import Flask, request\n\n"
                                 "from feeds.open import FeedImporter\n\n"
                                 "app = Flask(__name__)\n\n\n"
                                 "@app.route('/open', methods=['POST'])\ndef open_import():\n"
                                 "    return {'n': len(FeedImporter().items(request.data))}\n")
    repo.commit()
    assert _at(_found(repo), "assay.python.xxe.taint") == [("feeds/views.py", 10)]


METHOD_GUARD = '''\
from pathlib import Path

from aiohttp import web

ROOT = Path("/srv/docs").resolve()


class Docs:
    def locate(self, page):
        candidate = (ROOT / page).resolve()
        if not candidate.is_relative_to(ROOT):
            raise web.HTTPForbidden()
        return candidate

    def unchecked(self, page):
        return ROOT / page

    async def show(self, request):
        return web.Response(body=self.locate(request.query["page"]).read_bytes())

    async def raw(self, request):
        return web.Response(body=self.unchecked(request.query["page"]).read_bytes())
'''


def test_a_check_kept_on_a_class_is_a_guard_by_its_name(repo: GitRepo) -> None:
    # `self.locate(page)` resolves the path and refuses one outside ROOT: its result is
    # contained (19); `self.unchecked(page)` is not (22)
    repo.write("docs.py", METHOD_GUARD)
    repo.commit()
    assert _at(_found(repo), "assay.python.path-traversal.taint") == [("docs.py", 22)]


def test_a_library_method_a_class_inherits_is_called_on_self_as_the_librarys(
        repo: GitRepo) -> None:
    # `self.raw(sql)` in a Django manager is the QuerySet's `raw`, which the manager
    # does not define: its SQL sink, so `ordered_for` is a wrapper followed from the
    # selector to the view; a method the class defines itself is its own
    repo.write("photos/models.py", """\
from django.db import models


class PhotoManager(models.Manager):
    def ordered_for(self, owner_id, order_by="taken_at"):
        sql = "SELECT * FROM photos WHERE owner_id = %%s ORDER BY %s" % order_by
        return self.raw(sql, [owner_id])

    def raw_count(self, sql):
        return len(sql)

    def counted(self, where):
        return self.raw_count("SELECT count(*) FROM photos WHERE " + where)


class Photo(models.Model):
    objects = PhotoManager()
""")
    repo.write("photos/views.py", """\
from django.http import JsonResponse

from photos.models import Photo


def by_owner(request, owner_id):
    rows = Photo.objects.ordered_for(owner_id, order_by=request.GET["sort"])
    total = Photo.objects.counted(request.GET["where"])
    return JsonResponse({"n": len(list(rows)), "total": total})
""")
    repo.commit()
    (finding,) = [f for f in _found(repo) if f.rule_id == SQLI]
    assert (finding.path, finding.span.start_line) == ("photos/views.py", 7)
    assert (finding.flow[-1].path, finding.flow[-1].line) == ("photos/models.py", 7)


def test_a_parameters_default_made_in_place_gives_the_attribute_its_class(
        repo: GitRepo) -> None:
    # `self.tool = tool or ImageTool()`: the service's attribute is an ImageTool, so its
    # `rotate` (a name two classes define) is followed into the tool's shell command;
    # a default of an unknown value (`tool or settings.TOOL`) types nothing
    repo.write("media/__init__.py", "")
    repo.write("media/tools.py", """\
import subprocess


class ImageTool:
    def rotate(self, path, degrees):
        return subprocess.run("convert %s -rotate %s" % (path, degrees), shell=True)
""")
    repo.write("media/services.py", """\
from media.tools import ImageTool
from settings import TOOL


class PhotoService:
    def __init__(self, tool=None, other=None):
        self.tool = tool or ImageTool()
        self.other = other or TOOL

    def rotate(self, path, degrees):
        return self.tool.rotate(path, degrees=degrees)

    def turn(self, path, degrees):
        return self.other.rotate(path, degrees=degrees)
""")
    repo.write("settings.py", "TOOL = None\n")
    repo.write("app.py", """\
from flask import Flask, request

from media.services import PhotoService

app = Flask(__name__)


@app.post("/rotate")
def rotate():
    PhotoService().rotate("/srv/p.jpg", request.form["degrees"])
    PhotoService().turn("/srv/p.jpg", request.form["degrees"])
    return "ok"
""")
    repo.commit()
    assert _at(_found(repo), "assay.python.command-injection.taint") == [("app.py", 10)]


def test_an_object_a_class_method_makes_is_of_its_class(repo: GitRepo) -> None:
    # `ReportService.from_app()` returns `cls(...)`: its `statement` (a name two
    # classes define) is the service's, which renders through an autoescaping
    # template; the other class's `statement` builds the HTML by hand
    repo.write("reports.py", """\
from flask import render_template_string


class ReportService:
    def __init__(self, title_prefix=""):
        self.title_prefix = title_prefix

    @classmethod
    def from_app(cls):
        return cls(title_prefix="Ledger")

    def statement(self, title):
        return render_template_string("<h1>{{ t }}</h1>", t=title)


class RawReport:
    def statement(self, title):
        return "<h1>%s</h1>" % title
""")
    repo.write("app.py", """\
from flask import Flask, request

from reports import RawReport, ReportService

app = Flask(__name__)


@app.get("/statement")
def statement():
    return ReportService.from_app().statement(request.args["title"])


@app.get("/raw")
def raw():
    return RawReport().statement(request.args["title"])
""")
    repo.commit()
    assert _at(_found(repo), "assay.python.xss.taint") == [("app.py", 15)]


def test_a_files_contents_do_not_carry_the_path_it_was_opened_by(repo: GitRepo) -> None:
    # `load_cached(version)` returns what a cache file holds, not the version that
    # named the file: its result is no request data (as the rules' own sanitizer of
    # file contents says); a helper returning the version itself is
    repo.write("cache.py", """\
import json
from pathlib import Path


def load_cached(version):
    with open(f"/srv/cache/release-{version}.json", encoding="utf-8") as handle:
        return json.load(handle)


def load_text(version):
    return json.loads(Path("/srv/cache", f"{version}.json").read_text())


def echo(version):
    return {"url": version}
""")
    repo.write("app.py", """\
import requests
from flask import Flask, request

from cache import echo, load_cached, load_text

app = Flask(__name__)


@app.get("/release")
def release():
    requests.get(load_cached(request.args["v"])["url"], timeout=5)
    requests.get(load_text(request.args["v"])["url"], timeout=5)
    requests.get(echo(request.args["v"])["url"], timeout=5)
    return "ok"
""")
    repo.commit()
    assert _at(_found(repo), "assay.python.ssrf.taint") == [("app.py", 13)]
