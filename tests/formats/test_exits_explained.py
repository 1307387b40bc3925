"""Exits that explain themselves, through the CLI: what blocked (text and Markdown),
nothing to scan, and a failing scan's summary line not printed as a success."""

from __future__ import annotations

from tests.helpers import VULNERABLE_APP, GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, EXIT_OK, assay


def test_exit_1_says_what_blocked_in_text_and_markdown(repo: GitRepo) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    text = assay("scan", ".", "-s", "bandit", "--no-record", cwd=repo.path)
    assert text.returncode == EXIT_BLOCK, text.stderr
    out = " ".join(text.stdout.split())  # long lines wrap
    assert "blocked: " in out and " at or above high: bandit/" in out
    assert out.endswith("status COMPLETE, BLOCKED at high")
    md = assay("scan", ".", "-s", "bandit", "--no-record", "-f", "md", cwd=repo.path)
    assert md.returncode == EXIT_BLOCK
    assert "> **blocked: " in md.stdout and "at or above high: bandit/" in md.stdout
    table = md.stdout.split("## Findings", 1)[1].split("##", 1)[0]
    rows = [row for row in table.splitlines() if row.startswith("| ")][1:]
    severities = [row.split("|")[1].strip() for row in rows]
    order = ["critical", "high", "medium", "low", "info"]
    assert severities == sorted(severities, key=order.index) and len(severities) >= 2
    passing = assay("scan", ".", "-s", "bandit", "--no-record", "--fail-on", "none",
                    cwd=repo.path)
    assert passing.returncode == EXIT_OK and "blocked" not in passing.stdout


def test_nothing_in_scope_says_nothing_to_scan_and_how_to_include_files(repo: GitRepo) -> None:
    repo.write("README.md", "# docs only\n")
    repo.write("gen/app.py", "print(1)\n")
    repo.commit()
    done = assay("scan", ".", "-s", "bandit", "--no-record", "--exclude", "gen/**",
                 cwd=repo.path)
    assert done.returncode == EXIT_OK, done.stderr
    out = " ".join(done.stdout.split())
    assert "nothing to scan: no file in scope" in out
    assert "(*.py)" in out and "1 file(s) were excluded by [scan] exclude or --exclude" in out
