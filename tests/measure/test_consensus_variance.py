"""Consensus K/N and the pairwise agreement matrix, on fixtures worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assay.errors import UsageError
from assay.measure.consensus import consensus, consensus_run, parse_consensus, source_runs
from assay.measure.errors import MeasureError
from assay.measure.variance import compare_runs, split_by_scanner
from assay.model import RunStatus, ScannerInfo
from tests.measure.factories import finding, run

RUNS = [run("r1", [finding("app.py", 10), finding("x.py", 1)], tokens_in=10),
        run("r2", [finding("app.py", 10)], tokens_in=20),
        run("r3", [finding("app.py", 11), finding("y.py", 5)], tokens_in=30)]


def test_parse_consensus() -> None:
    spec = parse_consensus(" 2/3 ")
    assert (spec.k, spec.n, str(spec)) == (2, 3, "2/3")
    for bad in ("3/2", "0/3", "2", "a/b", "2/3/4"):
        with pytest.raises(UsageError):
            parse_consensus(bad)


def test_consensus_keeps_findings_with_enough_support() -> None:
    kept = consensus(RUNS, 2)
    assert [(s.finding.path, s.support, s.runs) for s in kept.findings] == [
        ("app.py", 3, ("r1", "r2", "r3"))]
    assert kept.dropped == 2
    assert kept.findings[0].finding.tags == ("support:3/3",)
    assert len(consensus(RUNS, 1).findings) == 3
    with pytest.raises(UsageError):
        consensus(RUNS, 4)


def test_consensus_run_records_rule_and_sources() -> None:
    incomplete = replace(RUNS[2], status=RunStatus.INCOMPLETE, reasons=("timeout",))
    built = consensus_run([RUNS[0], RUNS[1], incomplete], 2, "cons")
    assert built.id == "cons" and built.status is RunStatus.INCOMPLETE
    assert built.reasons == ("1 of 3 runs were incomplete", "timeout")
    props = dict(built.properties)
    assert (props["consensus"], props["consensus_dropped"]) == ("2/3", "2")
    assert source_runs(built) == ("r1", "r2", "r3")
    assert built.metrics.tokens_in == 60
    assert [f.path for f in built.findings] == ["app.py"]


def test_compare_matrix_and_uniques_by_hand() -> None:
    a = run("A", [finding("a.py", 10), finding("b.py", 5)], scanner="x")
    b = run("B", [finding("a.py", 10)], scanner="y")
    c = run("C", [finding("z.py", 1)], scanner="z")
    report = compare_runs([a, b, c])
    assert report.labels == ("x", "y", "z")
    assert report.matrix == ((1.0, 0.5, 0.0), (0.5, 1.0, 0.0), (0.0, 0.0, 1.0))
    assert report.matched[0][1] == 1
    assert [[f.path for f in u] for u in report.unique] == [["b.py"], [], ["z.py"]]


def test_compare_labels_disambiguate_and_commits_must_agree() -> None:
    report = compare_runs([run("A", scanner="x"), run("B", scanner="x")])
    assert report.labels == ("x@A", "x@B")
    assert report.matrix == ((1.0, 1.0), (1.0, 1.0))  # two empty runs agree
    with pytest.raises(MeasureError, match="one commit"):
        compare_runs([run("A"), run("B", commit="other")])
    with pytest.raises(MeasureError, match="no runs"):
        compare_runs([])


def test_split_by_scanner() -> None:
    base = run("m", [finding(scanner="bandit"), finding("z.py", scanner="semgrep"),
                     finding("q.py", scanner="extra")])
    mixed = replace(base, provenance=replace(base.provenance, scanners=(
        ScannerInfo("bandit", "1"), ScannerInfo("semgrep", "1"))))
    parts = split_by_scanner([mixed])
    assert [(p.scanner_names, [f.path for f in p.findings]) for p in parts] == [
        (("bandit",), ["app.py"]), (("semgrep",), ["z.py"]), (("extra",), ["q.py"])]
    assert split_by_scanner([base]) == [base]  # one declared scanner: kept whole
