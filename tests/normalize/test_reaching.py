"""What a name holds at a flagged line, from the statements before it: a constant
assigned last, a guard that holds it to a constant collection or to digits; and the forms
that must not count (a branch, a loop, a handler, a guard that does not leave, a
collection changed in place, an `abort` that is not Flask's)."""

from __future__ import annotations

import pytest

from assay.normalize.constant_args import ConstantLines

HEAD = ("import re\n\nfrom flask import Flask, abort, request\n\n"
        "ALLOWED = {'1+1', '2*3'}\nPLUGINS = frozenset({'json', 'csv'})\n"
        "SLUG = re.compile(r'[a-z0-9_-]+', re.I)\nNUMBER = r'^\\d{1,6}\\Z'\n"
        "LOOSE = re.compile(r'[^;]+')\nLINES = re.compile(r'^[a-z]+$', re.M)\n\n\n")


def _verdict(body: str, check: str = "B307") -> bool:
    source = HEAD + "def view(param):\n" + body
    line = next(n for n, text in enumerate(source.splitlines(), 1)
                if "eval(" in text or "execute(" in text)
    return ConstantLines(source.encode()).constant(line, check)


@pytest.mark.parametrize("body", [
    # assigned again before the line, in straight-line code or an enclosing block
    "    expr = request.args['e']\n    expr = '1 + 1'\n    return eval(expr)\n",
    "    expr = request.args['e']\n    expr = '1 + 1'\n    if expr:\n"
    "        return eval(expr)\n",
    "    param = '2 ** 8'\n    with open('x') as f:\n        print(f)\n"
    "        return eval(param)\n",
    "    expr = request.args['e']\n    expr = '1'\n    try:\n        return eval(expr)\n"
    "    except ValueError:\n        return None\n",
    "    a = request.args['e']\n    a = '1'\n    b = a + ' + 2'\n    return eval(b)\n",
    "    expr = request.args['e']\n    expr = '1'\n    return str(\n        eval(expr))\n",
    # held to a constant collection: rejected otherwise, or used only inside the test
    "    expr = request.args['e']\n    if expr not in ALLOWED:\n        abort(400)\n"
    "    return eval(expr)\n",
    "    if param not in PLUGINS:\n        raise ValueError(param)\n    return eval(param)\n",
    "    if param not in ('a', 'b'):\n        return None\n    return eval(param)\n",
    "    if param in ALLOWED:\n        return eval(param)\n    return None\n",
    "    for e in request.args.getlist('e'):\n        if e not in ALLOWED:\n"
    "            continue\n        value = eval(e)\n        print(value)\n",
    # held to digits or letters
    "    n = request.args['n']\n    if not n.isdigit():\n        abort(400)\n"
    "    return eval(n + ' * 2')\n",
    "    if not param.isalnum():\n        raise ValueError()\n"
    "    cursor.execute(\"SELECT * FROM t WHERE a = '\" + param + \"'\")\n",
    "    if param.isdigit():\n        return eval(param + ' * 2')\n",
    # chosen only when it holds digits, else a constant
    "    n = param if param.isdigit() else '0'\n    return eval(n)\n",
    "    n = '0' if not param.isdecimal() else param\n    return eval(n)\n",
    "    return eval(param if param.isdigit() else '0')\n",
    # matched to a regular expression of plain characters only
    "    if not SLUG.fullmatch(param):\n        abort(404)\n"
    "    cursor.execute(\"SELECT * FROM t WHERE slug = '%s'\" % param)\n",
    "    if not re.match(r'^[A-Za-z0-9.-]{1,64}$', param):\n        raise ValueError()\n"
    "    return eval(param)\n",
    "    if re.search(NUMBER, param) is None:\n        return None\n    return eval(param)\n",
    "    if SLUG.fullmatch(param):\n        return eval(param)\n",
    "    n = param if re.fullmatch(r'\\w+', param) else 'x'\n    return eval(n)\n",
])
def test_what_runs_before_the_line_makes_it_constant(body: str) -> None:
    check = "B608" if "execute(" in body else "B307"
    assert _verdict(body, check)


@pytest.mark.parametrize("body", [
    "    return eval(param)\n",
    # the last assignment is request data, or the constant is in a branch or a loop
    "    expr = '1'\n    expr = request.args['e']\n    return eval(expr)\n",
    "    expr = '1'\n    if param:\n        expr = request.args['e']\n    return eval(expr)\n",
    "    expr = '1'\n    for x in param:\n        expr = x\n    return eval(expr)\n",
    "    expr = request.args['e']\n    expr = '1'\n    while eval(expr):\n"
    "        expr = request.args['e']\n",
    "    expr = request.args['e']\n    while True:\n        value = eval(expr)\n"
    "        expr = '1'\n",
    "    expr = request.args['e']\n    for _ in range(2):\n        value = eval(expr)\n"
    "        expr = '1'\n",
    "    expr = request.args['e']\n    expr += '1'\n    return eval(expr)\n",
    "    expr = '1'\n    try:\n        expr = request.args['e']\n    except KeyError:\n"
    "        return eval(expr)\n",
    "    expr = request.args['e']\n    expr = '1'\n    with open('x') as expr:\n"
    "        return eval(expr)\n",
    # a value assigned from a name that changed since (judged where it was assigned)
    "    a = request.args['e']\n    b = a\n    a = '1'\n    return eval(b)\n",
    # a guard that does not leave, has an `else`, or a collection that is not constant
    "    if param not in ALLOWED:\n        print('no')\n    return eval(param)\n",
    "    if param not in ALLOWED:\n        abort(400)\n    else:\n        pass\n"
    "    return eval(param)\n",
    "    if param not in request.args:\n        abort(400)\n    return eval(param)\n",
    "    if param in ALLOWED:\n        pass\n    else:\n        return eval(param)\n",
    "    if param not in ALLOWED:\n        abort(400)\n    param = request.args['e']\n"
    "    return eval(param)\n",
    # a test that does not hold to plain characters
    "    if not param.isprintable():\n        abort(400)\n    return eval(param)\n",
    "    if not param.startswith('1'):\n        abort(400)\n    return eval(param)\n",
    "    if param.isprintable():\n        return eval(param)\n",
    "    if param.isdigit():\n        pass\n    else:\n        return eval(param)\n",
    "    n = param if param.isdigit() else request.args['e']\n    return eval(n)\n",
    "    n = param if param.isprintable() else '0'\n    return eval(n)\n",
    "    n = request.args['e'] if param.isdigit() else '0'\n    return eval(n)\n",
    # a regular expression that allows more, or does not hold the whole value
    "    if not LOOSE.fullmatch(param):\n        abort(400)\n    return eval(param)\n",
    "    if not LINES.match(param):\n        abort(400)\n    return eval(param)\n",
    "    if not re.match(r'[a-z]+', param):\n        abort(400)\n    return eval(param)\n",
    "    if not re.search(r'[a-z]+$', param):\n        abort(400)\n    return eval(param)\n",
    "    if not re.fullmatch(r'[a-z ]+', param):\n        abort(400)\n    return eval(param)\n",
    "    if not re.fullmatch(r'[a-z]+', param, re.MULTILINE):\n        abort(400)\n"
    "    return eval(param)\n",
    "    if re.fullmatch(r'[a-z]+', param) is not None:\n        print(1)\n"
    "    return eval(param)\n",
    "    if not SLUG.fullmatch(request.args['p']):\n        abort(400)\n"
    "    return eval(param)\n",
])
def test_other_forms_do_not(body: str) -> None:
    assert not _verdict(body)


def test_a_collection_changed_in_place_or_an_abort_of_the_project_is_no_guard() -> None:
    guarded = "    if param not in ALLOWED:\n        abort(400)\n    return eval(param)\n"
    assert _verdict(guarded)
    changed = HEAD + "ALLOWED.add(request.args['x'])\n\n\ndef view(param):\n" + guarded
    line = len(changed.splitlines())
    assert not ConstantLines(changed.encode()).constant(line, "B307")
    own = HEAD.replace("from flask import Flask, abort, request",
                       "from flask import Flask, request\n\n\ndef abort(code):\n    pass") \
        + "def view(param):\n" + guarded
    assert not ConstantLines(own.encode()).constant(len(own.splitlines()), "B307")


@pytest.mark.parametrize(("body", "expected"), [
    # the item's last store before the line is a constant, or a dict literal's value
    ("    options = {'actor': request.args['a'], 'table': 'events'}\n"
     "    options['table'] = 'events_2024'\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", True),
    ("    options = {'actor': request.args['a'], 'table': 'events'}\n"
     "    print(options['actor'])\n    options['page'] = request.args['p']\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", True),
    # request data stored last, the whole dict changed, a store by a key not known
    ("    options = {'table': 'events'}\n    options['table'] = request.args['t']\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", False),
    ("    options = {'table': 'events'}\n    options.update(request.args)\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", False),
    ("    options = {'table': 'events'}\n    options[param] = request.args['t']\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", False),
    ("    options = {'table': 'events'}\n    fill(options)\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", False),
    ("    options = dict(table='events')\n"
     "    cursor.execute('SELECT * FROM ' + options['table'])\n", False),
])
def test_an_item_by_a_constant_key(body: str, expected: bool) -> None:
    assert _verdict(body, "B608") is expected


@pytest.mark.parametrize(("body", "expected"), [
    # a branch a constant condition never takes assigns nothing
    ("    retries = 2\n    if retries > 5:\n        expr = request.args['e']\n"
     "    else:\n        expr = '1 + 1'\n    return eval(expr)\n", True),
    ("    expr = '1'\n    flag = 'off'\n    if flag == 'on':\n        expr = request.args['e']\n"
     "    return eval(expr)\n", True),
    # the branch taken assigns request data, or the condition is not known
    ("    retries = 9\n    if retries > 5:\n        expr = request.args['e']\n"
     "    else:\n        expr = '1 + 1'\n    return eval(expr)\n", False),
    ("    if param > 5:\n        expr = request.args['e']\n"
     "    else:\n        expr = '1 + 1'\n    return eval(expr)\n", False),
    ("    retries = 2\n    if retries > 5 or request.args:\n        expr = request.args['e']\n"
     "    else:\n        expr = '1 + 1'\n    return eval(expr)\n", False),
    # a name of the condition assigned again in a branch not known
    ("    retries = 2\n    if param:\n        retries = 9\n    if retries > 5:\n"
     "        expr = request.args['e']\n    else:\n        expr = '1'\n    return eval(expr)\n",
     False),
])
def test_a_branch_a_constant_condition_never_takes(body: str, expected: bool) -> None:
    assert _verdict(body) is expected


def test_a_file_written_to_multiply_the_work_is_judged_all_the_same() -> None:
    # attack: a hostile file where each condition's names were decided by the
    # condition before (two lookups each), or each name is built from the one before
    # twice: both would take two to the power of the number of lines. Each is judged
    # within a fixed number of lookups, each name once
    branches = ["    a = 1", "    b = 2"]
    for _ in range(60):
        branches += ["    if a > b:", "        a = 1", "    else:", "        b = 2"]
    doubling = ["    v0 = 'x'", *(f"    v{i} = v{i - 1} + v{i - 1}" for i in range(1, 60))]
    for body, last in ((branches, "a"), (doubling, "v59")):
        source = "def view(param):\n" + "\n".join(body) + f"\n    return eval({last})\n"
        assert ConstantLines(source.encode()).constant(len(body) + 2, "B307")
