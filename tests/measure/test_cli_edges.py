"""Rough edges of the measurement commands: third-party SARIF without a commit, progress
on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.helpers import VULNERABLE_APP, GitRepo
from tests.measure.test_cli import assay


def vendor_sarif(path: Path, line: int = 10) -> Path:
    """SARIF as a third-party tool writes it: no versionControlProvenance, so no commit."""
    path.write_text(json.dumps({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "vendor", "rules": []}},
        "results": [{"ruleId": "sqli", "message": {"text": "SQL injection"},
                     "properties": {"cwe": "CWE-89"},
                     "locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": "app.py"},
                         "region": {"startLine": line}}}]}]}]}), encoding="utf-8")
    return path


def test_sarif_without_a_commit_takes_an_explicit_commit(repo: GitRepo,
                                                         tmp_path: Path) -> None:
    repo.write("app.py", VULNERABLE_APP)
    head = repo.commit("app")
    a, b = vendor_sarif(tmp_path / "a.sarif"), vendor_sarif(tmp_path / "b.sarif")
    out = assay("drift", "--from-files", a, b, "--commit", "HEAD", "--json", cwd=repo.path)
    assert out.returncode == 0, out.stderr
    (group,) = json.loads(out.stdout)["commits"]
    assert group["commit"] == head and group["jaccard"]["mean"] == 1.0

    scanned = assay("scan", ".", "-s", "bandit", "--no-cache", cwd=repo.path)
    assert scanned.returncode in (0, 1), scanned.stderr
    ours = tmp_path / "ours.json"
    assert assay("scan", ".", "-s", "bandit", "-f", "json", "-o", ours,
                 cwd=repo.path).returncode in (0, 1)
    # without --commit the vendor's run is of no known commit: not comparable
    out = assay("compare", "--from-files", ours, a, cwd=repo.path)
    assert out.returncode == 2 and "compare needs runs of one commit and scope" in out.stderr
    assert "(no commit)" in out.stderr and "Traceback" not in out.stderr
    out = assay("compare", "--from-files", ours, a, "--commit", head[:10], cwd=repo.path)
    assert out.returncode == 0, out.stderr
    assert f"compare 2 runs at {head[:12]}, whole tree" in out.stdout
    # --commit never rewrites a run that records another commit
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    repo.write("other.py", "x = 1\n")
    repo.commit("other")
    out = assay("compare", "--from-files", ours, a, "--commit", "HEAD", cwd=repo.path)
    assert out.returncode == 2 and f"is of commit {first[:12]}, not" in out.stderr


def _drift(args: list[str], cwd: Path, terminal: bool) -> str:
    """stderr of `assay drift ...` run as its own process, on a pseudo-terminal or a pipe."""
    command = [sys.executable, "-m", "assay", "drift", *args]
    if not terminal:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stderr
    main, secondary = pty.openpty()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=secondary,
                            stdin=subprocess.DEVNULL)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait() == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_only(tmp_path: Path) -> None:
    a, b = vendor_sarif(tmp_path / "a.sarif"), vendor_sarif(tmp_path / "b.sarif")
    args = ["--from-files", str(a), str(b), "--commit", "0" * 40]
    shown = _drift(args, tmp_path, terminal=True)
    assert "loading runs …" in shown and "measuring drift of 2 runs …" in shown
    assert _drift(args, tmp_path, terminal=False) == ""
