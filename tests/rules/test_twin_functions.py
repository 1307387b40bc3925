"""Functions of one name in two modules, each called by its bare name in its own file: a
call is matched to the function of its own file by that function's code, or, when the
code cannot serve as a pattern (asyncpg's `$1` placeholders read as a metavariable), by
its `def` line when no twin has the same one."""

from __future__ import annotations

from assay.api import scan
from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

SORTED = '''\
from fastapi import APIRouter, Query

router = APIRouter()


async def list_orders(pool, customer_id: int, sort: str):
    sql = "SELECT * FROM orders WHERE customer_id = $1 ORDER BY " + sort
    async with pool.acquire() as conn:
        return await conn.fetch(sql, customer_id)


@router.get("/orders/{customer_id}")
async def orders(customer_id: int, sort: str = Query("created_at")):
    return await list_orders(router.pool, customer_id, sort)
'''

BOUND = '''\
from fastapi import APIRouter, Query

router = APIRouter()


async def list_orders(pool, customer_id: int, status: str):
    sql = "SELECT * FROM orders WHERE customer_id = $1 AND status = $2"
    async with pool.acquire() as conn:
        return await conn.fetch(sql, customer_id, status)


@router.get("/orders/{customer_id}")
async def orders(customer_id: int, status: str = Query("open")):
    return await list_orders(router.pool, customer_id, status)
'''


def test_a_twin_is_matched_by_its_def_line_when_its_code_cannot_be(repo: GitRepo) -> None:
    # the sort column's call (14 of sorted.py) reported; the twin binding its value
    # (14 of bound.py) not
    found = _semgrep_found(repo, {"sorted.py": SORTED, "bound.py": BOUND})
    assert found == [("sqli", 14)]


def test_twins_of_one_def_line_are_not_told_apart_by_it(repo: GitRepo) -> None:
    # the same `def` line in both files: the line matches either file's call, so it
    # serves neither, and the twin binding its value (bound.py) is not reported
    same = BOUND.replace("status: str):\n    sql", "sort: str):\n    sql").replace(
        "customer_id, status)\n\n", "customer_id, sort)\n\n")
    for path, text in {"sorted.py": SORTED, "bound.py": same}.items():
        repo.write(path, text)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert [f.path for f in run.findings if f.path == "bound.py"] == []
