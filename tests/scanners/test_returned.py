"""Which parameters can reach a function's return value: left out only when none can."""

from __future__ import annotations

import pytest

from assay.scanners.semgrep._pysource import read_module
from assay.scanners.semgrep._returned import ROUNDS

CASES = '''\
import logging
import os
import pathlib
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


def picked(releases, version):
    return next((r for r in releases if r.version == version), None)


def picked_element(releases, version):
    return next((version for r in releases if r.version), None)


def cached(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as handle:
        return handle.read()


def read_path(folder, name):
    return pathlib.Path(folder, name).read_text()


def from_cache_or_list(items: list, key: str | None = None):
    if key:
        hit = cached("/srv/cache", key)
        if hit:
            return hit
    logging.debug(f"no cache for {key}")
    return items[0]


def spread(folder: str, name: str):
    return cached(*[folder, name])


def shadowed(folder: str, name: str):
    cached = os.path.join
    return cached(folder, name)


def untyped_name(name, version):
    hit = cached(name, version)
    return name


def typed_name(name: str, version):
    hit = cached(name, version)
    return name


def rendered_pdf(report_id, title, quality):
    export_dir = pathlib.Path("/srv/exports")
    raw_pdf = export_dir / f"report-{report_id}.raw.pdf"
    final_pdf = export_dir / f"report-{report_id}.pdf"
    convert(raw_pdf, title=title)
    compress(raw_pdf, final_pdf, quality)
    return final_pdf


def kept_list(report_id, title):
    parts = [report_id]
    convert(parts, title=title)
    return parts
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
    # a comprehension's filter picks among the items: none of its names is returned
    ("picked", ("version",)),
    ("picked_element", ()),  # control: the element is the parameter
    # a file's contents carry none of its path
    ("cached", ("folder", "name")),
    ("read_path", ("folder", "name")),
    # a function of the module whose return holds none of `key`; an f-string handed to
    # a call is a new string (the call cannot store `items` into `key`)
    ("from_cache_or_list", ("key",)),
    # a `*args` may fill any parameter; a name the function binds is not the module's
    ("spread", ()),
    ("shadowed", ()),
    # a call handed `name` and `version` may store one into the other, unless `name` is
    # a string by its annotation
    ("untyped_name", ()),
    ("typed_name", ("version",)),
    # paths are immutable: a call handed the title and one path, then both paths,
    # cannot put the title into the returned one; a list it is handed may hold it
    ("rendered_pdf", ("title", "quality")),
    ("kept_list", ()),
])
def test_parameters_no_return_value_can_hold(unreturned: dict[str, tuple[str, ...]],
                                             function: str, expected: tuple[str, ...]) -> None:
    assert unreturned[function] == expected


def _chain(depth: int) -> str:
    """`f0(a, b)` returns `f1(a, b)`, ..., the last returns `a` alone (strings: no call
    can store one into the other)."""
    lines = [f"def f{i}(a: str, b: str):\n    return f{i + 1}(a, b)\n\n" for i in range(depth)]
    return "".join(lines) + f"def f{depth}(a: str, b: str):\n    return a\n"


def test_a_chain_of_module_functions_is_read_a_bounded_number_of_times() -> None:
    # a short chain is followed to its end; a long one (a scanned file can hold any
    # number) stops after `ROUNDS` readings, its outer functions read as holding both
    short = read_module("short.py", "short", _chain(2))
    assert short is not None
    assert {f.qualname: f.unreturned for f in short.functions}["f0"] == ("b",)
    deep = read_module("deep.py", "deep", _chain(ROUNDS + 3))
    assert deep is not None
    found = {f.qualname: f.unreturned for f in deep.functions}
    assert found[f"f{ROUNDS + 3}"] == ("b",) and found["f0"] == ()


IMPORTING = '''\
from exports import package, stamp
from exports import tools


def through_other(path, password):
    return package(path, password)


def through_module(path, password):
    return tools.package(path, password=password)


def stored_first(path, password):
    stamp(path, password)
    return path


def spread(path, password):
    return package(*[path, password])


def own(path, password):
    return path, password
'''


def test_an_argument_handed_to_another_modules_function_is_unreturned_if_it_is() -> None:
    # what another module's function returns is for the summaries to say: each
    # parameter the return can hold only through such calls, with those arguments; a
    # parameter stored into a returned object by one (the callee may keep it there), a
    # `*args` spread (any parameter), or one returned itself is no candidate
    module = read_module("app.py", "app", IMPORTING)
    assert module is not None
    found = {f.qualname: f.unreturned_if for f in module.functions}
    assert found["through_other"] == (
        ("path", (("exports.package", "0"),)), ("password", (("exports.package", "1"),)))
    assert found["through_module"] == (
        ("path", (("exports.tools.package", "0"),)),
        ("password", (("exports.tools.package", "password"),)))
    assert found["stored_first"] == ()
    assert found["spread"] == ()
    assert found["own"] == ()
