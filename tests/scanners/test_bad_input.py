"""Every bad input gets a clear one-line error or a recorded skip, never a traceback,
never lost data, and never a clean result for code that was not analyzed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GitRepo, operator_config

EXIT_OK, EXIT_BLOCK, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def assay(*args: str, cwd: Path, env: dict[str, str] | None = None,
          timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "assay", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == EXIT_USAGE, proc.stderr
    assert "Traceback" not in proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith("error: ") and fragment in first, proc.stderr


def scan_json(repo: GitRepo, *args: str, env: dict[str, str] | None = None,
              ) -> tuple[int, dict[str, object]]:
    proc = assay("scan", "-f", "json", "-q", *args, cwd=repo.path, env=env)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def skips(doc: dict[str, object]) -> set[tuple[str, str]]:
    coverage = doc["coverage"]
    assert isinstance(coverage, dict)
    return {(s["path"], s["reason"]) for s in coverage["skipped"]}


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    assert_one_line_error(assay("scan", "no/such/dir", cwd=tmp_path), "path does not exist")


def test_rev_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert_one_line_error(assay("scan", "--rev", "HEAD", cwd=tmp_path),
                          "--rev needs a git repository")


def test_unknown_rev(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    proc = assay("scan", "--rev", "no-such-branch", cwd=repo.path)
    assert_one_line_error(proc, "unknown revision 'no-such-branch'")
    assert "hint:" in proc.stderr


def test_invalid_fail_on_and_unknown_scanner(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    assert_one_line_error(assay("scan", "--fail-on", "severe", cwd=repo.path), "--fail-on")
    assert_one_line_error(assay("scan", "-s", "nosuch", cwd=repo.path), "unknown scanner")


def test_a_misspelt_scanner_option_is_a_configuration_error(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    operator_config(repo, "[scanners.semgrep]\nsummary = false\n")
    proc = assay("scan", cwd=repo.path)
    assert proc.returncode == 2
    assert_one_line_error(proc, "[scanners.semgrep] has unknown key(s): summary")
    assert "summaries" in proc.stderr
    operator_config(repo, '[scanners.semgrep]\nslicing = "false"\n')
    assert_one_line_error(assay("scan", cwd=repo.path),
                          "[scanners.semgrep] slicing must be true or false, got 'false'")


def test_unreadable_files_are_recorded_and_make_the_run_incomplete(repo: GitRepo) -> None:
    repo.write("good.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.write("binary.py", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    repo.write("latin.py", "name = 'caf\xe9'\n".encode("latin-1"))
    repo.write("declared.py", "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"))
    repo.write("new_syntax.py", "def first[T = int](items: list[T]) -> T:\n    return items[0]\n")
    repo.commit()
    code, doc = scan_json(repo, "-s", "bandit")
    assert code == EXIT_INCOMPLETE
    run = doc["run"]
    assert isinstance(run, dict) and run["status"] == "incomplete" and run["reasons"]
    found = skips(doc)
    assert ("binary.py", "binary") in found
    assert ("latin.py", "undecodable") in found
    if sys.version_info < (3, 13):
        assert ("new_syntax.py", "syntax-error") in found
    assert not any(p == "declared.py" for p, _ in found)  # a declared encoding is honoured
    assert [f["path"] for f in doc["findings"]] == ["good.py"]  # the rest was still scanned


def test_huge_generated_file_is_skipped_not_read(repo: GitRepo) -> None:
    line = "VALUE_%07d = %d\n"
    body = "".join(line % (i, i) for i in range(20 * 1024 * 1024 // len(line % (0, 0))))
    repo.write("generated.py", body)
    repo.write("small.py", "x = 1\n")
    repo.commit()
    assert (repo.path / "generated.py").stat().st_size >= 19 * 1024 * 1024
    code, doc = scan_json(repo)
    assert code == EXIT_INCOMPLETE
    assert ("generated.py", "too-large") in skips(doc)
    coverage = doc["coverage"]
    assert isinstance(coverage, dict) and coverage["analyzed"] == 1
    # an explicit exclude makes the same tree complete
    code, doc = scan_json(repo, "--exclude", "generated.py")
    assert code == EXIT_OK and ("generated.py", "excluded") in skips(doc)


def test_symlink_outside_the_repo_is_never_followed(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("import hashlib\nh = hashlib.md5(b'secret')\n")
    repo.write("inside.py", "x = 1\n")
    (repo.path / "link.py").symlink_to(outside)
    repo.commit()
    for args in ((), ("--rev", "HEAD")):
        code, doc = scan_json(repo, *args)
        assert code == EXIT_INCOMPLETE, doc["run"]  # code Python imports was not analyzed
        assert ("link.py", "symlink-outside") in skips(doc)
        assert doc["findings"] == []


def test_corrupt_ledger_is_refused_and_left_alone(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    ledger = repo.path / "ledger.db"
    garbage = b"this is not a database\n" * 100
    ledger.write_bytes(garbage)
    proc = assay("scan", "--ledger", str(ledger), cwd=repo.path)
    assert_one_line_error(proc, "not a usable SQLite database")
    assert ledger.read_bytes() == garbage
    env_proc = assay("scan", cwd=repo.path, env={"ASSAY_LEDGER": str(ledger)})
    assert_one_line_error(env_proc, "not a usable SQLite database")


def test_semgrep_missing_runs_the_rest_and_is_incomplete(repo: GitRepo) -> None:
    repo.write("a.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.commit()
    code, doc = scan_json(repo, env={"ASSAY_SEMGREP": "/nonexistent/semgrep"})
    assert code == EXIT_INCOMPLETE
    run = doc["run"]
    assert isinstance(run, dict)
    outcomes = {s["name"]: s for s in run["scanners"]}
    assert outcomes["semgrep"]["status"] == "incomplete"
    assert "not installed" in outcomes["semgrep"]["reason"]
    assert outcomes["bandit"]["status"] == "complete"
    assert [f["rule_id"] for f in doc["findings"]] == ["B324"]
    assert ("a.py", "scanner-missing") in skips(doc)


# a file a rule of the pack can match in (Semgrep does not run on files no rule can)
WEAK_HASH = "import hashlib\nh = hashlib.md5(b'x')\n"


def test_semgrep_hanging_times_out(repo: GitRepo, tmp_path: Path) -> None:
    fake = tmp_path / "semgrep"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 1.0.0; exit 0; fi\n"
                    "sleep 300\n")
    fake.chmod(0o755)
    operator_config(repo, "[scan]\nsemgrep_timeout = 2\n")
    repo.write("a.py", WEAK_HASH)
    repo.commit()
    code, doc = scan_json(repo, env={"ASSAY_SEMGREP": str(fake)})
    assert code == EXIT_INCOMPLETE
    assert ("a.py", "timeout") in skips(doc)
    sarif = assay("scan", "-f", "sarif", "-q", cwd=repo.path, env={"ASSAY_SEMGREP": str(fake)})
    assert json.loads(sarif.stdout)["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_broken_semgrep_output_is_incomplete(repo: GitRepo, tmp_path: Path) -> None:
    fake = tmp_path / "semgrep"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n")
    fake.chmod(0o755)
    repo.write("a.py", WEAK_HASH)
    repo.commit()
    code, doc = scan_json(repo, env={"ASSAY_SEMGREP": str(fake)})
    assert code == EXIT_INCOMPLETE
    assert ("a.py", "scanner-error") in skips(doc)


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_incomplete_is_visible_in_human_formats(repo: GitRepo, fmt: str) -> None:
    repo.write("bad.py", b"\x00\x01binary")
    repo.commit()
    proc = assay("scan", "-s", "bandit", "-f", fmt, cwd=repo.path)
    assert proc.returncode == EXIT_INCOMPLETE
    assert "INCOMPLETE" in proc.stdout.upper() and "bad.py" in proc.stdout


def test_bad_config_file(repo: GitRepo) -> None:
    repo.write("assay.toml", "[scan]\nfail_on = 'sometimes'\n")
    repo.commit()
    assert_one_line_error(assay("scan", cwd=repo.path), "scan.fail_on")
    repo.write("assay.toml", "[scan\n")
    assert_one_line_error(assay("scan", cwd=repo.path), "invalid TOML")
    repo.write("assay.toml", "[scan]\nunknown_key = 1\n")
    assert_one_line_error(assay("scan", cwd=repo.path), "unknown_key")


def test_output_to_a_directory_is_refused(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit()
    assert_one_line_error(assay("scan", "-f", "json", "-o", str(repo.path), cwd=repo.path),
                          "--output is a directory")


def test_files_no_rule_can_match_in_are_analyzed_without_semgrep(repo: GitRepo,
                                                                 tmp_path: Path) -> None:
    """The pre-pass finds that no rule of the pack can match in these files: they are
    analyzed (no finding) without starting Semgrep, which here would fail."""
    fake = tmp_path / "semgrep"
    fake.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 1.0.0; exit 0; fi\n"
                    "exit 139\n")
    fake.chmod(0o755)
    repo.write("a.py", "x = 1\n")
    repo.commit()
    code, doc = scan_json(repo, "--scanner", "semgrep", env={"ASSAY_SEMGREP": str(fake)})
    assert code == EXIT_OK and doc["coverage"]["analyzed"] == 1
    repo.write("b.py", WEAK_HASH)
    repo.commit()
    code, doc = scan_json(repo, "--scanner", "semgrep", env={"ASSAY_SEMGREP": str(fake)})
    assert code == EXIT_INCOMPLETE and ("b.py", "scanner-error") in skips(doc)


def test_a_file_too_deep_to_summarize_stops_no_other_file(repo: GitRepo) -> None:
    # a left-deep `"a" + "a" + ...` of 1,500 terms parses; reading its facts recursively
    # overflowed the stack and stopped the Semgrep scanner for every file
    from assay.api import scan

    chain = " + ".join(['"a"'] * 1500)
    repo.write("deep.py", f"def f(a, b):\n    x = {chain}\n    print(b)\n    return x + a\n")
    repo.write("app.py", "import os\nfrom flask import Flask, request\n\n"
                         "app = Flask(__name__)\n\n\n@app.route('/')\ndef v():\n"
                         "    os.system('ls ' + request.args['d'])\n"
                         "    return 'ok'\n")
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert [o.reason for o in run.scanners if o.status.value != "complete"] == []
    assert [(f.path, f.rule_id) for f in run.findings] == [
        ("app.py", "assay.python.command-injection.taint")]
