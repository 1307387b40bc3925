"""Query builders kept on an object: a method that builds text of its argument and keeps
it (`self.filters.append(f"source = '{source}'")`) makes the object hold the caller's
value, and so what another method builds of it (`sql, args = q.build()`). Beside it, a
method keeping the value as it is, for a bound parameter, which stays quiet."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

BUILDER = '''\
class AuditQuery:
    def __init__(self) -> None:
        self.filters: list[str] = []
        self.args: list = []

    def where_level(self, level: str) -> "AuditQuery":
        self.args.append(level.upper())
        self.filters.append(f"level = ${len(self.args)}")
        return self

    def where_source(self, source: str) -> "AuditQuery":
        self.filters.append(f"source = '{source}'")
        return self

    def build(self) -> tuple[str, list]:
        where = " AND ".join(self.filters) or "TRUE"
        return f"SELECT id, message FROM audit WHERE {where}", self.args
'''

VIEWS = '''\
from aiohttp import web

from app.query import AuditQuery

routes = web.RouteTableDef()


@routes.get("/audit/by-source")
async def by_source(request: web.Request) -> web.Response:
    q = AuditQuery()
    q.where_source(request.query["source"])
    sql, args = q.build()
    async with request.app["pool"].acquire() as conn:
        rows = await conn.fetch(sql, *args)
    return web.json_response([dict(r) for r in rows])


@routes.get("/audit/by-level")
async def by_level(request: web.Request) -> web.Response:
    q = AuditQuery()
    q.where_level(request.query["level"])
    sql, args = q.build()
    async with request.app["pool"].acquire() as conn:
        rows = await conn.fetch(sql, *args)
    return web.json_response([dict(r) for r in rows])
'''


def test_text_a_builder_keeps_of_its_argument_reaches_the_query_it_builds(
        repo: GitRepo) -> None:
    # the source's text kept in the filters reaches the query (14); the level kept as a
    # bound parameter (24) stays quiet
    found = _semgrep_found(repo, {"app/__init__.py": "", "app/query.py": BUILDER,
                                  "app/views.py": VIEWS})
    assert found == [("sqli", 14)]
