"""The token prefilter: which files each taint rule can report in."""

from __future__ import annotations

import yaml

from assay.scanners.prefilter import relevant_files, sink_tokens
from assay.scanners.semgrep import RULES_DIR

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


def test_helpers_and_wrappers_widen_the_filter() -> None:
    sources = {"a.py": "x = get_param('q')\nrun_query(x)\n"}
    rule = PACK["assay.python.sqli.taint"]
    assert relevant_files([rule], sources)[rule["id"]] == []
    widened = relevant_files([rule], sources, ["get_param"], {rule["id"]: ["run_query"]})
    assert widened[rule["id"]] == ["a.py"]


def test_subscript_keys_count_as_sink_names() -> None:
    rule = PACK["assay.python.open-redirect.taint"]
    assert relevant_files([rule], {"r.py": LOCATION})[rule["id"]] == ["r.py"]
