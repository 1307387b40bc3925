"""The measurement commands end to end: real git repos, real Bandit/Semgrep, real ledger."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assay import api
from assay.cli import main
from assay.formats.json import dumps, run_to_document
from assay.formats.sarif import run_to_sarif
from tests.helpers import VULNERABLE_APP, GitRepo, project_ledger

WEAK_HASH = "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"
STRONG_HASH = "import hashlib\n\n\ndef digest(data):\n    return hashlib.sha256(data).hexdigest()\n"


def assay(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in this process (the real entry point, minus interpreter start-up)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(list(map(str, args)), code, out.getvalue(),
                                       err.getvalue())


def assay_process(*args: str | Path, cwd: Path | None = None,
                  ) -> subprocess.CompletedProcess[str]:
    """Run the CLI as its own process."""
    return subprocess.run([sys.executable, "-m", "assay", *map(str, args)], capture_output=True,
                          text=True, check=False, cwd=cwd)


def ok_json(*args: str | Path, cwd: Path | None = None) -> Any:
    out = assay(*args, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture
def project(repo: GitRepo) -> tuple[GitRepo, str, str]:
    """Two commits: the example app, then the app plus a weak hash module."""
    repo.write("app.py", VULNERABLE_APP)
    first = repo.commit("app")
    repo.write("hashing.py", WEAK_HASH)
    second = repo.commit("hashing")
    return repo, first, second


def test_deterministic_scanner_drift_is_one(project: tuple[GitRepo, str, str]) -> None:
    repo, first, second = project
    doc = ok_json("drift", repo.path, "-s", "bandit", "--runs", "3", "--rev", first,
                  "--rev", second, "--concurrency", "3", "--json")
    assert doc["schema"] == "assay.drift/1"
    assert [c["commit"] for c in doc["commits"]] == sorted([first, second])
    overall = doc["overall"]
    assert overall["jaccard"]["mean"] == 1.0 and overall["jaccard"]["min"] == 1.0
    assert overall["jaccard"]["interval"]["low"] == 1.0
    assert overall["status"] == {"complete": 6, "incomplete": 0, "refused": 0}
    assert overall["singletons"] == 0 and overall["severity_flips"] == 0
    for commit in doc["commits"]:
        assert commit["findings"] > 0
        assert commit["support"]["3"] == commit["findings"]
        assert len(commit["runs"]) == 3 and len(commit["jaccard"]["pairs"]) == 3
    # the second commit adds hashing.py's weak hash
    counts = {c["commit"]: c["findings"] for c in doc["commits"]}
    assert counts[second] == counts[first] + 1


def test_drift_of_existing_runs_and_mixed_commits(project: tuple[GitRepo, str, str]) -> None:
    repo, first, second = project
    ids = [api.scan(repo.path, rev=rev, scanners=["bandit"]).run.id
           for rev in (first, first, second)]
    doc = ok_json("drift", "--from", ids[0], ids[1], "--json", cwd=repo.path)
    assert doc["overall"]["jaccard"]["mean"] == 1.0
    # the lonely run of the second commit is its own group: listed, not pooled, not measured
    out = assay_process("drift", "--from", ",".join(ids), cwd=repo.path)
    assert out.returncode == 0, out.stderr
    assert "3 runs in 2 group(s)" in out.stdout
    assert f"commit {second[:12]}, whole tree" in out.stdout
    assert "Jaccard: not measured (a single run in this group" in out.stdout
    assert "deterministic: identical in 2 of 2 runs" in out.stdout
    out = assay_process("drift", "--from", ids[0], ids[2], cwd=repo.path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "runs of different commits, scopes or configurations are mixed" in out.stderr
    assert f"commit {second[:12]}, whole tree" in out.stderr
    out = assay("drift", "--from", ids[0], cwd=repo.path)
    assert out.returncode == 2 and "at least 2 runs" in out.stderr


def test_drift_from_files_of_two_formats(project: tuple[GitRepo, str, str],
                                         tmp_path: Path) -> None:
    repo, first, _ = project
    runs = [api.scan(repo.path, rev=first, scanners=["bandit"], record=False).run
            for _ in range(2)]
    (tmp_path / "a.json").write_text(dumps(run_to_document(runs[0], with_metrics=True)))
    (tmp_path / "b.sarif").write_text(dumps(run_to_sarif(runs[1])))
    doc = ok_json("drift", "--from-files", tmp_path / "a.json", tmp_path / "b.sarif", "--json")
    assert doc["overall"]["jaccard"]["mean"] == 1.0
    assert doc["commits"][0]["commit"] == first
    (tmp_path / "bad.sarif").write_text(json.dumps({"version": "2.1.0"}))
    out = assay("drift", "--from-files", tmp_path / "a.json", tmp_path / "bad.sarif")
    assert out.returncode == 2 and "not a SARIF log" in out.stderr


def test_empty_run_set_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    out = assay("drift", "--from-files", empty)
    assert out.returncode == 2 and "no runs" in out.stderr and "Traceback" not in out.stderr


def _finding_line(run: Any, rule: str) -> int:
    return next(f.span.start_line for f in run.findings if f.rule_id == rule)


def test_eval_against_location_truth_with_a_missing_file(project: tuple[GitRepo, str, str],
                                                          tmp_path: Path) -> None:
    repo, _, second = project
    result = api.scan(repo.path, rev=second, scanners=["bandit"])
    run = result.run
    pickle_line = _finding_line(run, "B301")
    truth = tmp_path / "truth.yaml"
    truth.write_text(f"- {{cwe: 502, path: app.py, start: {pickle_line}}}\n"
                     "- {cwe: 89, path: gone.py, start: 3}\n")
    doc = ok_json("eval", repo.path, "--truth", truth, "--from", run.id, "--json")
    assert doc["schema"] == "assay.eval/1"
    assert [m["path"] for m in doc["truth"]["missing"]] == ["gone.py"]
    (bandit,) = doc["scanners"]
    scores = bandit["scores"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, len(run.findings) - 1, 0)
    assert scores["recall"]["value"] == 1.0
    assert scores["precision"]["value"] == pytest.approx(1 / len(run.findings), abs=1e-6)
    text = assay("eval", repo.path, "--truth", truth, "--from", run.id)
    assert text.returncode == 0 and "gone.py" in text.stdout and "left out" in text.stdout


def test_eval_owasp_csv(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("bench/BenchmarkTest00001.py", WEAK_HASH)
    repo.write("bench/BenchmarkTest00002.py", STRONG_HASH)
    repo.commit("bench")
    run = api.scan(repo.path, scanners=["bandit"]).run
    csv = tmp_path / "expectedresults.csv"
    csv.write_text("# test name, category, real vulnerability, cwe\n"
                   "BenchmarkTest00001,hash,true,328\nBenchmarkTest00002,hash,false,328\n"
                   "BenchmarkTest00003,hash,true,328\n")
    doc = ok_json("eval", repo.path, "--truth", csv, "--from", run.id, "--json")
    (bandit,) = doc["scanners"]
    assert [m["path"] for m in doc["truth"]["missing"]] == ["BenchmarkTest00003"]
    assert (bandit["owasp"]["tpr"], bandit["owasp"]["fpr"], bandit["owasp"]["score"]) == (
        1.0, 0.0, 1.0)
    bad = tmp_path / "wrong.csv"
    bad.write_text("name,kind,vulnerable,cwe\nBenchmarkTest00001,hash,true,328\n")
    out = assay("eval", repo.path, "--truth", bad, "--from", run.id)
    assert out.returncode == 2 and "unexpected CSV header" in out.stderr
    assert "hint:" in out.stderr and "Traceback" not in out.stderr


def test_compare_two_scanners(project: tuple[GitRepo, str, str]) -> None:
    repo, _, _ = project
    doc = ok_json("compare", repo.path, "-s", "bandit", "-s", "semgrep", "--json")
    assert doc["schema"] == "assay.compare/1" and doc["labels"] == ["bandit", "semgrep"]
    matrix = doc["jaccard"]
    assert matrix[0][0] == matrix[1][1] == 1.0 and matrix[0][1] == matrix[1][0]
    assert 0.0 <= matrix[0][1] < 1.0
    uniques = {u["label"]: u["count"] for u in doc["unique"]}
    assert uniques["bandit"] > 0


def test_scan_consensus(project: tuple[GitRepo, str, str]) -> None:
    repo, _, _ = project
    doc = ok_json("scan", repo.path, "-s", "bandit", "--consensus", "2/3", "-f", "json",
                  "--fail-on", "none")
    assert doc["run"]["properties"]["consensus"] == "2/3"
    assert doc["findings"] and all("support:3/3" in f["tags"] for f in doc["findings"])
    out = assay("scan", repo.path, "--consensus", "4/3")
    assert out.returncode == 2 and "1 <= K <= N" in out.stderr


def test_drift_with_consensus_records_a_run(project: tuple[GitRepo, str, str]) -> None:
    repo, _, _ = project
    result = api.drift(repo.path, scanner="bandit", runs=2, consensus=None)
    assert result.report.jaccard is not None and result.report.jaccard.mean == 1.0
    from assay.measure.consensus import parse_consensus

    with_consensus = api.drift(repo.path, scanner="bandit", runs=2,
                               consensus=parse_consensus("2/2"))
    (built,) = with_consensus.consensus
    from assay.ledger import open_ledger

    with open_ledger(project_ledger(repo.path)) as store:
        assert store.get_run(built.id).findings == built.findings


def test_label_sample_import_and_eval(project: tuple[GitRepo, str, str],
                                      tmp_path: Path) -> None:
    repo, _, second = project
    for name in ("bandit", "semgrep"):
        api.scan(repo.path, scanners=[name])
    sheet = tmp_path / "sample.csv"
    doc = ok_json("label", "sample", repo.path, "--per-scanner", "2", "--seed", "7", "--csv",
                  sheet, "--json")
    assert doc["schema"] == "assay.label-sample/1" and doc["commit"] == second
    assert all("scanner" not in item for item in doc["items"])
    lines = sheet.read_text().splitlines()
    assert lines[0].startswith("sample_id,item_id,path")
    verdicts = {item["item_id"]: ("true" if item["item_id"] % 2 else "false")
                for item in doc["items"]}
    filled = [lines[0]] + [line.replace(",,,", f",{verdicts[int(line.split(',')[1])]},,")
                           if line.endswith(",,,") else line for line in lines[1:]]
    sheet.write_text("\n".join(filled) + "\n")
    out = assay("label", "import", sheet, "--path", repo.path, "--labeler", "tester")
    assert out.returncode == 0, out.stderr
    scores = ok_json("eval", repo.path, "--labels", "--json")
    assert scores["schema"] == "assay.label-eval/1" and scores["sample"] == doc["sample"]
    from assay.ledger import open_ledger
    from assay.ledger.labels import unblind

    with open_ledger(project_ledger(repo.path)) as store:
        expected: dict[str, list[int]] = {}
        for item in unblind(store, doc["sample"]):
            for scanner in item.scanners:
                tally = expected.setdefault(scanner, [0, 0])
                tally[0 if verdicts[item.item.item_id] == "true" else 1] += 1
    got = {s["scanner"]: [s["true"], s["false"]] for s in scores["scanners"] if
           s["true"] + s["false"]}
    assert got == expected
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,label\n1,true\n")
    out = assay("label", "import", wrong, "--path", repo.path)
    assert out.returncode == 2 and "item_id and verdict" in out.stderr
