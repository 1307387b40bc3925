"""The cross-file pre-pass: function summaries from Python's ast, and the rule extensions."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay.scanners.semgrep import RULES_DIR
from assay.scanners.semgrep._pack import load_rules
from assay.scanners.semgrep._prepass import provenance
from assay.scanners.semgrep._pysource import module_names
from assay.scanners.semgrep._rulefiles import write_generated
from assay.scanners.semgrep._rulegen import (
    call_patterns,
    extend_pack,
    is_trusted,
    trusted_calls,
)
from assay.scanners.semgrep._summaries import SummaryKind, summarize

PARAMS = '''\
from flask import request


def get_param(name, default=""):
    return request.args.get(name, default)


def stripped(name):
    value = get_param(name)
    return value.strip()


def query_value(req, name):
    return req.GET.get(name, "")
'''
SAFE = '''\
import html
from werkzeug.utils import secure_filename

TABLES = {"daily": "reports_daily", "weekly": "reports_weekly"}


def table(kind):
    return TABLES.get(kind, "reports_daily")


def sort_column(requested):
    if requested == "name":
        return "name"
    return "created_at"


def text(value):
    return html.escape(value)


def upload_name(value):
    cleaned = secure_filename(value)
    return cleaned


def page(raw):
    return int(raw) if raw else 1


def opaque(value):
    return value.upper()
'''
VIEWS = '''\
from flask import Flask, request
from helpers.params import get_param, stripped, query_value
from helpers import safe
from .local import thing

app = Flask(__name__)


@app.route("/a/<int:item_id>")
def view(item_id):
    return get_param("x") + stripped("y") + query_value(request, "z")


def use():
    return (safe.table("a"), safe.sort_column("b"), safe.text("c"), safe.upload_name("d"),
            safe.page("e"), safe.opaque("f"), thing())
'''


def _summaries() -> dict[str, tuple[SummaryKind, tuple[str, ...]]]:
    sources = {"app/helpers/__init__.py": "", "app/helpers/params.py": PARAMS,
               "app/helpers/safe.py": SAFE, "app/views.py": VIEWS}
    result = summarize(sources, sources)
    return {f.dotted: (f.kind, f.via) for f in result.functions}


def test_module_names_start_at_the_outermost_package() -> None:
    paths = ["src/pkg/__init__.py", "src/pkg/sub/__init__.py", "src/pkg/sub/mod.py",
             "scripts/tool.py", "top.py"]
    names = module_names(paths, set(paths))
    assert names["src/pkg/sub/mod.py"] == "pkg.sub.mod"
    assert names["src/pkg/__init__.py"] == "pkg"
    assert names["scripts/tool.py"] == "tool"
    assert names["top.py"] == "top"


def test_helpers_returning_request_data_are_sources() -> None:
    kinds = _summaries()
    assert kinds["helpers.params.get_param"][0] is SummaryKind.SOURCE
    assert kinds["helpers.params.query_value"][0] is SummaryKind.SOURCE
    # a helper calling a source helper, through a local variable (fixpoint)
    assert kinds["helpers.params.stripped"][0] is SummaryKind.SOURCE


def test_constant_and_sanitizing_helpers() -> None:
    kinds = _summaries()
    assert kinds["helpers.safe.table"] == (SummaryKind.CONSTANT, ())
    assert kinds["helpers.safe.sort_column"] == (SummaryKind.CONSTANT, ())
    assert kinds["helpers.safe.text"] == (SummaryKind.SANITIZER, ("html.escape",))
    assert kinds["helpers.safe.upload_name"] == (
        SummaryKind.SANITIZER, ("werkzeug.utils.secure_filename",))
    assert kinds["helpers.safe.page"] == (SummaryKind.SANITIZER, ("int",))


def test_views_and_unknown_returns_are_not_summarized() -> None:
    kinds = _summaries()
    assert "views.view" not in kinds  # a route handler is an entry point
    assert kinds.get("helpers.safe.opaque", (None,))[0] is not SummaryKind.CONSTANT


def test_uncalled_functions_are_left_out() -> None:
    result = summarize({"lib.py": "def unused(x):\n    return 'constant'\n"}, ["lib.py"])
    assert result.functions == ()


def test_typed_route_parameters() -> None:
    result = summarize({"app/views.py": VIEWS}, ["app/views.py"])
    assert [(t.function, t.param) for t in result.typed_params] == [("view", "item_id")]


def test_syntax_errors_are_skipped_and_digest_is_stable() -> None:
    sources = {"bad.py": "def (:\n", "helpers.py": PARAMS, "use.py": "x = get_param('a')\n"}
    first = summarize(sources, sources)
    second = summarize(dict(reversed(list(sources.items()))), sources)
    assert first.digest() == second.digest()
    assert {f.dotted for f in first.functions} >= {"helpers.get_param"}


def test_call_patterns_use_bare_names_only_when_unique_and_distinctive() -> None:
    sources = {"a/__init__.py": "", "a/p.py": PARAMS,
               "b.py": "def get(x):\n    return 'k'\n\n\ndef use():\n    return get(1)\n",
               "c.py": "from a.p import get_param\nget_param('q')\n"}
    result = summarize(sources, sources)
    by_name = {f.dotted: f for f in result.functions}
    assert call_patterns(by_name["a.p.get_param"], result) == [
        {"pattern": "a.p.get_param(...)"}, {"pattern": "get_param(...)"},
        {"pattern": "p.get_param(...)"}]
    common = call_patterns(by_name["b.get"], result)
    assert common[0] == {"pattern": "b.get(...)"}
    # a bare `get(...)` only counts in a file with this very definition of `get`
    assert common[1]["patterns"][-1] == {"pattern": "get(...)"}
    assert "def get(x):\\n    return 'k'" in str(common[1]["patterns"][0])
    agreeing = call_patterns(by_name["b.get"], result, same_file=True)
    assert "def get(...)" in str(agreeing[1]["patterns"][0])


def test_trusted_calls_come_from_the_rule() -> None:
    pack = yaml.safe_load((RULES_DIR / "taint.yaml").read_text())
    xss = next(r for r in pack["rules"] if r["id"] == "assay.python.xss.taint")
    sqli = next(r for r in pack["rules"] if r["id"] == "assay.python.sqli.taint")
    assert {"html.escape", "markupsafe.escape", "int"} <= trusted_calls(xss)
    assert "html.escape" not in trusted_calls(sqli)
    # a part the rule writes as a metavariable stands for any one name, never for more
    assert "requests.$HTTP_METHOD" in trusted_calls(xss)
    assert is_trusted("requests.get", trusted_calls(xss))
    assert not is_trusted("requests.sessions.Session", trusted_calls(xss))
    assert not is_trusted("requests.get", trusted_calls(sqli))


def test_extended_pack_adds_summaries_to_taint_rules_only(tmp_path: Path) -> None:
    sources = {"app/helpers/__init__.py": "", "app/helpers/params.py": PARAMS,
               "app/helpers/safe.py": SAFE, "app/views.py": VIEWS}
    result = summarize(sources, sources)
    files = sorted(RULES_DIR.glob("*.yaml"))
    write = functools.partial(write_generated, tmp_path)
    out = extend_pack(load_rules(files), result, write).paths
    assert [p.stem for p in out] == [p.stem for p in files]
    generated = [p for p in out if p.parent != RULES_DIR]
    assert [p.name for p in generated] == ["taint.json"]
    rules = {r["id"]: r for r in yaml.safe_load(generated[0].read_text())["rules"]}
    xss, sqli = rules["assay.python.xss.taint"], rules["assay.python.sqli.taint"]
    assert "helpers.params.get_param(...)" in str(xss["pattern-sources"])
    assert "helpers.safe.text(...)" in str(xss["pattern-sanitizers"])
    assert "helpers.safe.text(...)" not in str(sqli["pattern-sanitizers"])
    assert "helpers.safe.table(...)" in str(sqli["pattern-sanitizers"])
    assert extend_pack(load_rules(files), result, write).paths == out  # same summaries, same file


def test_nothing_to_add_keeps_the_pack(tmp_path: Path) -> None:
    pack = load_rules(sorted(RULES_DIR.glob("*.yaml")))
    write = functools.partial(write_generated, tmp_path)
    assert extend_pack(pack, summarize({}, []), write) == pack
    assert not list(tmp_path.iterdir())


def test_provenance_lists_the_summaries() -> None:
    sources = {"app/helpers/__init__.py": "", "app/helpers/params.py": PARAMS,
               "app/views.py": VIEWS}
    pairs = dict(provenance(summarize(sources, sources)))
    assert pairs["semgrep.summaries.source"].startswith("3: helpers.params.get_param")
    assert pairs["semgrep.summaries.constant"] == "0"
    assert len(pairs["semgrep.summaries.sha256"]) == 64


def test_two_files_answering_to_one_module_name_share_no_summary() -> None:
    """Two folders without `__init__.py`, each with a `libuser.py`: an import of
    `libuser` cannot be tied to one of them by name, so neither is summarized (a summary
    of one would be applied to calls of the other), and the run says so."""
    sources = {"a/libuser.py": "def login(u):\n    cur.execute('... ' + u)\n    return 1\n",
               "b/libuser.py": "def login(u):\n    cur.execute('... ?', (u,))\n    return 1\n",
               "a/app.py": "from libuser import login\nlogin(1)\n",
               "pkg/__init__.py": "", "pkg/libuser.py": "def login(u):\n    return 1\n",
               "src/other/__init__.py": "", "src/other/libuser.py": "def login(u):\n    return 1\n"}
    summaries = summarize(sources)
    assert module_names(list(sources), set(sources))["src/other/libuser.py"] == "other.libuser"
    assert {f.path for f in summaries.functions} == {"pkg/libuser.py", "src/other/libuser.py"}
    assert not [c for c in summaries.calls if c.module == "libuser"]
    assert summaries.ambiguous == ("libuser (a/libuser.py, b/libuser.py)",)
    assert dict(provenance(summaries))["semgrep.summaries.ambiguous_modules"] == (
        "1: libuser (a/libuser.py, b/libuser.py)")


def test_guards_are_summarized_by_the_kind_of_check_they_make() -> None:
    from tests.scanners.test_crossfile import GUARDS

    summaries = summarize({"guards.py": GUARDS,
                           "views.py": "from guards import *\n"
                                       "esc(1); require_sort(1); inside(1); _allow_redirect(1)\n"
                                       "has_text(1)\n"})
    guards = {f.name: (f.guard, f.via, f.guard_returns)
              for f in summaries.of_kind(SummaryKind.GUARD)}
    assert guards == {"require_sort": ("raise", ("allow",), False),
                      "inside": ("raise", ("contain",), True),
                      "_allow_redirect": ("predicate", ("url",), False)}  # not has_text
    (escape,) = [f for f in summaries.of_kind(SummaryKind.SANITIZER) if f.name == "esc"]
    assert escape.via == ("html.escape",)


STORED_TUPLES = '''\
import html

import bleach
import markdown


def row(cur):
    return cur.fetchone()


def clean(text):
    return bleach.clean(markdown.markdown(text))


def cleaned(cur):
    found = row(cur)
    if found is None:
        return None, None
    return found, clean(found["body"])


def escaped(cur):
    found = cur.fetchone()
    return html.escape(found["title"]), found, 0


def rendered(cur):
    found = row(cur)
    return found, markdown.markdown(found["body"])


def mixed(cur, whole):
    found = row(cur)
    if whole:
        return found
    return found, clean(found["body"])


def sizes(cur, three):
    found = row(cur)
    if three:
        return found, 1, 2
    return found, 1
'''


def test_a_helper_returning_tuples_tells_which_positions_hold_stored_data() -> None:
    # an element cleaned (by bleach.clean, html.escape, or a project helper that cleans)
    # holds none, Markdown rendered from a row does; a constant return (`None, None`) does
    # not count. A helper also returning a row alone, or tuples of two sizes, is read as
    # a whole (size 0).
    sources = {"store.py": STORED_TUPLES,
               "views.py": "from store import *\n"
                           "cleaned(c); escaped(c); rendered(c); mixed(c, 1); sizes(c, 1)\n"}
    stored = {f.name: (f.tuple_size, f.stored_at)
              for f in summarize(sources).of_kind(SummaryKind.STORED)}
    assert stored == {"row": (0, ()), "cleaned": (2, (0,)), "escaped": (3, (1,)),
                      "rendered": (2, (0, 1)), "mixed": (0, ()), "sizes": (0, ())}


REASSIGNED = '''\
def stripped(value):
    value = value.strip()
    return value


def defaulted(sort):
    if not sort:
        sort = "created"
    return sort


def number(page):
    page = int(page)
    return page


def replaced(name):
    name = "fixed"
    return name


def use():
    return stripped("a"), defaulted("b"), number("1"), replaced("c")
'''


def test_a_parameter_assigned_again_keeps_what_it_came_in_with() -> None:
    # `value = value.strip()` reads the value the parameter came in with; a parameter
    # assigned only on one branch may still hold it at the return. Neither is constant.
    result = summarize({"util.py": REASSIGNED}, ["util.py"])
    kinds = {f.dotted: (f.kind, f.via) for f in result.functions}
    assert "util.stripped" not in kinds and "util.defaulted" not in kinds
    # replaced whatever runs, by a conversion or a constant: as before
    assert kinds["util.number"] == (SummaryKind.SANITIZER, ("int",))
    assert kinds["util.replaced"] == (SummaryKind.CONSTANT, ())


def test_nested_calls_are_read_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    # attack: every call of a function asks what reaches its arguments; a file nesting
    # calls n deep (`os.path.join(os.path.join(...x...))`) made the nested ones read
    # again at every level, n cubed in all. Each node is now read once per function.
    from assay.scanners.semgrep import _pysource

    reads = {"reach": 0, "pass": 0}
    reaching, passing = _pysource._LocalFlow._reaching, _pysource._LocalFlow._passing

    def counted_reach(self: Any, node: Any, seen: Any) -> Any:
        reads["reach"] += 1
        return reaching(self, node, seen)

    def counted_pass(self: Any, node: Any) -> Any:
        reads["pass"] += 1
        return passing(self, node)

    monkeypatch.setattr(_pysource._LocalFlow, "_reaching", counted_reach)
    monkeypatch.setattr(_pysource._LocalFlow, "_passing", counted_pass)
    depth = 120
    expr = "x"
    for _ in range(depth):
        expr = f"os.path.join({expr}, 'a')"
    source = f"import os\n\n\ndef f(x):\n    return open({expr})\n\n\ndef use():\n    f(1)\n"
    result = summarize({"deep.py": source}, ["deep.py"])
    assert any(c.passed for f in result.calls for c in f.calls)  # the flow is still read
    # each node once: five per level (the call, its name and attribute, `'a'`, ...)
    assert reads["reach"] <= 6 * depth and reads["pass"] <= 6 * depth, reads


RECEIVERS = '''\
from typing import Optional

from app.repos import Archive, TicketRepository


class TicketService:
    cache: "Optional[Archive]"

    def __init__(self, db, tickets: TicketRepository | None = None) -> None:
        self.tickets = tickets
        self.archive = Archive(db)
        self.other = Archive(db)
        self.other = None
        self.mixed = Archive(db)
        self.mixed = TicketRepository(db)

    def search(self, q):
        return self.tickets.search(q)


def make() -> TicketService:
    return TicketService(None)


def build(db):
    return TicketRepository(db)


def either(flag):
    return Archive(1) if flag else TicketRepository(2)
'''


def test_receivers_are_the_classes_the_code_says() -> None:
    from assay.scanners.semgrep._pysource import read_module

    module = read_module("app/services.py", "app.services", RECEIVERS)
    assert module is not None
    # annotations (quoted, Optional, `| None`), constructor calls (an attribute set to
    # None besides is an Optional one), factories, annotated parameters; an attribute
    # assigned two classes, and a function returning two classes, are none
    assert sorted(module.receivers) == [
        ("attr", "TicketService.archive", "app.repos.Archive"),
        ("attr", "TicketService.cache", "app.repos.Archive"),
        ("attr", "TicketService.other", "app.repos.Archive"),
        ("attr", "TicketService.tickets", "app.repos.TicketRepository"),
        ("factory", "build", "app.repos.TicketRepository"),
        ("factory", "make", "app.services.TicketService"),
        ("param", "TicketService.__init__", "app.repos.TicketRepository")]


STORES = '''\
from uuid import UUID


class Job:
    def __init__(self, command, label, extra=None, job_id: UUID | None = None):
        self.job_id = job_id
        cleaned = command.strip()
        self.command = cleaned
        self.label = label
        self.both = command + label
        self.twice = label
        self.twice = extra
        self.fixed = "uptime"
'''


def test_what_init_keeps_from_one_parameter_is_recorded() -> None:
    from assay.scanners.semgrep._pysource import read_module

    module = read_module("jobs.py", "jobs", STORES)
    assert module is not None
    # through a local name too; not from two parameters, not set twice, not a constant,
    # not a parameter annotated as a UUID (a number, a date: no text)
    assert module.init_stores == (("Job", "command", "command", 0),
                                  ("Job", "label", "label", 1))


ANSWERS = '''\
from urllib.parse import urlparse

HOSTS = ("a.example", "b.example")


def is_local(target):
    if not target:
        return False
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        return False
    return target.startswith("/") and not target.startswith("//")


def partner(url):
    parsed = urlparse(url)
    if parsed.hostname not in HOSTS:
        return False
    return parsed.scheme == "https"


def checked(url):
    if urlparse(url).hostname not in HOSTS:
        raise ValueError(url)
    return url
'''


def test_a_predicate_answering_no_early_is_no_guard_that_leaves() -> None:
    # `return False` in a helper does not stop its caller: a function answering yes or no
    # is a predicate (by the checks of the branches answering no: a host held against
    # a list), never a guard clearing its argument from the call on (which also hid the
    # argument from the name-based validator patterns); one that raises still is
    summaries = summarize({"answers.py": ANSWERS,
                           "views.py": "from answers import *\n"
                                       "is_local(1); partner(1); checked(1)\n"})
    guards = {f.name: (f.guard, f.via, f.guard_returns)
              for f in summaries.of_kind(SummaryKind.GUARD)}
    assert guards == {"partner": ("predicate", ("url",), False),
                      "checked": ("raise", ("url",), True)}


INHERITED = {
    "app/__init__.py": "",
    "app/base.py": '''\
class BaseDAO:
    def __init__(self, conn):
        self.conn = conn

    def fetch_all(self, sql, params=()):
        return self.conn.execute(sql, params).fetchall()
''',
    "app/comments.py": '''\
from app.base import BaseDAO


class CommentDAO(BaseDAO):
    def for_post(self, post_id):
        return self.fetch_all("SELECT body FROM comments WHERE post = ?", (post_id,))

    def mine(self, user_id):
        return self.fetch_mine(user_id)
''',
    "app/views.py": "from app.comments import CommentDAO\nCommentDAO(1).for_post(1)\n"
                    "CommentDAO(1).mine(1)\n",
}


def test_methods_a_class_inherits_are_its_base_classes() -> None:
    # `self.fetch_all(...)` in a subclass calls the project base class's method: what it
    # returns (rows) is what the subclass's method returns; a method no class of the
    # project defines stays unresolved
    summaries = summarize(INHERITED, list(INHERITED))
    stored = {f.dotted for f in summaries.of_kind(SummaryKind.STORED)}
    assert stored == {"app.base.BaseDAO.fetch_all", "app.comments.CommentDAO.for_post"}
