"""Which parameters can reach a function's return value: left out only when none can."""

from __future__ import annotations

import pytest

from assay.scanners.semgrep._pysource import read_module

CASES = '''\
import os
import subprocess


def export_note(note_id, title):
    folder = "/srv/exports"
    target = os.path.join(folder, f"{note_id}.pdf")
    subprocess.run(["pandoc", f"title={title}", "-o", target], check=True)
    return target


def appended(items, x):
    items.append(x)
    return items


def through_loop(first, rest):
    out = []
    for value in rest:
        out.append(value)
    return out


def stored(key, value):
    table = {}
    table[key] = value
    return table


def on_self(self_like, value):
    self_like.value = value
    return self_like


def closure(a, b):
    def inner():
        return b
    return inner


def logged(user, message):
    print(message)
    return user.id


def joined(a, b):
    text = "x" + a
    text.join(b)
    return text


def by_walrus(a, b):
    if (n := len(b)) > 3:
        return n
    return a


def no_return(a, b):
    print(a, b)


def via_locals(a, b):
    return locals()["b"]
'''


@pytest.fixture(scope="module")
def unreturned() -> dict[str, tuple[str, ...]]:
    module = read_module("cases.py", "cases", CASES)
    assert module is not None
    return {f.qualname: f.unreturned for f in module.functions}


@pytest.mark.parametrize(("function", "expected"), [
    ("export_note", ("title",)),  # passed to a call with the returned path: a new string
    ("appended", ()),  # stored into the returned list by a method call
    ("through_loop", ("first",)),  # `rest` through the loop variable into `out`
    ("stored", ()),  # an item of the returned dict
    ("on_self", ()),  # an attribute of the returned object
    ("closure", ()),  # a nested function may return anything
    ("logged", ("message",)),
    ("joined", ("b",)),  # `text` is a new string: `join` cannot change it
    ("by_walrus", ()),
    ("no_return", ()),  # nothing returned: nothing to say (a constant summary's job)
    ("via_locals", ()),
])
def test_parameters_no_return_value_can_hold(unreturned: dict[str, tuple[str, ...]],
                                             function: str, expected: tuple[str, ...]) -> None:
    assert unreturned[function] == expected
