"""The runner acts on what scanners' results declare, whatever the scanners are called:
the merge of a pattern-only scanner with a dataflow scanner, the provenance written from
those fields, slicing metrics as a stage, and warnings for the user."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from assay.model import Confidence, Finding, RunId, ScannerInfo, Severity, Span
from assay.normalize.merge import MergePolicy
from assay.repo import open_snapshot
from assay.scanners.interface import ScanContext, Scanner, ScannerResult, SliceMetrics
from assay.scanners.runner import RunSettings, scan_outcome
from tests.helpers import GitRepo


def _finding(scanner: str, rule: str, line: int, cwe: int) -> Finding:
    return Finding(scanner=scanner, rule_id=rule, path="app.py", span=Span(line, line),
                   severity=Severity.MEDIUM, confidence=Confidence.MEDIUM, message=rule,
                   cwe=cwe, sources=(f"{scanner}:{rule}",))


class _Fixed(Scanner):
    """A scanner that returns a result given in advance."""

    def __init__(self, name: str, result: ScannerResult) -> None:
        self.name = name
        self.result = result

    def info(self) -> ScannerInfo:
        return self.result.info

    def run(self, ctx: ScanContext) -> ScannerResult:
        return self.result


def _scanners() -> list[Scanner]:
    lint = ScannerResult(
        info=ScannerInfo("lint", "1", "r"), analyzed=frozenset({"app.py"}),
        findings=(_finding("lint", "L1", 10, 89), _finding("lint", "L2", 30, 78),
                  _finding("lint", "L3", 50, 327)),
        pattern_rules=frozenset({"L1", "L2"}), warnings=("lint: old rules",))
    flow = ScannerResult(
        info=ScannerInfo("flow", "1", "r"), analyzed=frozenset({"app.py"}),
        findings=(_finding("flow", "sqli", 12, 89),), extra=(("flow.note", "kept"),),
        gated_cwes=frozenset({89, 78}), merge_policy=MergePolicy.DEMOTE,
        slicing=SliceMetrics(0.5, files=3, sliced=2, bytes_before=100, bytes_after=40),
        warnings=("flow: pinned",))
    return [_Fixed("lint", lint), _Fixed("flow", flow)]


def test_results_drive_the_merge_and_the_provenance(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit()
    snapshot = open_snapshot(repo.path)
    ctx = ScanContext(snapshot=snapshot, files=(), state_dir=tmp_path)
    settings = RunSettings(RunId("r"), "h", ctx, lambda _path: False, datetime.now(UTC))
    outcome = scan_outcome(snapshot, _scanners(), settings)
    run = outcome.run
    by_rule = {f.rule_id: f for f in run.findings}
    # confirmed: one finding with the dataflow scanner's location; unconfirmed: demoted
    assert by_rule["sqli"].sources == ("flow:sqli", "lint:L1") and "L1" not in by_rule
    assert by_rule["L2"].severity is Severity.LOW
    assert by_rule["L3"].severity is Severity.MEDIUM  # not a gated rule: stands as it is
    extra = dict(run.provenance.extra)
    assert extra["flow.gated_cwes"] == "78,89"
    assert extra["flow.note"] == "kept"
    assert (extra["merge.lint_policy"], extra["merge.lint_unconfirmed"],
            extra["merge.merged"]) == ("demote", "1: L2 x1", "1")
    stages = {s.name: s for s in run.metrics.stages}
    assert dict(stages["slice:flow"].tool_calls) == {
        "bytes_after": 40, "bytes_before": 100, "files": 3, "left_out": 0, "sliced": 2}
    assert outcome.warnings == ("lint: old rules", "flow: pinned")


def test_without_a_dataflow_scanner_nothing_is_merged(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("app.py", "x = 1\n")
    repo.commit()
    snapshot = open_snapshot(repo.path)
    ctx = ScanContext(snapshot=snapshot, files=(), state_dir=tmp_path)
    settings = RunSettings(RunId("r"), "h", ctx, lambda _path: False, datetime.now(UTC))
    run = scan_outcome(snapshot, _scanners()[:1], settings).run
    assert sorted(f.rule_id for f in run.findings) == ["L1", "L2", "L3"]
    assert not any(k.startswith("merge.") for k, _ in run.provenance.extra)


class _Timed(Scanner):
    """A scanner that notes when it ran, and may first start a real process."""

    def __init__(self, name: str, events: list[str], spawn: bool = False,
                 in_process: bool = False) -> None:
        self.name, self.events, self.spawn, self.in_process = name, events, spawn, in_process

    def info(self) -> ScannerInfo:
        return ScannerInfo(self.name, "1", "r")

    def run(self, ctx: ScanContext) -> ScannerResult:
        import time

        from assay.scanners import children

        if ctx.hand_off is not None:  # as a file scanner does before analyzing
            ctx.hand_off()
        self.events.append(f"{self.name} starts")
        time.sleep(0.2)  # preparing its work in Python
        if self.spawn:
            proc = children.spawn(["true"], ctx.state_dir, {})
            self.events.append(f"{self.name} hands off")
            proc.communicate()
        self.events.append(f"{self.name} ends")
        return ScannerResult(info=self.info())


def test_an_in_process_scanner_starts_once_the_others_have_handed_off(
        repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python threads take turns: the scanner analyzing in assay's interpreter waits,
    before analyzing, until the other has started its process (or has ended without
    one); the other is never asked to wait."""
    from assay.scanners import runner

    monkeypatch.setattr(runner, "HAND_OFF_WAIT", 60.0)  # ordering, not timing
    repo.write("app.py", "x = 1\n")
    repo.commit()
    snapshot = open_snapshot(repo.path)
    ctx = ScanContext(snapshot=snapshot, files=(), state_dir=tmp_path)
    settings = RunSettings(RunId("r"), "h", ctx, lambda _path: False, datetime.now(UTC))
    for spawn, after in ((True, "engine hands off"), (False, "engine ends")):
        events: list[str] = []
        scanners = [_Timed("checks", events, in_process=True),
                    _Timed("engine", events, spawn=spawn)]
        run = scan_outcome(snapshot, scanners, settings).run
        assert events.index("checks starts") > events.index(after)
        assert events.index("engine starts") < events.index("checks starts")
        assert [s.name for s in run.provenance.scanners] == ["checks", "engine"]
