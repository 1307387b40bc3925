"""The gate on real repositories with real scanners: decisions, baselines, formats."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import SARIF_SCHEMA, GitRepo
from tests.scanners.test_bad_input import EXIT_BLOCK, EXIT_INCOMPLETE, EXIT_OK, assay

LEGACY = "import hashlib\n\n\ndef legacy(t):\n    return hashlib.md5(t).hexdigest()\n"
NEW = "import hashlib\n\n\ndef fresh(t):\n    return hashlib.sha1(t).hexdigest()\n"


def gate(repo: GitRepo, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    proc = assay("gate", "-s", "bandit", "-q", "-f", "json", *args, cwd=repo.path)
    assert "Traceback" not in proc.stderr and proc.stdout, proc.stderr
    return proc, json.loads(proc.stdout)


@pytest.fixture
def history(repo: GitRepo) -> dict[str, str]:
    repo.write("legacy.py", LEGACY)
    repo.write("README.md", "# demo\n")
    commits = {"base": repo.commit("base")}
    repo.write("legacy.py", '"""Old code."""\n' + LEGACY)
    repo.write("new.py", NEW)
    commits["change"] = repo.commit("new weak hash, legacy moved")
    repo.write("README.md", "# demo\n\nMore.\n")
    commits["docs"] = repo.commit("docs")
    return commits


def test_new_findings_block_and_moved_old_ones_do_not(repo: GitRepo,
                                                      history: dict[str, str]) -> None:
    proc, doc = gate(repo, "--diff", f"{history['base']}..{history['change']}")
    assert proc.returncode == EXIT_BLOCK and doc["decision"] == "block"
    states = {(f["path"], f["baseline_state"], f["blocking"]) for f in doc["findings"]}
    assert states == {("new.py", "new", True), ("legacy.py", "updated", False)}
    assert doc["baseline"]["source"] == f"rev:{history['base'][:12]}"
    assert doc["baseline"]["counts"]["new"] == 1 and doc["baseline"]["complete"] is True
    assert "1 new deterministic finding(s) at or above high: bandit/B324 at new.py:5" \
        in doc["reasons"]
    assert doc["tier"]["plan"]["deterministic"] == ["bandit"]
    assert doc["coverage"]["in_scope"] == 2  # only the changed files were scanned


def test_a_recorded_scan_of_the_base_is_the_baseline(repo: GitRepo,
                                                     history: dict[str, str]) -> None:
    scanned = assay("scan", "-s", "bandit", "-q", "-f", "json", "--with-metrics", "--rev",
                    history["base"], cwd=repo.path)
    run_id = json.loads(scanned.stdout)["run"]["id"]
    proc, doc = gate(repo, "--diff", f"{history['base']}..{history['change']}")
    assert proc.returncode == EXIT_BLOCK
    assert doc["baseline"]["source"] == f"run:{run_id}"
    assert {f["path"]: f["baseline_state"] for f in doc["findings"]} == {
        "new.py": "new", "legacy.py": "updated"}
    _, other = gate(repo, "--fail-on", "low", "--diff", f"{history['base']}..{history['change']}")
    assert other["baseline"]["source"] == f"run:{run_id}"  # the threshold is not configuration
    repo.write("assay.toml", "[scan]\nfail_on = 'low'\n")
    _, changed = gate(repo, "--diff", f"{history['base']}")
    assert changed["baseline"]["source"].startswith("rev:")  # another configuration: rescan


def test_threshold_none_passes_and_text_says_why(repo: GitRepo,
                                                 history: dict[str, str]) -> None:
    proc = assay("gate", "-s", "bandit", "-q", "--fail-on", "none", "--diff",
                 f"{history['base']}..{history['change']}", cwd=repo.path)
    assert proc.returncode == EXIT_OK, proc.stdout
    assert proc.stdout.startswith("gate: PASS")
    assert "no new deterministic finding at or above none (1 below it)" in proc.stdout


def test_a_docs_only_change_passes_without_scanning_code(repo: GitRepo,
                                                         history: dict[str, str]) -> None:
    proc, doc = gate(repo, "--diff", f"{history['change']}..{history['docs']}")
    assert proc.returncode == EXIT_OK and doc["decision"] == "pass"
    assert doc["findings"] == [] and doc["tier"]["classes"] == []


def test_sarif_output_is_valid_and_carries_decision_and_states(
        repo: GitRepo, history: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "gate.sarif"
    proc = assay("gate", "-s", "bandit", "-q", "--sarif", str(out), "-f", "md", "--diff",
                 f"{history['base']}..{history['change']}", cwd=repo.path)
    assert proc.returncode == EXIT_BLOCK and "# assay gate: block" in proc.stdout
    log = json.loads(out.read_text())
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    run = log["runs"][0]
    assert run["properties"]["assay/gate"]["decision"] == "block"
    assert sorted(r["baselineState"] for r in run["results"]) == ["new", "updated"]


def test_an_unanalyzable_changed_file_makes_the_gate_incomplete(repo: GitRepo,
                                                                history: dict[str, str],
                                                                ) -> None:
    repo.write("broken.py", "def broken(:\n    return hashlib.md5(b'x')\n")
    head = repo.commit("broken file")
    proc, doc = gate(repo, "--diff", f"{history['docs']}..{head}")
    assert proc.returncode == EXIT_INCOMPLETE and doc["decision"] == "incomplete"
    assert any(r.startswith("incomplete: bandit:") for r in doc["reasons"])


def test_baselines_from_a_sarif_file_and_a_recorded_run(repo: GitRepo,
                                                        history: dict[str, str],
                                                        tmp_path: Path) -> None:
    repo.git("checkout", "-q", history["base"])
    base_sarif = tmp_path / "base.sarif"
    scanned = assay("scan", "-s", "bandit", "-q", "-f", "json", "--with-metrics", cwd=repo.path)
    run_id = json.loads(scanned.stdout)["run"]["id"]
    assay("scan", "-s", "bandit", "-q", "-f", "sarif", "-o", str(base_sarif), cwd=repo.path)
    repo.git("checkout", "-q", history["docs"])
    for ref in (str(base_sarif), run_id, f"run:{run_id[:-3]}", history["base"]):
        proc, doc = gate(repo, "--baseline", ref)
        assert proc.returncode == EXIT_BLOCK, (ref, doc["reasons"])
        assert {f["path"]: f["baseline_state"] for f in doc["findings"]} == {
            "new.py": "new", "legacy.py": "updated"}, ref


def test_an_incomplete_baseline_marks_gone_findings_unknown(repo: GitRepo,
                                                            history: dict[str, str],
                                                            tmp_path: Path) -> None:
    repo.git("checkout", "-q", history["base"])
    log = json.loads(assay("scan", "-s", "bandit", "-q", "-f", "sarif", cwd=repo.path).stdout)
    repo.git("checkout", "-q", history["docs"])
    (repo.path / "legacy.py").write_text("x = 1\n")  # the legacy finding is gone
    log["runs"][0]["invocations"][0]["executionSuccessful"] = False
    log["runs"][0]["properties"]["assay/status"] = "incomplete"
    path = tmp_path / "partial.sarif"
    path.write_text(json.dumps(log))
    proc, doc = gate(repo, "--baseline", str(path))
    assert proc.returncode == EXIT_BLOCK  # new.py's weak hash is new either way
    assert [(f["path"], f["baseline_state"]) for f in doc["absent"]] == [
        ("legacy.py", "unknown")]
    assert any("is incomplete" in w for w in doc["warnings"])
    complete = tmp_path / "complete.sarif"
    log["runs"][0]["invocations"][0]["executionSuccessful"] = True
    complete.write_text(json.dumps(log))
    _, doc = gate(repo, "--baseline", str(complete))
    assert [(f["path"], f["baseline_state"]) for f in doc["absent"]] == [
        ("legacy.py", "absent")]
