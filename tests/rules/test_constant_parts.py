"""Constants and what is not one. Text built of constants only is a constant: a class's
constant attribute read through `self` (written in upper case, as constants are), joined
with literals by `+`, `%` or an f-string. A query object returning `(sql, params)` from
such text and the caller's value gives the caller a constant statement and bound
parameters. Beside it, an attribute an instance is given another value of, in a method
or by a view of another module, which is no constant however the class spells its
default; and a parameter named like a builtin, a function or a constant of the module
(`def user_query(id)`), which holds what the caller passes: such a helper had been
summarized as returning a constant, which cleared every call of it."""

from __future__ import annotations

from tests.helpers import GitRepo
from tests.rules.test_frameworks import _semgrep_found

QUERIES = '''\
class SupplierQuery:
    BASE_SQL = "SELECT p.* FROM product p JOIN supplier s ON s.id = p.supplier_id"

    def __init__(self, supplier):
        self.supplier = supplier

    def sql_and_params(self):
        if not self.supplier:
            return self.BASE_SQL + " ORDER BY p.name", []
        return f"{self.BASE_SQL} WHERE s.name = %s ORDER BY p.name", [self.supplier]


class ColumnQuery:
    COLUMN = "name"

    def __init__(self, column):
        self.COLUMN = column

    def sql_and_params(self):
        return "SELECT * FROM product ORDER BY " + self.COLUMN, []


class RegionQuery:
    region = "eu"

    def sql_and_params(self):
        return f"SELECT * FROM product WHERE region = '{self.region}'", []
'''

VIEWS = '''\
from django.db import connection
from django.http import JsonResponse

from shop.queries import ColumnQuery, RegionQuery, SupplierQuery


def by_supplier(request):
    sql, params = SupplierQuery(request.GET.get("supplier", "")).sql_and_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return JsonResponse({"rows": cursor.fetchall()})


def by_column(request):
    sql, params = ColumnQuery(request.GET.get("sort", "name")).sql_and_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return JsonResponse({"rows": cursor.fetchall()})


def by_region(request):
    query = RegionQuery()
    query.region = request.GET["region"]
    sql, params = query.sql_and_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return JsonResponse({"rows": cursor.fetchall()})
'''


def test_a_statement_of_class_constants_is_constant(repo: GitRepo) -> None:
    # the supplier's statement is constant text (10); the column the instance replaces
    # its class's default with is the request's (17), and so is a lower-case attribute
    # a view of another module sets on the object (26)
    found = _semgrep_found(repo, {"shop/__init__.py": "", "shop/queries.py": QUERIES,
                                  "shop/views.py": VIEWS})
    assert found == [("sqli", 17), ("sqli", 26)]


NAMED_LIKE = '''\
import sqlite3

from flask import Flask, request

app = Flask(__name__)
db = sqlite3.connect("shop.db")
template = "SELECT * FROM items WHERE kind = 'book'"


def user_query(id):
    return "SELECT * FROM users WHERE id = '" + id + "'"


def item_query(search):
    return "SELECT * FROM items WHERE name LIKE '%" + search + "%'"


def kind_query(template):
    return template


@app.get("/users")
def users():
    return {"rows": db.execute(user_query(request.args["id"])).fetchall()}


@app.get("/search")
def search():
    return {"rows": db.execute(item_query(request.args["q"])).fetchall()}


@app.get("/kinds")
def kinds():
    return {"rows": db.execute(kind_query(request.args["sql"])).fetchall()}
'''


def test_a_parameter_named_like_a_builtin_or_a_function_is_the_callers(repo: GitRepo) -> None:
    # a parameter called `id` (24), one called like the view `search` (29) and one called
    # like a module constant (34) carry what the caller passes: no constant helpers
    found = _semgrep_found(repo, {"app.py": NAMED_LIKE})
    assert found == [("sqli", 24), ("sqli", 29), ("sqli", 34)]
