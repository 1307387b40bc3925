"""A file name that is not UTF-8 is scanned, recorded and shown, never an internal error."""

from __future__ import annotations

import json

from tests.helpers import GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, WEAK_HASH, assay


def test_a_non_utf8_file_name_goes_through_every_command(repo: GitRepo) -> None:
    (repo.path / "caf\udce9.py").write_bytes(WEAK_HASH.encode())  # b"caf\xe9.py" on disk
    repo.write("plain.py", WEAK_HASH)
    repo.commit()
    scanned = assay("scan", "-s", "bandit", cwd=repo.path)
    assert scanned.returncode == EXIT_BLOCK, scanned.stderr
    assert "internal error" not in scanned.stderr
    assert "caf\\xe9.py" in scanned.stdout or "caf\\udce9.py" in scanned.stdout
    listed = assay("runs", cwd=repo.path)
    assert listed.returncode == 0 and "internal error" not in listed.stderr
    as_json = assay("scan", "-s", "bandit", "-f", "json", "--with-metrics", cwd=repo.path)
    run_id = json.loads(as_json.stdout)["run"]["id"]
    shown = assay("show", run_id, cwd=repo.path)
    assert shown.returncode == 0 and "internal error" not in shown.stderr
    assert "plain.py" in shown.stdout
    gated = assay("gate", "-s", "bandit", "--diff", "HEAD", cwd=repo.path)
    assert gated.returncode in (0, 1) and "internal error" not in gated.stderr
    # control: the plain file's finding is there too
    assert "plain.py" in scanned.stdout


def test_a_hostile_cwe_value_is_no_cwe() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from assay.normalize.cwe import parse_cwe

    assert parse_cwe("CWE-89: SQL Injection") == 89  # control
    for value in ("²", "CWE-²", "9" * 5000, "CWE-" + "1" * 5000, 10**5000, -3, [["89"]] * 3):
        parsed = parse_cwe(value)
        assert parsed is None or 0 < parsed <= 999_999

    @given(st.one_of(st.text(), st.integers(), st.lists(st.text(), max_size=3)))
    def never_crashes(value: object) -> None:
        parsed = parse_cwe(value)
        assert parsed is None or 0 < parsed <= 999_999

    never_crashes()


MIGRATION = '''\
from alembic import op


def get_config(key):
    connection = op.get_bind()
    return connection.execute("SELECT value FROM config WHERE key = '%s'" % key)


def upgrade():
    get_config("x")
'''
VIEW = '''\
import subprocess

from flask import Flask, request

app = Flask(__name__)


def get_config(key):
    return {"theme": "dark"}.get(key)


@app.route("/run")
def run():
    get_config(request.args["k"])
    return subprocess.check_output("ls " + request.args["d"], shell=True)


@app.route("/find")
def find(cursor):
    return cursor.execute("SELECT * FROM t WHERE n = '%s'" % request.args["n"])
'''


def test_a_module_name_no_import_can_write_keeps_the_scan_complete(repo: GitRepo) -> None:
    # alembic names migrations like this: a pattern naming the module would not parse and
    # would take its whole generated rule with it (the SQL rule, here); a rule that does
    # not run makes the run incomplete rather than silently missing what it finds
    repo.write("migrations/1093835a1051_add_config.py", MIGRATION)
    repo.write("app.py", VIEW)
    repo.commit()
    proc = assay("scan", "-s", "semgrep", "-f", "json", "--no-record", cwd=repo.path)
    doc = json.loads(proc.stdout)
    assert doc["run"]["status"] == "complete", doc["run"]["reasons"]
    assert {f["cwe"] for f in doc["findings"] if f["path"] == "app.py"} >= {78, 89}
