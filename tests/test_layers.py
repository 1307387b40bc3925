"""Layering rules of the source tree, checked on its syntax."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import assay

SRC = Path(assay.__file__).resolve().parent

_SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|BEGIN"
                  r"|COMMIT|ROLLBACK|WITH|VACUUM|ATTACH)\b", re.IGNORECASE)
_CONNECTION = re.compile(r"(^|_)(db|conn|connection|cursor|database|sqlite)$", re.IGNORECASE)
_DB_FILE = re.compile(r"[\w.-]+\.(db|sqlite|sqlite3)", re.IGNORECASE)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if not name.startswith("ledger/"):
            yield name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _receiver(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _receiver(node.func)
    return ""


def _text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _text(node.left)
    return ""


def _sql_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """`import sqlite3`, and statements run on a database connection."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlite3":
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlite3":
            yield node.lineno, f"from {node.module} import ..."
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("execute", "executemany", "executescript")):
            sql = bool(node.args) and bool(_SQL.match(_text(node.args[0])))
            if sql or node.func.attr != "execute" or _CONNECTION.search(
                    _receiver(node.func.value)):
                yield node.lineno, f".{node.func.attr}(...) on {_receiver(node.func.value)!r}"


def _db_names(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """String constants that name a database file."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _DB_FILE.fullmatch(node.value)):
            yield node.lineno, repr(node.value)


def test_sql_only_in_the_ledger() -> None:
    """SQL, sqlite3 and database file names live only in `assay/ledger/`: everything else
    goes through the ledger's interfaces, so another backend is a new module there."""
    found = [f"{name}:{line}: {what}" for name, tree in _modules()
             for line, what in _sql_uses(tree)]
    found += [f"{name}:{line}: database file {what}" for name, tree in _modules()
              for line, what in _db_names(tree)]
    assert found == []


def test_the_sql_check_sees_what_it_must() -> None:
    """The check itself: it flags sqlite3 and statements on connections, not other calls
    named `execute`."""
    flagged = ast.parse("import sqlite3\nself.db.execute(q)\nconn.executemany(q, r)\n"
                        "x.execute('SELECT 1')\nself.toolbox.execute(call, stage)\n"
                        "runner.execute(f'select {a}')\n")
    assert sorted(line for line, _ in _sql_uses(flagged)) == [1, 2, 3, 4, 6]
    names = ast.parse("p = d / 'ledger.db'\nq = 'notes.txt'\nr = 'x.sqlite3'\n")
    assert sorted(line for line, _ in _db_names(names)) == [1, 3]
