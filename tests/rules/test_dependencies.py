"""FastAPI dependencies annotated with `Annotated[Service, Depends(...)]`, directly or
through a type alias (`ServiceDep = Annotated[...]`, here or imported from a `deps`
module): the parameter is the dependency's result, a server value, and the object is
of the service class, whose methods' flows the summaries follow."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo

STORE = '''\
import sqlite3


class ItemStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def listed(self, sort: str) -> list:
        return self._conn.execute(f"SELECT id, name FROM items ORDER BY {sort}").fetchall()

    def named(self, name: str) -> list:
        return self._conn.execute("SELECT id FROM items WHERE name = ?", (name,)).fetchall()
'''

SERVICE = '''\
import html
import sqlite3

from fastapi.responses import HTMLResponse

from app.store import ItemStore


class ItemService:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._items = ItemStore(conn)

    def listed(self, sort: str) -> list:
        return self._items.listed(sort or "name")

    def named(self, name: str) -> list:
        return self._items.named(name)

    def banner(self, message: str) -> HTMLResponse:
        return HTMLResponse(f"<div class='banner'>{html.escape(message)}</div>")

    def badge(self, label: str) -> HTMLResponse:
        return HTMLResponse(f"<span class='badge'>{label}</span>")


def get_service() -> ItemService:
    return ItemService(sqlite3.connect("app.db"))
'''

DEPS = '''\
from typing import Annotated

from fastapi import Depends

from app.service import ItemService, get_service

SharedServiceDep = Annotated[ItemService, Depends(get_service)]
'''

ROUTES = '''\
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from app.deps import SharedServiceDep
from app.service import ItemService, get_service

router = APIRouter()
ItemServiceDep = Annotated[ItemService, Depends(get_service)]


@router.get("/items")
def listed(service: ItemServiceDep, sort: Annotated[str, Query(max_length=64)] = "name"):
    return service.listed(sort)


@router.get("/items/shared")
def shared(service: SharedServiceDep, sort: str = "name"):
    return service.listed(sort)


@router.get("/items/direct")
def direct(service: Annotated[ItemService, Depends(get_service)], sort: str = "name"):
    return service.listed(sort)


@router.get("/items/named")
def named(service: ItemServiceDep, name: str):
    return service.named(name)


@router.get("/banner", response_class=HTMLResponse)
def banner(service: ItemServiceDep, message: str):
    return service.banner(message)


@router.get("/badge", response_class=HTMLResponse)
def badge(service: ItemServiceDep, label: str):
    return service.badge(label)
'''


def test_services_of_annotated_dependencies_are_followed_and_are_no_request_data(
        repo: GitRepo) -> None:
    # the sort key reaches the store's ORDER BY through a service typed by a local alias
    # (15), an alias imported from deps.py (20), `Annotated[..., Depends(...)]` written
    # in place (25); a bound name (30), an escaped banner (35) quiet; the unescaped badge
    # once (40), not again for the response the view returns; the dependency objects
    # themselves are no request data (Bandit runs too: one finding per sink call is
    # kept where both engines ran)
    for path, text in {"app/__init__.py": "", "app/store.py": STORE, "app/service.py": SERVICE,
                       "app/deps.py": DEPS, "app/routes.py": ROUTES}.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path).run
    found = sorted((f.rule_id.split(".")[2], f.span.start_line) for f in run.findings
                   if f.path == "app/routes.py")
    assert found == [("sqli", 15), ("sqli", 20), ("sqli", 25), ("xss", 40)]


SORTED = '''\
import sqlite3
from typing import Annotated

from fastapi import Depends, FastAPI

app = FastAPI()


def sort_key(sort: str = "name") -> str:
    return sort


def page_size(size: int = 20) -> int:
    return min(size, 100)


SortDep = Annotated[str, Depends(sort_key)]


@app.get("/a")
def by_annotation(sort: Annotated[str, Depends(sort_key)]):
    return sqlite3.connect("app.db").execute(f"SELECT * FROM items ORDER BY {sort}").fetchall()


@app.get("/b")
def by_default(sort: str = Depends(sort_key)):
    return sqlite3.connect("app.db").execute(f"SELECT * FROM items ORDER BY {sort}").fetchall()


@app.get("/c")
def by_alias(sort: SortDep):
    return sqlite3.connect("app.db").execute(f"SELECT * FROM items ORDER BY {sort}").fetchall()


@app.get("/d")
def by_size(size: int = Depends(page_size)):
    return sqlite3.connect("app.db").execute(f"SELECT * FROM items LIMIT {size}").fetchall()
'''


def test_a_dependency_returning_its_request_parameter_gives_request_data(
        repo: GitRepo) -> None:
    # a pull request cannot hide a query parameter behind a dependency: `sort_key`'s
    # parameter is the request's, and so is what it returns, however the view asks for
    # it (22, 27, 32); a number it returns (37) is not text
    repo.write("app.py", SORTED)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert sorted((f.rule_id.split(".")[2], f.span.start_line) for f in run.findings) == [
        ("sqli", 22), ("sqli", 27), ("sqli", 32)]


POSITIONAL_ONLY = '''\
import sqlite3

from fastapi import Depends, FastAPI

app = FastAPI()


def sort_key(sort: str = "name") -> str:
    return sort


@app.get("/items")
def items(limit: int = 10, /, sort: str = Depends(sort_key)):
    return sqlite3.connect("app.db").execute(f"SELECT * FROM items ORDER BY {sort}").fetchall()
'''


def test_a_view_with_positional_only_defaults_is_read(repo: GitRepo) -> None:
    # defaults shared by positional-only and other parameters: the module's facts are
    # read (they were lost to an error), and the dependency's request data is found
    repo.write("app.py", POSITIONAL_ONLY)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert [(f.rule_id.split(".")[2], f.span.start_line) for f in run.findings] == [("sqli", 14)]


CLASS_DEPENDENCIES = '''\
import sqlite3
from typing import Annotated

from fastapi import Depends, FastAPI

app = FastAPI()


class Filters:
    def __init__(self, q: str = "", sort: str = "name") -> None:
        self.q = q
        self.sort = sort


class Paging:
    def __init__(self, page: int = 1, size: int = 20) -> None:
        self.offset = (page - 1) * size
        self.size = size


@app.get("/a")
def by_default(filters: Filters = Depends()):
    return sqlite3.connect("app.db").execute(
        f"SELECT * FROM items ORDER BY {filters.sort}").fetchall()


@app.get("/b")
def by_annotation(filters: Annotated[Filters, Depends(Filters)]):
    return sqlite3.connect("app.db").execute(
        f"SELECT * FROM items WHERE name = '{filters.q}'").fetchall()


@app.get("/c")
def paged(paging: Paging = Depends()):
    return sqlite3.connect("app.db").execute(
        f"SELECT * FROM items LIMIT {paging.size} OFFSET {paging.offset}").fetchall()
'''


def test_a_class_dependency_taking_text_gives_request_data(repo: GitRepo) -> None:
    # FastAPI makes `Filters` of the query's parameters, by `Depends()` (24) or
    # `Depends(Filters)` (30); `Paging` takes numbers only (36 quiet)
    repo.write("app.py", CLASS_DEPENDENCIES)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert sorted((f.rule_id.split(".")[2], f.span.start_line) for f in run.findings) == [
        ("sqli", 24), ("sqli", 30)]
