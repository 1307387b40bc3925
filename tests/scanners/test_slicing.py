"""Sliced copies for the taint rules: functions that cannot hold a source are blanked,
line numbers stay, and anything that could carry taint across functions keeps the
file whole. End to end, slicing changes no finding."""

from __future__ import annotations

import ast

from assay.api import scan
from assay.scanners.semgrep._slicing import SliceSpec, slice_source
from tests.helpers import GitRepo, operator_config

VIEWS = '''import os
from flask import Flask, request

app = Flask(__name__)


def label(value):
    return value.upper()


@app.route("/run/<name>")
def run(name):
    os.system("ls " + name)


class Report:
    title = "report"

    def render(self):
        return self.title

    def load(self):
        return request.args["q"]
'''


def _sliced(text: str, spec: SliceSpec | None = None, path: str = "app.py") -> str | None:
    out = slice_source(text.encode(), spec or SliceSpec(), path=path)
    return None if out is None else out.decode()


def test_functions_without_a_source_are_blanked_and_lines_keep_their_numbers() -> None:
    out = _sliced(VIEWS)
    assert out is not None
    ast.parse(out)
    lines, before = out.split("\n"), VIEWS.split("\n")
    assert len(lines) == len(before)
    # the helper and the method without request data are blanked
    assert lines[6] == "pass" and lines[7] == ""
    assert lines[18] == "    pass" and lines[19] == ""
    # the route (its decorator is a source) and the method reading request data stay
    for number, line in enumerate(before):
        if number not in (6, 7, 18, 19):
            assert lines[number] == line, number


def test_module_level_request_data_keeps_the_file_whole() -> None:
    text = ("import os\nimport flask\n\nX = flask.request.args.get('x')\n\n\n"
            "def run():\n    os.system('ls ' + X)\n")
    assert _sliced(text) == text


def test_words_in_comments_and_strings_are_no_source() -> None:
    spec = SliceSpec(sources=(r"\bget_param\b",))
    body = "\n\ndef quiet():\n    return 1\n\n\ndef run():\n    return get_param('q')\n"
    # a docstring and a comment naming the helper or the request's data
    words = ('"""Uses get_param and request.args."""\n# get_param(request.GET)\n'
             "NOTE = 'get_param'\n")
    out = _sliced(words + body, spec)
    assert out is not None and "return 1" not in out and "get_param('q')" in out
    # controls: the same names as code, in an f-string's expression or a call, at module
    # level: taint there reaches every function, and the file stays whole
    for code in ("X = f'{get_param(1)}'\n", "X = get_param('q')  # get_param\n"):
        assert _sliced(code + body, spec) == code + body


def test_a_file_without_any_source_is_left_out() -> None:
    assert _sliced("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n") is None
    assert _sliced("X = 1\n") is None


def test_aliases_of_the_request_object_and_of_source_helpers_count() -> None:
    aliased = ("import os\nfrom flask import request as rq\n\n\ndef run():\n"
               "    os.system(rq.args['c'])\n\n\ndef other():\n    return 1\n")
    out = _sliced(aliased)
    assert out is not None and "rq.args" in out and "return 1" not in out
    helper = ("import os\nfrom helpers import get_param as gp\n\n\ndef run():\n"
              "    os.system(gp('c'))\n")
    assert _sliced(helper) is None  # without the helper it holds no source
    assert _sliced(helper, SliceSpec(sources=(r"\bget_param\b",))) == helper


def test_helpers_the_rules_match_by_definition_and_globals_are_kept() -> None:
    text = ("from flask import request\n\n\ndef clean(v):\n    return 'x'\n\n\n"
            "def setter():\n    global MODE\n    MODE = 'a'\n\n\n"
            "def view():\n    return clean(request.args['v'])\n\n\ndef gone():\n    return 2\n")
    out = _sliced(text, SliceSpec(keep=("app.py:clean",)))
    assert out is not None
    assert "return 'x'" in out and "global MODE" in out and "return 2" not in out
    # only in its own file, and never a method of that name: a call is matched by the
    # definition in the file it is in
    elsewhere = _sliced(text, SliceSpec(keep=("app.py:clean",)), path="other.py")
    assert elsewhere is not None and "return 'x'" not in elsewhere
    method = ("from flask import request\n\n\nclass Form:\n    def clean(self, v):\n"
              "        return 'x'\n\n    def view(self):\n        return request.args['v']\n")
    kept = _sliced(method, SliceSpec(keep=("app.py:clean",)))
    assert kept is not None and "return 'x'" not in kept and "request.args" in kept


def test_what_cannot_be_sliced_safely_is_left_whole() -> None:
    crlf = "from flask import request\r\n\r\n\r\ndef f():\r\n    return 1\r\n"
    assert _sliced(crlf) == crlf
    broken = "def f(:\n    request.args\n"
    assert _sliced(broken) == broken
    text = "from flask import request\n\n\ndef f():\n    return 1\n"
    assert _sliced(text, SliceSpec(sources=(r"get_\w+\(",))) == text


def test_class_decorators_are_not_route_sources() -> None:
    text = ("from unittest import mock\nfrom django.test import TestCase\n\n\n"
            "@mock.patch('os.getcwd')\nclass T(TestCase):\n    def test_a(self, m):\n"
            "        return 1\n\n    def get(self, request, slug):\n        return slug\n")
    out = _sliced(text)
    assert out is not None and "return 1" not in out and "return slug" in out


FLOWS = {
    "module_level.py": ("import os\nimport flask\n\nX = flask.request.args.get('x')\n\n\n"
                        "def run():\n    os.system('ls ' + X)\n"),
    "aliased.py": ("import os\nfrom flask import request as rq\n\n\ndef run():\n"
                   "    os.system('ls ' + rq.args['d'])\n\n\ndef unrelated(v):\n"
                   "    return v\n"),
    "views.py": ("import subprocess\nfrom django.http import HttpResponse\n\n\n"
                 "def show(request, slug):\n    subprocess.call('cat ' + slug, shell=True)\n"
                 "    return HttpResponse('ok')\n\n\ndef helper(x):\n    return x * 2\n"),
    "helpers.py": ("from flask import request\n\n\ndef get_param(name):\n"
                   "    return request.args.get(name)\n"),
    "uses_helper.py": ("import os\nfrom helpers import get_param as gp\n\n\ndef run():\n"
                       "    os.system('ls ' + gp('dir'))\n\n\ndef quiet():\n    return 0\n"),
    # a method returning request data, called through `self` in a method whose code
    # does not name the class (the generated source needs the class's name)
    "page.py": ("import os\nfrom flask import request\n\n\nclass Page:\n"
                "    def get(self):\n        return request.args['p']\n\n"
                "    def show(self):\n        os.system('ls ' + self.get())\n\n"
                "    def quiet(self):\n        return 0\n"),
}


def _semgrep_scan(repo: GitRepo, config: str) -> tuple[set[tuple[str, str, int]],
                                                       dict[str, int], str]:
    operator_config(repo, config)
    run = scan(repo.path, scanners=["semgrep"], no_cache=True, record=False).run
    keys = {(f.rule_id, f.path, f.span.start_line) for f in run.findings}
    counts = next((dict(s.tool_calls) for s in run.metrics.stages
                   if s.name == "slice:semgrep"), {})
    return keys, counts, dict(run.provenance.extra)["semgrep.slicing"]


def test_slicing_changes_no_finding(repo: GitRepo) -> None:
    for path, text in FLOWS.items():
        repo.write(path, text)
    repo.commit()
    sliced, counts, on = _semgrep_scan(repo, "")
    whole, none, off = _semgrep_scan(repo, "[scanners.semgrep]\nslicing = false\n")
    assert sliced == whole
    assert {p for _, p, _ in sliced} == {"module_level.py", "aliased.py", "views.py",
                                         "uses_helper.py", "page.py"}
    assert ("assay.python.command-injection.taint", "page.py", 10) in sliced
    assert (counts["files"], counts["sliced"]) == (6, 4)
    assert counts["bytes_after"] < counts["bytes_before"]
    assert (on, off, none) == ("on", "off", {})


def test_pattern_rule_copies_keep_functions_with_required_words() -> None:
    import re

    from assay.scanners.semgrep._slicing import slice_for_words

    required = [re.compile(r"\brandom\b"), re.compile(r"\bhashlib\b"),
                re.compile(r"(?i)passw")]

    def wanted(word: str) -> bool:
        return any(r.search(word) for r in required)

    text = ("import random\nfrom hashlib import md5 as h\n\nRNG = random.Random()\n\n\n"
            "def token():\n    return RNG.choice('abc')\n\n\n"
            "def digest(b):\n    return h(b)\n\n\n"
            "def unrelated(x):\n    y = x + 1\n    return y\n\n\n"
            "class Settings:\n    name = 'x'\n\n    def creds(self):\n"
            "        db_password = 'hunter22'\n        return db_password\n\n"
            "    def plain(self):\n        return 2\n")
    out = slice_for_words(text.encode(), wanted).decode()
    assert out.count("\n") == text.count("\n")  # every line keeps its number
    for kept in ("RNG.choice", "return h(b)", "db_password = 'hunter22'", "name = 'x'"):
        assert kept in out, kept
    for blanked in ("y = x + 1", "return 2"):
        assert blanked not in out, blanked
    # files that cannot be sliced safely, or hold no required word, stay as they are
    for data in (text.replace("\n", "\r\n").encode(), b"def f(:\n    pass\n",
                 b"def f():\n    return 1\n"):
        assert slice_for_words(data, wanted) == data


PATTERN_FLOWS = {
    "tokens.py": ("import random\nfrom hashlib import md5 as h\n\nRNG = random.Random()\n\n\n"
                  "def pick():\n    return RNG.choice('abcdef')\n\n\n"
                  "def digest(b):\n    return h(b).hexdigest()\n\n\n"
                  "def unrelated(x):\n    return x + 1\n"),
    "settings.py": ("class Config:\n    def creds(self):\n        db_password = 'hunter2-prod'\n"
                    "        return db_password\n\n    def plain(self):\n        return 2\n\n\n"
                    "SESSION_COOKIE_SECURE = False\n"),
}


def test_pattern_rule_copies_change_no_finding(repo: GitRepo) -> None:
    """The pattern rules run on copies with the functions that hold none of their
    required text blanked: the same findings as on the files as they are."""
    for path, text in PATTERN_FLOWS.items():
        repo.write(path, text)
    repo.commit()
    sliced, _, on = _semgrep_scan(repo, "")
    whole, _, off = _semgrep_scan(repo, "[scanners.semgrep]\nslicing = false\n")
    assert (on, off) == ("on", "off")
    assert sliced == whole
    assert {(rule.rsplit(".", 1)[-1], path) for rule, path, _ in sliced} >= {
        ("weak-random", "tokens.py"), ("weak-hash", "tokens.py"),
        ("hardcoded-secret", "settings.py"), ("insecure-cookie", "settings.py")}


def test_a_file_without_any_source_is_left_out_unparsed() -> None:
    # read from its text: a file that cannot be parsed and holds nothing a source needs
    # is left out (no taint rule can report in it), one that holds a source is kept whole
    broken = b"def page(:\n    return render(template_name='a.html')\n"
    assert slice_source(broken, SliceSpec()) is None
    sourced = broken + b"x = request.args['q']\n"
    assert slice_source(sourced, SliceSpec()) == sourced
    # a project helper returning request data counts as a source
    helper = broken + b"x = get_param('q')\n"
    assert slice_source(helper, SliceSpec(sources=(r"\bget_param\b",))) == helper
    assert slice_source(helper, SliceSpec()) is None
    # a file the pre-pass already picked for holding a source is not read for one again
    assert slice_source(broken, SliceSpec(), sourced=True) == broken


def test_a_class_of_source_methods_keeps_only_code_that_names_one_of_them() -> None:
    # the generated rules match a source method through an instance made in the same
    # function (`ma = Admin(...)`, `ma.preserved(request)`): code naming the class alone
    # (a test building one to check its settings) cannot call it
    text = ("from app.admin import Admin\n\n\ndef uses():\n    ma = Admin()\n"
            "    return ma.preserved()\n\n\ndef builds():\n    ma = Admin()\n"
            "    return ma.list_display\n")
    spec = SliceSpec(sources=(r"\bAdmin\b",), methods=("Admin.preserved",))
    out = _sliced(text, spec)
    assert out is not None and "ma.preserved()" in out and "list_display" not in out
    # a token of a plain function is looked for alone, as before
    assert _sliced(text, SliceSpec(sources=(r"\bAdmin\b",))) == text


def test_a_rule_with_sources_of_its_own_keeps_their_functions() -> None:
    # a template filter holds no request data; the filter rule's expression keeps it
    # (and only it) in the sliced copy, and the file is read at all only with it
    text = ("from django import template\nfrom django.utils.safestring import mark_safe\n\n"
            "register = template.Library()\n\n\n@register.filter\ndef shown(value):\n"
            "    return mark_safe(value)\n\n\ndef unused(value):\n    return value\n")
    own = r"^[ \t]*@[\w.]+\.(filter|simple_tag)\b"
    assert slice_source(text.encode(), SliceSpec()) is None
    out = _sliced(text, SliceSpec(own=(own,)))
    assert out is not None and "return mark_safe(value)" in out and "def unused" not in out
