"""A service layer between the view and the query, its methods named by common words
(`search`, `get`): the call is tied to its class by what the code says of the object it
is made on (an attribute of `self` a constructor makes, an annotated parameter, a
factory), never by the method's name alone. Beside each, an object of another class
with a method of the same name, which must stay quiet."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

REPOSITORY = '''\
import sqlite3


class TicketRepository:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def search(self, text):
        return self.db.execute(f"SELECT id FROM tickets WHERE subject LIKE '%{text}%'").fetchall()

    def get(self, ticket_id):
        return self.db.execute("SELECT id FROM tickets WHERE id = ?", (ticket_id,)).fetchone()


class Archive:
    def search(self, text):
        return [line for line in open("archive.txt") if text in line]
'''

SERVICE = '''\
from app.repository import Archive, TicketRepository


class TicketService:
    def __init__(self, db):
        self.tickets = TicketRepository(db)
        self.archive = Archive()

    def search(self, query):
        return self.tickets.search(query.strip())

    def search_archive(self, query):
        return self.archive.search(query)


class ReportService:
    def __init__(self, tickets: TicketRepository) -> None:
        self.tickets = tickets

    def find(self, query):
        return self.tickets.search(query)
'''

VIEWS = '''\
import sqlite3

from flask import Blueprint, request

from app.repository import TicketRepository
from app.service import ReportService, TicketService

bp = Blueprint("tickets", __name__)


def _service() -> TicketService:
    return TicketService(sqlite3.connect("t.db"))


def _reports():
    return ReportService(TicketRepository(sqlite3.connect("t.db")))


@bp.route("/search")
def search():
    return {"rows": _service().search(request.args["q"])}


@bp.route("/archive")
def archive():
    return {"rows": _service().search_archive(request.args["q"])}


@bp.route("/report")
def report():
    reports = _reports()
    return {"rows": reports.find(request.args["q"])}


def lookup(service: TicketService, term: str):
    return service.search(term)


@bp.route("/lookup")
def lookup_view():
    return {"rows": lookup(_service(), request.args["q"])}
'''

FASTAPI_VIEWS = '''\
import sqlite3

from fastapi import APIRouter, Depends

from app.repository import TicketRepository

router = APIRouter()


def tickets() -> TicketRepository:
    return TicketRepository(sqlite3.connect("t.db"))


@router.get("/api/search")
def api_search(q: str, repo: TicketRepository = Depends(tickets)):
    return repo.search(q)


@router.get("/api/tickets/{ticket_id}")
def api_ticket(ticket_id: int, repo: TicketRepository = Depends(tickets)):
    return repo.search(ticket_id)
'''


def test_calls_through_a_service_layer_are_tied_to_their_class(repo: GitRepo) -> None:
    files = {"app/__init__.py": "", "app/repository.py": REPOSITORY,
             "app/service.py": SERVICE, "app/views.py": VIEWS, "app/api.py": FASTAPI_VIEWS}
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    sqli = sorted((f.path, f.span.start_line) for f in run.findings if ".sqli." in f.rule_id)
    # views.py: a factory's object (21), an object bound to a factory's result (32), a
    # helper calling it on an annotated parameter (41); api.py: a FastAPI dependency
    # annotated with the repository (16). Quiet: `Archive.search` (views.py 26) and a
    # parameter FastAPI converts to a number (api.py 21)
    assert sqli == [("app/api.py", 16), ("app/views.py", 21), ("app/views.py", 32),
                    ("app/views.py", 41)]
    flows = {f.span.start_line: f.flow[-1] for f in run.findings
             if ".sqli." in f.rule_id and f.path == "app/views.py"}
    # the flow goes on through the service to the repository's query
    assert (flows[21].path, flows[21].line) == ("app/repository.py", 9)


HANDLERS = '''\
import sqlite3

from fastapi import APIRouter, Depends, Request

from app.repository import TicketRepository

router = APIRouter()


def tickets() -> TicketRepository:
    return TicketRepository(sqlite3.connect("t.db"))


@router.get("/api/tickets/{ticket_id}")
async def api_ticket(request: Request, ticket_id: int,
                     repo: TicketRepository = Depends(tickets)):
    return repo.search(ticket_id)


@router.get("/api/find")
def api_find(request: Request, q: str, repo: TicketRepository = Depends(tickets)):
    return repo.search(q)


def django_view(request, q):
    return TicketRepository(sqlite3.connect("t.db")).search(q)
'''


def test_a_fastapi_handler_taking_the_request_is_no_django_view(repo: GitRepo) -> None:
    # FastAPI converts `ticket_id: int` (17 quiet); `q: str` is request data (22), as a
    # Django view's URL parameter is (26)
    files = {"app/__init__.py": "", "app/repository.py": REPOSITORY, "app/api.py": HANDLERS}
    found = _semgrep_found(repo, files)
    assert [line for rule, line in found if rule == "sqli"] == [22, 26]


TWIN = '''\
import yaml
from flask import Flask, request
from lxml import etree

app = Flask(__name__)


class PipelineService:
    def __init__(self):
        self.parser = etree.XMLParser({options})

    def parse(self, text):
        return yaml.load(text, Loader=yaml.{loader})

    def register(self, text):
        return self.parse(text)

    def load(self, stream):
        return etree.parse(stream, self.parser).getroot()


service = PipelineService()


@app.route("/pipelines", methods=["POST"])
def create():
    return {{"name": str(service.register(request.get_data(as_text=True)))}}


@app.route("/xml", methods=["POST"])
def xml():
    return {{"tag": service.load(request.files["f"].stream).tag}}
'''


def test_a_class_of_a_name_two_modules_define_is_told_apart_by_its_code(
        repo: GitRepo) -> None:
    # two modules define a `PipelineService`, one loading YAML unsafely and resolving
    # entities: its methods, called on a module-level instance of its own file, are
    # sinks there (27, 32); the twin with safe options stays quiet
    files = {"unsafe_app.py": TWIN.format(loader="UnsafeLoader", options="resolve_entities=True"),
             "safe_app.py": TWIN.format(loader="SafeLoader",
                                        options="resolve_entities=False, no_network=True")}
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.path, f.rule_id.split(".")[2], f.span.start_line) for f in run.findings
                   if f.severity.value != "low")
    assert found == [("unsafe_app.py", "unsafe-deserialization", 27),
                     ("unsafe_app.py", "xxe", 32)]


PROBE_TWIN = '''\
import httpx
from fastapi import Depends, FastAPI

app = FastAPI()


class HealthProbe:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def check(self, host: str) -> int:
        response = await self.client.get({url}, timeout=3.0)
        return response.status_code


async def get_probe():
    async with httpx.AsyncClient() as client:
        yield HealthProbe(client)


@app.get("/probe")
async def probe(host: str, prober: HealthProbe = Depends(get_probe)):
    return {{"status": await prober.check(host)}}
'''


def test_a_twin_class_annotated_in_its_own_file_is_told_apart_by_its_code(
        repo: GitRepo) -> None:
    # two modules define a `HealthProbe`, one fetching the host it is given: the route's
    # dependency annotated with it in its own file (23) reaches the request; the twin
    # fetching a fixed host stays quiet
    files = {"probe_any.py": PROBE_TWIN.format(url='f"http://{host}/healthz"'),
             "probe_fixed.py": PROBE_TWIN.format(url='"https://status.example.com/healthz"')}
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert sorted((f.path, f.rule_id.split(".")[2], f.span.start_line)
                  for f in run.findings) == [("probe_any.py", "ssrf", 23)]


PEOPLE = '''\
from flask import Flask, request
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)


def connect():
    return Connection(Server("ldap://ldap.example"), auto_bind=True)


def find_people(username):
    conn = connect()
    conn.search("dc=example", {query}, SUBTREE)
    return [{{"dn": e.entry_dn}} for e in conn.entries]


@app.route("/people")
def people():
    return {{"found": find_people(request.args["user"])}}
'''


def test_a_wrapper_and_its_clean_twin_of_one_name_each_keep_their_own_sense(
        repo: GitRepo) -> None:
    # both return data of neither parameter; one passes it to the filter unescaped: the
    # other's sanitizer pattern (a function of that name in its file) must not clear
    # the wrapper's argument (20)
    files = {"unsafe_people.py": PEOPLE.format(query='f"(uid={username})"'),
             "safe_people.py": PEOPLE.format(
                 query='f"(uid={escape_filter_chars(username)})"')}
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    found = sorted((f.path, f.span.start_line) for f in run.findings
                   if ".ldap-injection." in f.rule_id)
    assert found == [("unsafe_people.py", 20)]


PREVIEW = '''\
from flask import Blueprint, make_response, request
from markupsafe import escape

bp = Blueprint("tickets", __name__)


class TicketService:
    def preview_html(self, subject, body):
        lines = "<br>".join(str(escape(line)) for line in body.splitlines())
        return f"<h2>{escape(subject)}</h2><div>{lines}</div>"

    def raw_html(self, subject):
        return f"<h2>{subject}</h2>"


class Other:
    def preview_html(self, subject, body):
        return subject + body


def _service() -> TicketService:
    return TicketService()


@bp.route("/preview", methods=["POST"])
def preview():
    html = _service().preview_html(request.form["subject"], request.form["body"])
    return make_response(html)


@bp.route("/raw", methods=["POST"])
def raw():
    return make_response(_service().raw_html(request.form["subject"]))


@bp.route("/other", methods=["POST"])
def other():
    return make_response(Other().preview_html(request.form["subject"], ""))
'''


def test_a_service_method_escaping_its_answer_clears_it_where_its_class_is_named(
        repo: GitRepo) -> None:
    # the method escapes each line of a comprehension and the subject (28 quiet); one
    # that does not (33), and a method of that name of another class (38), do not
    found = _semgrep_found(repo, {"views.py": PREVIEW})
    assert [line for rule, line in found if rule == "xss"] == [33, 38]


STORED = '''\
import subprocess

from flask import Flask, request

app = Flask(__name__)


class Job:
    def __init__(self, command, label):
        self.command = command.strip()
        self.label = label

    def run(self):
        print("running", self.label)
        return subprocess.check_output(self.command, shell=True)


@app.route("/run")
def run():
    job = Job(request.args["cmd"], "x")
    return job.run()


@app.route("/label")
def label():
    return Job("uptime", request.args["label"]).run()
'''


def test_a_constructors_argument_a_method_passes_to_a_sink_is_a_sink(repo: GitRepo) -> None:
    # `__init__` keeps the command on the object, `run()` passes it to a shell: the
    # constructor's argument is the sink (20); the label it only prints is none (26)
    found = _semgrep_found(repo, {"app.py": STORED})
    assert [line for rule, line in found if rule == "command-injection"] == [20]


NUMBERED_REPOSITORY = '''\
import sqlite3


class OrderRepository:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def create(self, customer, note):
        cur = self.db.execute("INSERT INTO orders (customer, note) VALUES (?, ?)",
                              (customer, note))
        return int(cur.lastrowid)

    def label(self, customer):
        return f"order of {customer}"

    def count_lines(self, order_id):
        return self.db.execute(f"SELECT COUNT(*) FROM lines WHERE order_id = {order_id}")
'''

NUMBERED_SERVICE = '''\
from app.repository import OrderRepository


class OrderService:
    def __init__(self, orders: OrderRepository) -> None:
        self.orders = orders

    def place(self, payload):
        order_id = self.orders.create(payload["customer"], payload["note"])
        return self.summary(order_id)

    def place_labelled(self, payload):
        name = self.orders.label(payload["customer"])
        return self.summary(name)

    def summary(self, order_id):
        return {"id": order_id, "lines": self.orders.count_lines(order_id)}
'''

NUMBERED_VIEWS = '''\
import sqlite3

from flask import Flask, request

from app.repository import OrderRepository
from app.service import OrderService

app = Flask(__name__)


def _orders() -> OrderService:
    return OrderService(OrderRepository(sqlite3.connect("o.db")))


@app.post("/orders")
def place():
    return {"order": _orders().place(request.get_json())}


@app.post("/orders/labelled")
def place_labelled():
    return {"order": _orders().place_labelled(request.get_json())}
'''


def test_a_method_whose_result_is_a_number_carries_none_of_its_arguments(
        repo: GitRepo) -> None:
    # `self.orders.create(...)` returns the new row's number: what the service passes
    # on from it to a query is no request data (views.py 17 quiet); a method of the same
    # class returning text made of its argument carries it (views.py 22)
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/repository.py": NUMBERED_REPOSITORY,
        "app/service.py": NUMBERED_SERVICE, "app/views.py": NUMBERED_VIEWS})
    assert found == [("sqli", 22)]


CLAUSES_REPOSITORY = '''\
import sqlite3


class ShipmentRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def find(self, status=None, carrier=None):
        clauses = []
        if status:
            clauses.append(f"status = '{status}'")
        if carrier:
            clauses.append(f"carrier = '{carrier}'")
        where = " AND ".join(clauses) or "1 = 1"
        return self.conn.execute(f"SELECT * FROM shipments WHERE {where}").fetchall()

    def find_bound(self, status=None):
        clauses, values = ["1 = 1"], []
        if status:
            clauses.append("status = ?")
            values.append(status)
        where = " AND ".join(clauses)
        return self.conn.execute(f"SELECT * FROM shipments WHERE {where}", values).fetchall()
'''

CLAUSES_VIEWS = '''\
import sqlite3

from flask import Flask, request

from app.repository import ShipmentRepository

app = Flask(__name__)


def _repo() -> ShipmentRepository:
    return ShipmentRepository(sqlite3.connect("s.db"))


@app.get("/by-keyword")
def by_keyword():
    return {"rows": _repo().find(carrier=request.args.get("carrier"))}


@app.get("/by-position")
def by_position():
    return {"rows": _repo().find(request.args.get("status"))}


@app.get("/bound")
def bound():
    return {"rows": _repo().find_bound(request.args.get("status"))}
'''


def test_a_value_appended_to_a_list_is_in_what_the_list_is_joined_into(
        repo: GitRepo) -> None:
    # a query's conditions collected with `clauses.append(f"...{value}...")` and joined
    # into its text (views.py 16, 21); the value appended to the bound parameters'
    # list is bound (26 quiet)
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/repository.py": CLAUSES_REPOSITORY,
        "app/views.py": CLAUSES_VIEWS})
    assert found == [("sqli", 16), ("sqli", 21)]


SORTED_REPOSITORY = '''\
import sqlite3
from typing import Dict


class BookRepository:
    SORT_COLUMNS: Dict[str, str] = {"title": "title", "year": "year DESC"}

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def sort_clause(cls, sort: str) -> str:
        column = cls.SORT_COLUMNS.get(sort, cls.SORT_COLUMNS["title"])
        return f"{column}, id"

    @classmethod
    def raw_clause(cls, sort: str) -> str:
        return f"{sort}, id"

    def page(self, sort: str):
        return self.conn.execute(f"SELECT * FROM books ORDER BY {self.sort_clause(sort)}")

    def raw_page(self, sort: str):
        return self.conn.execute(f"SELECT * FROM books ORDER BY {self.raw_clause(sort)}")
'''

SORTED_VIEWS = '''\
import sqlite3

from flask import Flask, request

from app.repository import BookRepository

app = Flask(__name__)


def _books() -> BookRepository:
    return BookRepository(sqlite3.connect("b.db"))


@app.get("/books")
def books():
    return {"rows": _books().page(request.args.get("sort", "title")).fetchall()}


@app.get("/books/raw")
def raw_books():
    return {"rows": _books().raw_page(request.args.get("sort", "title")).fetchall()}
'''


def test_a_lookup_in_the_class_constant_table_gives_a_constant(repo: GitRepo) -> None:
    # `cls.SORT_COLUMNS.get(sort, ...)` in a class method gives one of the table's
    # columns (views.py 16 quiet); the sort key itself in the clause is text (21)
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/repository.py": SORTED_REPOSITORY,
        "app/views.py": SORTED_VIEWS})
    assert found == [("sqli", 21)]


BUILT_FILTERS = '''\
import sqlite3

from flask import Flask, request

app = Flask(__name__)


def build_filters(params):
    clauses, values = [], []
    if params.get("region"):
        clauses.append("region = ?")
        values.append(params["region"])
    where = " AND ".join(clauses) if clauses else "1 = 1"
    return where, values


def inline_filters(params):
    clauses, values = [], []
    if params.get("region"):
        clauses.append(f"region = '{params['region']}'")
    return " AND ".join(clauses) or "1 = 1", values


@app.get("/sales")
def sales():
    where, values = build_filters(request.args)
    rows = sqlite3.connect("s.db").execute("SELECT * FROM sales WHERE " + where, values)
    return {"rows": rows.fetchall()}


@app.get("/sales/inline")
def sales_inline():
    where, values = inline_filters(request.args)
    rows = sqlite3.connect("s.db").execute("SELECT * FROM sales WHERE " + where, values)
    return {"rows": rows.fetchall()}
'''


def test_the_part_of_a_returned_pair_made_of_literals_holds_no_argument(
        repo: GitRepo) -> None:
    # `where, values = build_filters(request.args)`: the clauses are literals and the
    # request's values are bound (27 quiet); a builder writing the value into a clause
    # gives it to `where` (34)
    found = _semgrep_found(repo, {"app.py": BUILT_FILTERS})
    assert found == [("sqli", 34)]


EXPORT_UTILS = '''\
import subprocess
from pathlib import Path

ROOT = Path("/srv/exports")


def package(csv_path, password):
    archive = csv_path.with_suffix(".zip")
    subprocess.run(["zip", "-P", password, str(archive), str(csv_path)], check=True)
    return archive


def labelled(csv_path, label):
    return csv_path.with_name(f"{label}.zip")
'''

EXPORT_SERVICES = '''\
from utils.export import ROOT, labelled, package


def export_report(report_id: int, password):
    return package(ROOT / f"report-{report_id}.csv", password)


def export_labelled(report_id: int, label):
    return labelled(ROOT / f"report-{report_id}.csv", label)
'''

EXPORT_VIEWS = '''\
from flask import Flask, request, send_file

import services

app = Flask(__name__)


@app.post("/reports/<int:report_id>/export")
def export(report_id):
    archive = services.export_report(report_id, request.form["password"])
    return send_file(archive)


@app.post("/reports/<int:report_id>/labelled")
def export_labelled(report_id):
    archive = services.export_labelled(report_id, request.form["label"])
    return send_file(archive)
'''


def test_an_argument_another_modules_helper_does_not_return_is_not_returned(
        repo: GitRepo) -> None:
    # `export_report` returns `package(path, password)` of another module, which returns
    # the archive's path and no password: the view's file is no request data (11
    # quiet); a helper of that module returning a name made of its argument is (17)
    found = _semgrep_found(repo, {
        "utils/__init__.py": "", "utils/export.py": EXPORT_UTILS,
        "services.py": EXPORT_SERVICES, "views.py": EXPORT_VIEWS})
    assert found == [("path-traversal", 17)]


THEMES = '''\
from pathlib import Path

BASE = Path("/srv/themes")


class ThemeLoader:
    def __init__(self, base: Path):
        self.base = base

    def read(self, theme, asset):
        target = self.base / theme / asset
        return target.read_text(encoding="utf-8")


class Archive:
    def read(self, name):
        return {"name": name}


def read_asset(name):
    return (BASE / name).read_bytes()


loader = ThemeLoader(BASE)
archive = Archive()
'''

THEME_VIEWS = '''\
from flask import Flask

from themes import archive, loader, read_asset

app = Flask(__name__)


@app.route("/a/<path:asset>")
def a(asset):
    return loader.read("default", asset)


@app.route("/b/<path:name>")
def b(name):
    return read_asset(name)


@app.route("/c/<path:name>")
def c(name):
    return archive.read(name)
'''


def test_a_path_objects_method_in_a_helper_and_a_modules_shared_object(
        repo: GitRepo) -> None:
    # a helper reading `(BASE / name).read_bytes()` (views.py 15), a method of a
    # module's shared object (`loader = ThemeLoader(...)`, imported) reading the path
    # it builds (10); another shared object's `read` of that common name reads no file
    # (20 quiet)
    files = {"themes.py": THEMES, "views.py": THEME_VIEWS}
    for path, text in files.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path).run
    assert sorted((f.path, f.span.start_line) for f in run.findings
                  if f.rule_id.endswith("path-traversal.taint")) == [
        ("views.py", 10), ("views.py", 15)]


FORWARDED_OPTIONS = '''\
import subprocess

from flask import Flask, request

app = Flask(__name__)


def run_shell(command, **kwargs):
    return subprocess.run(command, shell=True, **kwargs)


def print_label(path, copies=1, **kwargs):
    printer = kwargs.pop("printer", "default")
    return run_shell(f"lp -d {printer} -n {int(copies)} {path}", **kwargs)


def forward(path, **options):
    return print_label(path, **options)


@app.post("/by-keyword")
def by_keyword():
    return {"out": str(print_label("x.pdf", printer=request.form["printer"]))}


@app.post("/spread")
def spread():
    options = {"printer": request.form["printer"]}
    return {"out": str(forward("x.pdf", **options))}


@app.post("/named")
def named():
    return {"out": str(print_label("x.pdf", copies=request.form["copies"]))}


@app.post("/fixed")
def fixed():
    return {"out": str(forward("x.pdf", **{"printer": "front-desk"}))}
'''


def test_a_value_passed_into_a_helpers_kwargs_reaches_what_it_does_with_them(
        repo: GitRepo) -> None:
    # `print_label(path, **kwargs)` builds the command of `kwargs.pop("printer")`: a
    # keyword it does not name (23), a mapping spread through another helper's
    # `**options` (29); a keyword it names and makes a number (34 quiet), constants
    # spread (39 quiet)
    found = _semgrep_found(repo, {"app.py": FORWARDED_OPTIONS})
    assert found == [("command-injection", 23), ("command-injection", 29)]


PACKAGE_INIT = '''\
from .archive import Archive
from .reports import ReportService, export_report

__all__ = ["Archive", "ReportService", "export_report"]
'''

PACKAGE_REPORTS = '''\
import subprocess


class ReportService:
    def run(self, fmt):
        return subprocess.run(f"report --format {fmt}", shell=True)


def export_report(fmt):
    return subprocess.run(f"report --format {fmt}", shell=True)
'''

PACKAGE_ARCHIVE = '''\
class Archive:
    def run(self, fmt):
        return {"format": fmt}
'''

PACKAGE_VIEWS = '''\
from flask import Flask, request

from app.services import Archive, ReportService, export_report

app = Flask(__name__)


def _reports() -> ReportService:
    return ReportService()


def _archive() -> Archive:
    return Archive()


@app.post("/a")
def a():
    return {"out": str(_reports().run(request.form["fmt"]))}


@app.post("/b")
def b():
    return {"out": str(export_report(request.form["fmt"]))}


@app.post("/c")
def c():
    return {"out": str(_archive().run(request.form["fmt"]))}
'''


def test_a_class_a_package_re_exports_is_the_class_it_stands_for(repo: GitRepo) -> None:
    # `from app.services import ReportService` of a package importing it from its own
    # module: a factory annotated with it gives that class's object (18), and the
    # re-exported function is the function (23); another re-exported class's method
    # of the same common name reads no command (28 quiet)
    found = _semgrep_found(repo, {
        "app/__init__.py": "", "app/services/__init__.py": PACKAGE_INIT,
        "app/services/reports.py": PACKAGE_REPORTS, "app/services/archive.py": PACKAGE_ARCHIVE,
        "app/views.py": PACKAGE_VIEWS})
    assert found == [("command-injection", 18), ("command-injection", 23)]


def test_a_package_of_the_tree_re_exporting_a_librarys_name_hides_no_sink(
        repo: GitRepo) -> None:
    # a pull request adding `subprocess/__init__.py` that re-exports a no-op `run`:
    # the helper passing its argument to `subprocess.run(..., shell=True)` is still a
    # wrapper of the library's sink, and its caller is reported (14)
    found = _semgrep_found(repo, {
        "subprocess/__init__.py": "from .impl import run\n",
        "subprocess/impl.py": "def run(*args, **kwargs):\n    return None\n",
        "app.py": ("import subprocess\n\nfrom flask import Flask, request\n\n"
                   "app = Flask(__name__)\n\n\ndef go(cmd):\n"
                   "    return subprocess.run(cmd, shell=True)\n\n\n@app.route(\"/a\")\n"
                   "def a():\n    go(request.args[\"c\"])\n    return \"ok\"\n")})
    assert found == [("command-injection", 14)]


STATEMENT_PARTS = '''\
from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import text

app = FastAPI()
ORDERS = {"newest": "occurred_at DESC", "oldest": "occurred_at ASC"}


class Search(BaseModel):
    actor: str
    action: str = ""
    sort: str = "newest"


def get_db():
    return None


def statement(query: Search):
    clauses = ["actor = :actor"]
    params = {"actor": query.actor}
    if query.action:
        clauses.append("action = :action")
        params["action"] = query.action
    order = ORDERS.get(query.sort, ORDERS["newest"])
    return text(f"SELECT id FROM audit WHERE {' AND '.join(clauses)} ORDER BY {order}"), params


def raw_statement(query: Search):
    return text(f"SELECT id FROM audit WHERE actor = '{query.actor}'"), {}


@app.post("/audit")
def audit(query: Search, db=Depends(get_db)):
    sql, params = statement(query)
    return db.execute(sql, params).all()


@app.post("/audit/raw")
def audit_raw(query: Search, db=Depends(get_db)):
    sql, params = raw_statement(query)
    return db.execute(sql, params).all()
'''


def test_a_statement_built_of_literals_and_a_table_by_calls_holds_no_argument(
        repo: GitRepo) -> None:
    # `text(...)` of literal clauses and an ORDER BY from a constant table, returned
    # beside the bound values: the statement holds nothing of the query (35, 36); the
    # statement quoting the actor does (the helper's `text` at its call, 41, and the
    # query run, 42)
    found = _semgrep_found(repo, {"app.py": STATEMENT_PARTS})
    assert [line for rule, line in found if rule == "sqli"] == [41, 42]


ARGV = '''\
import asyncio

from aiohttp import web

TYPES = {"A", "AAAA", "MX"}


async def dig(domain, record_type):
    proc = await asyncio.create_subprocess_exec("dig", "+short", record_type, domain)
    return await proc.communicate()


async def run(program, argument):
    proc = await asyncio.create_subprocess_exec(program, argument)
    return await proc.communicate()


async def lookup(request: web.Request) -> web.Response:
    await dig(request.query["domain"], request.query.get("type", "A"))
    return web.json_response({})


async def tool(request: web.Request) -> web.Response:
    await run(request.query["tool"], "--version")
    return web.json_response({})
'''


def test_arguments_after_a_fixed_program_are_no_command(repo: GitRepo) -> None:
    # `dig` with the request's values as its arguments (19) runs no command of theirs;
    # the request choosing the program does (24)
    found = _semgrep_found(repo, {"app.py": ARGV})
    assert [line for rule, line in found if rule == "command-injection"] == [24]


KEPT_FILTER = '''\
from django.db import connection
from django.http import JsonResponse


class LedgerRepository:
    table = "ledger"

    def __init__(self, region, year):
        self.region = region
        self.year = year

    def _filters(self):
        return f"WHERE region = '{self.region}' AND year = {int(self.year)}"

    def _period(self):
        return f"WHERE year = {int(self.year)}"

    def totals(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT SUM(amount) FROM {self.table} {self._filters()}")
            return cursor.fetchall()

    def yearly(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT SUM(amount) FROM {self.table} {self._period()}")
            return cursor.fetchall()


def by_region(request):
    repo = LedgerRepository(request.GET["region"], 2024)
    return JsonResponse({"rows": repo.totals()})


def by_year(request):
    repo = LedgerRepository("EMEA", request.GET["year"])
    return JsonResponse({"rows": repo.yearly()})
'''


def test_a_kept_attribute_a_method_of_the_class_returns_reaches_its_callers_query(
        repo: GitRepo) -> None:
    # the region kept by `__init__` and returned by `_filters()` into the query: the
    # constructor's argument is the sink (30); the year, made a number there (35), is not
    found = _semgrep_found(repo, {"ledger/views.py": KEPT_FILTER})
    assert [line for rule, line in found if rule == "sqli"] == [30]


APP_ITEMS = '''\
import aiohttp
from aiohttp import web


class ImageFetcher:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def fetch(self, url):
        async with self._session.get(url) as response:
            return await response.read()


class ThumbnailCache:
    async def fetch(self, url):
        return {"cached": url}


async def clients(app: web.Application):
    session = aiohttp.ClientSession()
    app["images"] = ImageFetcher(session)
    app["thumbnails"] = ThumbnailCache()
    yield
    await session.close()


async def proxy(request: web.Request) -> web.Response:
    return web.Response(body=await request.app["images"].fetch(request.query["src"]))


async def thumbnail(request: web.Request) -> web.Response:
    return web.json_response(await request.app["thumbnails"].fetch(request.query["src"]))
'''


def test_an_object_an_application_keeps_as_an_item_is_of_its_class(repo: GitRepo) -> None:
    # `request.app["images"]` is the ImageFetcher the cleanup context made: its fetch
    # reaches the session (28); the cache kept under another key fetches nothing (32)
    found = _semgrep_found(repo, {"proxy.py": APP_ITEMS})
    assert [line for rule, line in found if rule == "ssrf"] == [28]
