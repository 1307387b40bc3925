"""The token prefilter: which files each taint rule can report in."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from assay.scanners.semgrep import RULES_DIR, find_semgrep
from assay.scanners.semgrep._prefilter import (
    identifiers,
    pattern_tokens,
    relevant_files,
    request_hint,
    sink_tokens,
)
from assay.scanners.semgrep._rulegen import merged_methods, method_alternatives

PACK = {r["id"]: r for r in yaml.safe_load((RULES_DIR / "taint.yaml").read_text())["rules"]}

FLASK_SQL = "from flask import request\ndef v():\n    cur.execute(request.args['q'])\n"
FASTAPI_SQL = "@app.get('/x')\ndef v(q: str):\n    conn.execute(q)\n"
NO_SOURCE = "def v(q):\n    cur.execute(q)\n"
NO_SINK = "from flask import request\ndef v():\n    return {'q': request.args['q']}\n"
LOCATION = "def v(request):\n    r = HttpResponse()\n    r['Location'] = request.GET['n']\n"


def test_sink_tokens_name_what_every_sink_needs() -> None:
    sqli = sink_tokens(PACK["assay.python.sqli.taint"])
    assert sqli is not None and r"\bexecute\b" in sqli
    xss = sink_tokens(PACK["assay.python.xss.taint"])
    assert xss is not None and any(t.startswith("^") for t in xss)  # route decorators
    redirect = sink_tokens(PACK["assay.python.open-redirect.taint"])
    assert redirect is not None and r"\bLocation\b" in redirect


def test_every_taint_rule_has_a_prefilter() -> None:
    assert all(sink_tokens(rule) is not None for rule in PACK.values())


def test_files_need_request_data_and_a_sink_name() -> None:
    sources = {"a.py": FLASK_SQL, "b.py": FASTAPI_SQL, "c.py": NO_SOURCE, "d.py": NO_SINK}
    found = relevant_files([PACK["assay.python.sqli.taint"]], sources)
    assert found["assay.python.sqli.taint"] == ["a.py", "b.py"]


FILTER_TAG = ("@register.filter\ndef note_html(value):\n    return mark_safe(value)\n")
FLASK_MARKUP = "from flask import request\ndef v():\n    return Markup(request.args['q'])\n"


def test_a_rule_with_sources_of_its_own_runs_where_they_are() -> None:
    # the XSS filter rule's sources are template filters and tags, not request data:
    # a view marking request data safe is the markup rule's file, not the filter rule's,
    # and a filter marking its value safe is the filter rule's only
    sources = {"tags.py": FILTER_TAG, "views.py": FLASK_MARKUP}
    rules = [PACK["assay.python.xss-filter.taint"], PACK["assay.python.xss-markup.taint"]]
    found = relevant_files(rules, sources)
    assert found["assay.python.xss-filter.taint"] == ["tags.py"]
    assert found["assay.python.xss-markup.taint"] == ["views.py"]


def test_helpers_and_wrappers_widen_the_filter() -> None:
    sources = {"a.py": "x = get_param('q')\nrun_query(x)\n"}
    rule = PACK["assay.python.sqli.taint"]
    assert relevant_files([rule], sources)[rule["id"]] == []
    widened = relevant_files([rule], sources, [r"\bget_param\b"], {rule["id"]: ["run_query"]})
    assert widened[rule["id"]] == ["a.py"]


def test_a_method_is_looked_for_by_its_class() -> None:
    # every form of a call of `Page.get` needs the class's name in the file (imported,
    # constructed, or the class defined around `self.get()`), while `get` is in most files
    either = {"pattern-either": method_alternatives("app.views.Page.get")}
    assert pattern_tokens(either) == {r"\bPage\b"}
    # an object the code says is a Page: a parameter annotated so needs the class's
    # name too, an attribute of another class that one's, a factory its own
    typed = [("attr", "Book.pages", ""), ("factory", "make_page", ""),
             ("factory", "_page", "def _page(...) -> Page:\n    ...")]
    either = {"pattern-either": method_alternatives("app.views.Page.get", typed=typed)}
    assert pattern_tokens(either) == {r"\bPage\b", r"\bBook\b", r"\bmake_page\b",
                                      r"\b_page\b"}
    assert pattern_tokens({"pattern": "AdminSite.index(...)"}) == {r"\bAdminSite\b"}
    assert pattern_tokens({"pattern": "HttpRequest.__repr__(...)"}) == {r"\bHttpRequest\b"}
    # a module's function is looked for by the function's name, not the module's
    assert pattern_tokens({"pattern": "utils.load_user(...)"}) == {r"\bload_user\b"}


def test_methods_of_one_class_are_one_alternative_per_form() -> None:
    one = method_alternatives("app.views.Page.get")
    both = merged_methods([(name, alt) for name in ("get", "head")
                           for alt in method_alternatives(f"app.views.Page.{name}")])
    assert len(both) == len(one)
    assert all({"metavariable-regex": {"metavariable": "$HELPER", "regex": "^(get|head)$"}}
               in alt["patterns"] for alt in both)
    # still looked for by the class's name; a single method is left as it was
    assert pattern_tokens({"pattern-either": both}) == {r"\bPage\b"}
    assert merged_methods([("get", alt) for alt in one]) == one


def test_subscript_keys_count_as_sink_names() -> None:
    rule = PACK["assay.python.open-redirect.taint"]
    assert relevant_files([rule], {"r.py": LOCATION})[rule["id"]] == ["r.py"]


def _regexes(node: object, metavariable: str) -> list[str]:
    if isinstance(node, dict):
        found = []
        regex = node.get("metavariable-regex")
        if isinstance(regex, dict) and regex.get("metavariable") == metavariable:
            found.append(str(regex["regex"]))
        return found + [r for v in node.values() for r in _regexes(v, metavariable)]
    if isinstance(node, list):
        return [r for item in node for r in _regexes(item, metavariable)]
    return []


def test_source_hints_cover_every_request_attribute_the_pack_accepts() -> None:
    sources = PACK["assay.python.sqli.taint"]["pattern-sources"]
    names = {name for metavariable in ("$ATTR", "$METHOD")
             for regex in _regexes(sources, metavariable)
             for name in regex.strip("^$()").split("|")}
    assert {"GET", "args", "get_full_path", "query_params"} <= names
    for name in sorted(names):
        for code in (f"x = request.{name}\n", f"x = self.request.{name}\n"):
            assert relevant_files([PACK["assay.python.sqli.taint"]],
                                  {"v.py": code + "cur.execute(x)\n"})[
                "assay.python.sqli.taint"] == ["v.py"], code


def test_source_hints_are_tighter_than_the_word_request() -> None:
    rule = PACK["assay.python.sqli.taint"]
    kept = {
        "alias.py": "from flask import (\n    Flask,\n    request as rq,\n)\n",
        "view.py": "def show(request: HttpRequest, pk):\n    pass\n",
        "cbv.py": "class V:\n    def get(self, request, *args, **kwargs):\n        pass\n",
        "tornado.py": "class H:\n    def get(self):\n        q = self.get_argument('q')\n",
    }
    dropped = {
        "client.py": "response = self.client.get('/')\nassert response.request\n",
        "factory.py": "request = RequestFactory().get('/')\nrequest.user = user\n",
    }
    files = {name: text + "cur.execute(q)\n" for name, text in {**kept, **dropped}.items()}
    assert relevant_files([rule], files)[rule["id"]] == sorted(kept)


def test_pattern_rules_run_only_where_their_required_text_is() -> None:
    from assay.scanners.semgrep._prefilter import FileIndex, required_files

    rules = [r for path in sorted(RULES_DIR.glob("*.yaml"))
             for r in yaml.safe_load(path.read_text())["rules"]]
    sources = {"a.py": "resp.set_cookie('k', 'v')\n", "b.py": "x = 1\n",
               "c.py": "API_KEY = 'abcd1234'\n", "d.py": "SESSION_COOKIE_HTTPONLY = False\n",
               "e.py": "import hashlib\nhashlib.md5(b'')\n", "f.py": "import randomize\n"}
    found = required_files(rules, FileIndex(sources))
    assert {rule: files for rule, files in found.items() if files} == {
        "assay.python.insecure-cookie": ["a.py"],
        "assay.python.cookie-without-httponly": ["a.py", "d.py"],
        "assay.python.hardcoded-secret": ["c.py"],
        "assay.python.weak-hash": ["e.py"]}
    assert set(found) == {r["id"] for r in rules if r.get("mode") != "taint"}


def test_required_text_is_in_every_corpus_file_its_rule_reports_in(tmp_path: Path) -> None:
    """Semgrep with the pack as it is, over the corpus: every file a rule with
    `assay-requires` reports in contains the required text."""
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus", corpus)
    (corpus / ".semgrepignore").write_text("")  # Semgrep skips test directories by default
    rules = {r["id"]: re.compile(r["metadata"]["assay-requires"])
             for path in sorted(RULES_DIR.glob("*.yaml"))
             for r in yaml.safe_load(path.read_text())["rules"]
             if "assay-requires" in r.get("metadata", {})}
    assert len(rules) == 16  # every pattern rule of the pack
    binary = find_semgrep()
    assert binary is not None
    cmd = [binary, "scan", "--json", "--quiet", "--metrics=off", "--disable-version-check",
           "--no-git-ignore"]
    for path in sorted(RULES_DIR.glob("*.yaml")):
        if path.name != "taint.yaml":
            cmd += ["--config", str(path)]
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off",
               XDG_CONFIG_HOME=str(tmp_path), SEMGREP_SETTINGS_FILE=str(tmp_path / "s.yml"))
    out = subprocess.run([*cmd, "."], cwd=corpus, env=env, capture_output=True, text=True,
                         check=False, timeout=600)
    checked = 0
    for result in json.loads(out.stdout)["results"]:
        rule, path = ".".join(result["check_id"].split(".")[-3:]), result["path"]
        if rule in rules:
            checked += 1
            assert rules[rule].search((corpus / path).read_text()), (rule, path)
    assert checked >= 10


def test_required_text_is_looked_up_among_words_as_in_the_text() -> None:
    """Every `assay-requires` expression matches within words only, so looking it up in
    each file's words finds the same files as searching the whole text."""
    from assay.scanners.semgrep._prefilter import FileIndex, required_files

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    sources = {str(p.relative_to(corpus)): p.read_text() for p in sorted(corpus.rglob("*.py"))}
    sources["words.py"] = ("x = 'my-db_PASSWORD-here' # set_signed_cookie\n"
                           "# hashlib.md5 Crypto.Cipher modes.ECB ssl random PRIVATE KEY\n"
                           "# SimpleCookieStorage debug csrf_exempt jwt\n")
    rules = [r for path in sorted(RULES_DIR.glob("*.yaml"))
             for r in yaml.safe_load(path.read_text())["rules"]
             if "assay-requires" in r.get("metadata", {})]
    found = required_files(rules, FileIndex(sources))
    for rule in rules:
        expression = re.compile(rule["metadata"]["assay-requires"])
        by_text = sorted(p for p, text in sources.items() if expression.search(text))
        assert found[rule["id"]] == by_text and "words.py" in by_text


def _request_names(node: object) -> set[str]:
    """Every name the pack's request-data sources accept for a request's attribute or
    method (the alternations of their `$ATTR` / `$METHOD` metavariable-regexes)."""
    found: set[str] = set()
    if isinstance(node, dict):
        regex = node.get("metavariable-regex")
        if isinstance(regex, dict) and regex.get("metavariable") in ("$ATTR", "$METHOD"):
            match = re.fullmatch(r"\^\(([\w|]+)\)\$", str(regex["regex"]))
            assert match, regex
            found |= set(match.group(1).split("|"))
        for value in node.values():
            found |= _request_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= _request_names(item)
    return found


def test_the_prefilter_knows_every_request_attribute_the_sources_accept() -> None:
    # a name the sources accept but the prefilter does not would leave the files using
    # it (aiohttp's `request.multipart()`) out of every taint rule, silently
    shared = yaml.safe_load((RULES_DIR / "taint.yaml").read_text())["x-shared"]["request-data"]
    names = _request_names(shared)
    assert {"multipart", "match_info", "GET", "get_signed_cookie"} <= names
    texts = {n: f"async def view(req):\n    return await request.{n}\n" for n in names}
    assert sorted(n for n, t in texts.items() if not request_hint(t, identifiers(t))) == []
