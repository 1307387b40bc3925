"""Whether a line's flagged values are constants: positively not attacker-controlled."""

from __future__ import annotations

import pytest

from assay.normalize.constant_args import ConstantLines

SOURCE = b'''\
import subprocess

TABLE = "events"
ORDER = {"new": "created DESC", "old": "created"}
RENAMED = "x"
RENAMED += "y"
MUTATED = "ls"
CYCLE_A = CYCLE_B
CYCLE_B = CYCLE_A
BUILT = "ls " + TABLE


def shadowing(cursor, TABLE):
    cursor.execute(f"SELECT * FROM {BUILT}")


class Report:
    COLUMNS = {"a": "a", "b": "b"}


def run(request, cursor):
    subprocess.call("ls -l /srv", shell=True)
    subprocess.call("ls " + request.args["d"], shell=True)
    count = int(request.args["n"])
    cursor.execute(f"SELECT * FROM {TABLE} LIMIT {count}")
    cursor.execute("SELECT * FROM t ORDER BY " + ORDER.get(request.args["o"], "id"))
    cursor.execute(f"SELECT {Report.COLUMNS[request.args['c']]} FROM t")
    cursor.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join("?" * count), [1])
    cursor.execute(f"SELECT * FROM {RENAMED}")
    marks = ",".join("?" for _ in request.args.getlist("id"))
    cursor.execute(f"SELECT * FROM t WHERE id IN ({marks})", ids)
    leaked = ",".join(v for v in request.args.getlist("id"))
    cursor.execute(f"SELECT * FROM t WHERE id IN ({leaked})")
    name = "t"
    if request.args.get("x"):
        name = request.args["x"]
    cursor.execute(f"SELECT * FROM {name}")
    cursor.execute("SELECT * FROM t ORDER BY " + ORDER.get(request.args["o"], request.args["d"]))
    print(eval("2 ** 8"), eval(request.args["e"]))
    cursor.execute(f"SELECT * FROM {TABLE} WHERE a = ?", (f"%{request.args['q']}%",))
    subprocess.call(MUTATED, shell=True)
    subprocess.call(CYCLE_A, shell=True)


def later(request):
    global MUTATED
    MUTATED = request.args["cmd"]
'''
LINES = {line: n for n, line in enumerate(SOURCE.decode().splitlines(), 1)}


def _line(start: str) -> int:
    return next(n for text, n in LINES.items() if text.strip().startswith(start))


@pytest.mark.parametrize(("start", "check", "col", "expected"), [
    ('subprocess.call("ls -l', "B602", None, True),  # a literal (shell=True is a flag)
    ('subprocess.call("ls " +', "B602", None, False),  # request data
    ("cursor.execute(f\"SELECT * FROM {TABLE}", "B608", None, True),  # constant, number
    ('cursor.execute("SELECT * FROM t ORDER BY " + ORDER.get(request.args["o"], "id"',
     "B608", None, True),  # a value of a constant table, or a literal default
    ("cursor.execute(f\"SELECT {Report.COLUMNS", "B608", None, True),  # a class's table
    ('cursor.execute("SELECT * FROM t WHERE id IN', "B608", None, True),  # placeholders
    ("cursor.execute(f\"SELECT * FROM {RENAMED}", "B608", None, False),  # bound twice
    ("cursor.execute(f\"SELECT * FROM t WHERE id IN ({marks", "B608", None, True),
    ("cursor.execute(f\"SELECT * FROM t WHERE id IN ({leaked", "B608", None, False),
    ("cursor.execute(f\"SELECT * FROM {name}", "B608", None, False),  # one assignment isn't
    ('cursor.execute("SELECT * FROM t ORDER BY " + ORDER.get(request.args["o"], request',
     "B608", None, False),  # the default is request data
    ('print(eval("2 ** 8")', "B307", 11, True),  # the flagged call only, by its column
    ('print(eval("2 ** 8")', "B307", 27, False),
    ('print(eval("2 ** 8")', "B307", None, False),  # without it: every call of the line
    ("subprocess.call(MUTATED", "B602", None, False),  # rebound by `global` elsewhere
    ("subprocess.call(CYCLE_A", "B602", None, False),  # bound to each other: no value
    # a module constant built of constants, judged at module level (the function's
    # parameter `TABLE` is another name)
    ('cursor.execute(f"SELECT * FROM {BUILT}', "B608", None, True),
    # Bandit's column falls inside the flagged string (its first part): that string only,
    # not the bound parameter built on the same line
    ('cursor.execute(f"SELECT * FROM {TABLE} WHERE a', "B608", 23, True),
    ('cursor.execute(f"SELECT * FROM {TABLE} WHERE a', "B608", None, False),
])
def test_constant_lines(start: str, check: str, col: int | None, expected: bool) -> None:
    assert ConstantLines(SOURCE).constant(_line(start), check, col) is expected


def test_a_file_that_does_not_parse_has_no_constant_line() -> None:
    assert not ConstantLines(b"def f(:\n    x = 'a'\n").constant(2, "B602")


def test_a_line_too_deep_to_judge_is_not_constant() -> None:
    # a left-deep `"a" + "a" + ...` parses, and is too deep to judge recursively: no
    # traceback, and the finding stays listed (control: a short one is constant)
    deep = " + ".join(['"a"'] * 3000)
    source = f"import subprocess\nsubprocess.call({deep}, shell=True)\n".encode()
    assert not ConstantLines(source).constant(2, "B602")
    assert ConstantLines(b"import subprocess\nsubprocess.call('a' + 'b', shell=True)\n"
                         ).constant(2, "B602")


QUOTED = '''\
import os
import shlex
import subprocess
from shlex import quote as q


def ping(host, folder):
    os.system("ping -c 1 " + shlex.quote(host))
    subprocess.call(f"ls -l {q(folder)} | wc -l", shell=True)
    os.system("ping -c 1 " + host)
'''


@pytest.mark.parametrize(("line", "check", "expected"), [
    (8, "B605", True),  # quoted for the shell: one word, whatever it holds
    (9, "B602", True),  # imported under another name
    (10, "B605", False),  # not quoted
    (8, "B608", False),  # quoted for a shell is not quoted for SQL
])
def test_a_value_quoted_for_the_shell_in_a_shell_command(line: int, check: str,
                                                         expected: bool) -> None:
    assert ConstantLines(QUOTED.encode()).constant(line, check) is expected


def test_a_quote_function_of_the_file_quotes_nothing() -> None:
    # attack: a file that defines its own `quote` after importing shlex's
    own = QUOTED.replace("def ping(", "def q(value):\n    return value\n\n\ndef ping(")
    line = next(n for n, t in enumerate(own.splitlines(), 1) if "q(folder)" in t)
    assert not ConstantLines(own.encode()).constant(line, "B602")


QUOTING_HELPERS = b'''\
import shlex
import subprocess


def quoted(domain):
    domain = domain.strip()
    if domain.startswith("-"):
        raise ValueError(domain)
    return shlex.quote(domain)


def maybe(domain):
    if not domain:
        return domain
    return shlex.quote(domain)


def dig(domain):
    subprocess.run(f"dig +short {quoted(domain)} | head", shell=True)
    subprocess.run(f"dig +short {maybe(domain)} | head", shell=True)
'''


@pytest.mark.parametrize(("line", "expected"), [
    (19, True),  # the file's function returning only a value quoted for the shell
    (20, False),  # one returning the value itself on a path
])
def test_a_function_of_the_file_that_only_quotes(line: int, expected: bool) -> None:
    assert ConstantLines(QUOTING_HELPERS).constant(line, "B602") is expected


def test_a_quoting_function_bound_again_quotes_nothing() -> None:
    # attack: the file binds the name again after the `def` (its calls run the lambda)
    rebound = QUOTING_HELPERS.replace(b"\n\ndef maybe(", b"\nquoted = lambda d: d\n\n\ndef maybe(")
    line = next(n for n, t in enumerate(rebound.splitlines(), 1) if b"{quoted(" in t)
    assert not ConstantLines(rebound).constant(line, "B602")
    assert ConstantLines(QUOTING_HELPERS).constant(19, "B602")


CALLS_ON_RESULTS = '''\
import subprocess

COMMANDS = {"disk": "df -h", "mem": "free -m"}
RULE = "price < 10"


def stat(request, items, code):
    cmd = COMMANDS.get(request.args.get("what"), "uptime")
    out = subprocess.check_output(cmd, shell=True).decode()
    cheap = [i for i in items if eval(RULE, {}, i)]
    picked = [i for i in items if eval(code, {}, i)]
    return out, cheap, picked
'''


@pytest.mark.parametrize(("line", "check", "col", "expected"), [
    # Bandit's column is that of the call and of the call made on its result: the
    # flagged call is the inner one
    (9, "B602", 11, True),
    # eval's code is judged, not the namespaces it is given
    (10, "B307", 34, True),
    (11, "B307", 35, False),
])
def test_the_flagged_call_and_the_code_eval_runs(line: int, check: str, col: int,
                                                 expected: bool) -> None:
    assert ConstantLines(CALLS_ON_RESULTS.encode()).constant(line, check, col) is expected


def test_a_trusted_module_the_tree_defines_proves_nothing() -> None:
    # attack: a tree with its own `shlex.py` (whose quote returns its argument) or
    # `flask` package: its quoting and its abort are no evidence
    assert ConstantLines(QUOTED.encode()).constant(8, "B605")
    assert not ConstantLines(QUOTED.encode(), frozenset({"shlex"})).constant(8, "B605")
    guarded = ("from flask import abort\n\nALLOWED = {'a'}\n\n\ndef view(param):\n"
               "    if param not in ALLOWED:\n        abort(400)\n    return eval(param)\n")
    assert ConstantLines(guarded.encode()).constant(9, "B307")
    assert not ConstantLines(guarded.encode(), frozenset({"flask"})).constant(9, "B307")


FILES = b'''\
import pickle
import subprocess

MODEL = "/srv/models/ranker.pkl"


def ranker():
    with open(MODEL, "rb") as handle:
        return pickle.load(handle)


def uploaded(request):
    with request.files["m"].stream as handle:
        return pickle.load(handle)


def page(cursor, limit):
    size = max(1, min(int(limit), 100))
    cursor.execute(f"SELECT * FROM t LIMIT {size}")
'''


def test_a_file_the_code_names_and_a_choice_between_numbers() -> None:
    lines = [text.strip() for text in FILES.decode().splitlines()]
    loads = [n for n, text in enumerate(lines, 1) if text == "return pickle.load(handle)"]
    query = lines.index('cursor.execute(f"SELECT * FROM t LIMIT {size}")') + 1
    judge = ConstantLines(FILES)
    # a file opened by a constant path (server-side contents), not an upload's stream
    assert judge.constant(loads[0], "B301") and not judge.constant(loads[1], "B301")
    assert judge.constant(query, "B608")  # `max`/`min` of numbers is one of them
    # attack: the file's own `open` or `max` (returning what it is given) proves nothing
    own = FILES + b"\n\ndef open(path, mode):\n    return path\n"
    assert not ConstantLines(own).constant(loads[0], "B301")
    own_max = FILES.replace(b"import pickle\n", b"import pickle\nfrom evil import max\n")
    assert not ConstantLines(own_max).constant(query + 1, "B608")


TABLES_MADE = b'''\
FORMULAS = {"c_to_f": "x * 9 / 5 + 32", "km": "x * 0.62"}
COMPILED = {name: compile(text, name, "eval") for name, text in FORMULAS.items()}
PICKED = {name: text for name, text in LOADED.items()}


def convert(request):
    x = float(request.args["v"])
    a = eval(COMPILED.get(request.args["f"]), {}, {"x": x})
    b = eval(PICKED[request.args["f"]])
    c = eval(compile(request.args["code"], "<x>", "eval"))
    return a, b, c, eval({k: k + "1" for k in request.args}[request.args["f"]])
'''


@pytest.mark.parametrize(("line", "col", "expected"), [
    (8, 9, True),  # a table the module made of a constant one: the code it holds
    (9, 9, False),  # made of a name the module does not bind to a constant
    (10, 9, False),  # the request's own text compiled
    (11, 26, False),  # a comprehension over request data
])
def test_a_table_made_of_a_constant_one_is_constant(line: int, col: int,
                                                    expected: bool) -> None:
    # (Bandit's column: the `eval` call's)
    assert ConstantLines(TABLES_MADE).constant(line, "B307", col) is expected


NUMBERS_FORMATTED = b'''\
import subprocess


def cal(request):
    month, year = request.args["m"], request.args["y"]
    subprocess.check_output("cal %d %d" % (month, year), shell=True)
    subprocess.check_output("cal %02d %s" % (month, year), shell=True)
    subprocess.check_output("cal %d %s" % (month, "2024"), shell=True)
    subprocess.check_output("cal %s" % month, shell=True)
    subprocess.check_output("cal %d%%" % month, shell=True)
'''


@pytest.mark.parametrize(("line", "expected"), [
    (6, True),  # numeric conversions: digits, or the formatting fails
    (7, False),  # a string conversion of request data
    (8, True),  # a string conversion of a literal
    (9, False),
    (10, True),  # `%%` is no conversion
])
def test_values_a_numeric_conversion_formats_are_digits(line: int, expected: bool) -> None:
    assert ConstantLines(NUMBERS_FORMATTED).constant(line, "B602") is expected


COUNTING = b'''\
import subprocess

MAX = 100


def count(raw):
    try:
        value = int(raw)
    except ValueError:
        return None
    if value > MAX:
        return None
    return value


def passthrough(raw):
    if not raw:
        return 0
    return raw


def tail(request):
    subprocess.check_output(f"tail -n {count(request.args['n'])} log", shell=True)
    subprocess.check_output(f"tail -n {passthrough(request.args['n'])} log", shell=True)
'''


@pytest.mark.parametrize(("line", "expected"), [
    (23, True),  # the file's function giving a number or None
    (24, False),  # one giving its parameter back on a path
])
def test_a_function_of_the_file_giving_numbers(line: int, expected: bool) -> None:
    # (Bandit's column: the call's)
    assert ConstantLines(COUNTING).constant(line, "B602", 5) is expected
