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
