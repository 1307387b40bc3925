"""`assay report` as a user runs it: real scans, real ledger, real files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import VULNERABLE_APP, GitRepo
from tests.scanners.test_bad_input import assay, assert_one_line_error


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A committed vulnerable app scanned twice with bandit (recorded) and twice to files."""
    repo = GitRepo(tmp_path_factory.mktemp("report") / "repo")
    repo.write("app.py", VULNERABLE_APP)
    repo.commit("app")
    for _ in range(2):
        proc = assay("scan", "--rev", "HEAD", "-s", "bandit", "--no-cache", "-f", "json",
                     "-o", "/dev/null", cwd=repo.path)
        assert proc.returncode in (0, 1), proc.stderr
    for name in ("run.json", "run2.json"):
        proc = assay("scan", "--rev", "HEAD", "-s", "bandit", "-f", "json", "-o",
                     str(repo.path.parent / name), "--no-record", cwd=repo.path)
        assert proc.returncode in (0, 1), proc.stderr
    return repo


def test_report_of_recorded_runs(scanned: GitRepo, tmp_path: Path) -> None:
    html, md = tmp_path / "memo.html", tmp_path / "memo.md"
    proc = assay("report", "--commit", "HEAD", "--html", str(html), "--md", str(md), "--json",
                 cwd=scanned.path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "assay.report/1"
    assert doc["facts"]["runs"] == 2
    keys = [f["key"] for f in doc["figures"]]
    assert keys[:3] == ["drift", "support", "jaccard"]
    drift = next(f for f in doc["figures"] if f["key"] == "drift")
    assert [row["Jaccard"] for row in drift["data"]] == ["1.00"]
    assert "bandit: repeated runs on the same code reported exactly the same findings" \
        in " ".join(doc["summary"])
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == len(keys)
    assert md.read_text(encoding="utf-8").startswith("# Security scanner measurement")
    assert "written to" in proc.stderr


def test_report_from_files_with_truth_naming_missing_files(scanned: GitRepo,
                                                           tmp_path: Path) -> None:
    lines = VULNERABLE_APP.splitlines()
    md5 = next(i for i, text in enumerate(lines, start=1) if "md5" in text)
    truth = tmp_path / "truth.yaml"
    truth.write_text(f"- {{cwe: 328, path: app.py, start: {md5}, end: {md5}}}\n"
                     "- {cwe: 89, path: gone/missing.py, start: 3, end: 3}\n",
                     encoding="utf-8")
    proc = assay("report", "--from-files", str(scanned.path.parent / "run.json"), "--truth",
                 str(truth), "--json", cwd=scanned.path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert "accuracy" in [f["key"] for f in doc["figures"]]
    missing = doc["tables"]["Truth items naming files not in the scanned code"]
    assert missing == [{"Path": "gone/missing.py", "CWE": "CWE-89", "Vulnerable": "yes"}]
    summary = " ".join(doc["summary"])
    assert "1 truth items name files that are not in the scanned code" in summary
    assert "it found 100% of the known vulnerabilities" in summary


def test_report_bad_input(scanned: GitRepo, tmp_path: Path) -> None:
    out = str(tmp_path / "m.html")
    assert_one_line_error(assay("report", "--commit", "HEAD", cwd=scanned.path),
                          "nothing to write")
    assert_one_line_error(assay("report", "--html", out, cwd=scanned.path), "no runs selected")
    bad = tmp_path / "bad.sarif"
    bad.write_text('{"version": "2.1.0", "runs": "nope"}', encoding="utf-8")
    proc = assay("report", "--from-files", str(bad), "--html", out, cwd=scanned.path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    csv = tmp_path / "truth.csv"
    csv.write_text("name,kind\nBenchmarkTest00001,sqli\n", encoding="utf-8")
    proc = assay("report", "--commit", "HEAD", "--truth", str(csv), "--html", out,
                 cwd=scanned.path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and "truth.csv" in proc.stderr
    assert_one_line_error(assay("report", "--commit", "0000000", "--html", out,
                                cwd=scanned.path), "no recorded runs of commit")
    assert not Path(out).exists()


def test_report_takes_several_files_after_one_flag(scanned: GitRepo) -> None:
    parent = scanned.path.parent
    proc = assay("report", "--from-files", str(parent / "run.json"), str(parent / "run2.json"),
                 "--json", cwd=scanned.path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["facts"]["runs"] == 2
    drift = next(f for f in doc["figures"] if f["key"] == "drift")
    assert [row["Jaccard"] for row in drift["data"]] == ["1.00"]


def test_reading_runs_with_llm_findings_creates_no_ledger(repo: GitRepo) -> None:
    from assay.formats.json import dumps, run_to_document
    from assay.project import default_ledger, locate_project
    from tests.report.fixtures import COMMIT_A, finding, make_run

    repo.write("app.py", "VALUE = 1\n")
    repo.commit()
    run = make_run("20260101T000000Z-00000001", "llm", COMMIT_A,
                   [finding("llm", "app.py", 1)])
    saved = repo.path.parent / "llm-run.json"
    saved.write_text(dumps(run_to_document(run)))
    memo = repo.path.parent / "memo.md"
    proc = assay("report", "--from-files", str(saved), "--md", str(memo), cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    text = memo.read_text()
    assert "LLM findings and their trust states" in text and "unverified" in text
    assert not Path(default_ledger(locate_project(repo.path))).exists()
