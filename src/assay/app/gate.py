"""The gate use case: tier -> scan -> baseline -> lifecycle -> decision.

    from assay.api import tier, gate
    print(tier("path/to/repo", diff="origin/main...HEAD").fired)
    result = gate("path/to/repo", diff="origin/main...HEAD")
    print(result.decision, result.reasons)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assay.errors import UsageError
from assay.ledger.sqlite import open_ledger
from assay.model import FindingKind, Run
from assay.project import Project, config_provenance, default_ledger, locate_project
from assay.repo import git
from assay.repo.diff import parse_range
from assay.repo.interface import Snapshot
from assay.repo.snapshot import open_snapshot
from assay.scanners.interface import Progress
from assay.trust import LoadedConfig
from assay.workflow.baseline import NO_BASELINE, Baseline, compare, empty_baseline
from assay.workflow.baseline_source import BaselineSource, resolve_baseline
from assay.workflow.decision import GateResult, LlmItem, decide
from assay.workflow.lifecycle import Lifecycle
from assay.workflow.presence import still_present
from assay.workflow.scanning import (
    ScanSetup,
    ScopedSnapshot,
    WholeSnapshot,
    open_change,
    scan_snapshot,
)
from assay.workflow.states import State
from assay.workflow.tier import LlmMode, TierPlan, TierResult, tier_change, untiered

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class GateOptions:
    """Everything `assay gate` can be asked for besides the path."""

    diff: str | None = None
    baseline: str | None = None
    fail_on: str | None = None
    scanners: Sequence[str] | None = None
    llm: LlmMode = LlmMode.AUTO
    ledger: str | Path | None = None
    record: bool = True
    config_path: Path | None = None
    jobs: int | None = None
    no_cache: bool = False
    progress: Progress | None = None
    clock: Clock | None = None


@dataclass(frozen=True)
class _Target:
    """What the gate scans: the tier (with a diff), the plan, the snapshot and its scope."""

    tier: TierResult | None
    plan: TierPlan
    snapshot: Snapshot
    scope: set[str] | None
    context: WholeSnapshot | None


class _Stopwatch:
    """Wall time of each stage of the gate, for `--with-metrics` and the benchmark."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self._last))
        self._last = now


def _target(path: str | Path, options: GateOptions, project: Project) -> _Target:
    config = project.config.config
    if not options.diff:
        plan = untiered(config, options.llm, options.scanners)
        return _Target(None, plan, open_snapshot(path, None, project.root), None, None)
    full, change, head = open_change(path, options.diff)
    tier = tier_change(change, config, head, options.llm, options.scanners)
    scope = set(change.paths)
    return _Target(tier, tier.plan, ScopedSnapshot(full, scope, change.base), scope,
                   WholeSnapshot(full, change, tier.plan.llm))


def run_gate(path: str | Path = ".", options: GateOptions = GateOptions()) -> GateResult:
    """Run the gate on PATH (the work tree, or the head of `options.diff`)."""
    watch = _Stopwatch()
    base, head = _diff_ends(options.diff)
    project = locate_project(path, options.config_path, base=base, head=head)
    config = project.config.config
    now = (options.clock or (lambda: datetime.now(UTC)))()
    target = _target(path, options, project)
    if not target.plan.deterministic:
        raise UsageError("the gate needs at least one deterministic scanner",
                         "set [scan] scanners or pass --scanner bandit")
    watch.lap("tier")
    setup = ScanSetup(project.config, project.state_dir, options.jobs, options.no_cache,
                      options.progress, config_provenance(project.config))
    store = open_ledger(default_ledger(project, options.ledger))
    try:
        run = scan_snapshot(setup, target.snapshot, target.plan.scanners, now, store,
                            target.context)
        watch.lap("scan")
        source = BaselineSource(project.root, Path(path), setup, store,
                                target.plan.deterministic, now,
                                target.tier.base if target.tier else None, target.scope)
        baseline = resolve_baseline(options.baseline, source) \
            if options.baseline or target.tier else empty_baseline()
        scope = target.scope
        comparison = compare(run, baseline, scope.__contains__ if scope is not None else None)
        watch.lap("baseline")
        if options.record:
            store.record_run(run)
        life = Lifecycle(store, options.clock)
        life.sync()
        llm = _llm_items(run, life, target.snapshot)
    finally:
        store.close()
    fail_on = options.fail_on or config.gate.fail_on or config.scan.fail_on
    plan = target.plan
    decision = decide(run, comparison, llm, fail_on,
                      [*plan.deterministic, *(plan.llm if config.gate.require_llm else ())],
                      config_review(project.config))
    watch.lap("lifecycle+decide")
    return GateResult(decision, fail_on, plan, target.tier, run, comparison, tuple(llm),
                      store.path, tuple(project.warnings) + _baseline_warnings(baseline),
                      tuple(watch.laps), project.config)


def _llm_items(run: Run, life: Lifecycle, snapshot: Snapshot) -> list[LlmItem]:
    """LLM findings of the run with their states, plus proven ones not reported this time
    whose code is still in a file in scope (the LLM scanner need not run on every change)."""
    states = life.states()
    items = [LlmItem(f, states.get(f.fingerprint, State.UNVERIFIED))
             for f in run.findings if f.kind is FindingKind.LLM]
    # only the LLM's own findings count as reported: a deterministic finding with the
    # same fingerprint must not hide a proven LLM finding
    reported = {f.fingerprint for f in run.findings if f.kind is FindingKind.LLM}
    for tracked in life.findings(State.PROVEN):
        if tracked.fingerprint in reported or snapshot.get(tracked.path) is None:
            continue
        finding = life.latest_finding(tracked.fingerprint)
        if finding is not None and still_present(snapshot, finding):
            items.append(LlmItem(finding, State.PROVEN, "still-present"))
    return items


def _baseline_warnings(baseline: Baseline) -> tuple[str, ...]:
    if baseline.complete or baseline.source == NO_BASELINE:
        return ()
    return (f"baseline {baseline.source} is incomplete: findings it lacks may be reported as "
            "new, and none can be marked absent",)


def _diff_ends(diff: str | None) -> tuple[str | None, str | None]:
    if not diff:
        return None, None
    base, head, _ = parse_range(diff)
    return base, head


def config_review(loaded: LoadedConfig) -> tuple[str, ...]:
    """What the change did to assay's configuration, for a reviewer: the keys it changed
    from the base commit's, and the ones that were not applied."""
    if not loaded.changed:
        return ()
    where = loaded.tree.name if loaded.tree is not None else "its file was removed"
    notes = [f"the change edits assay's configuration ({where}: "
             f"{', '.join(loaded.changed)}); a person should review it"]
    refused = [i.key for i in loaded.ignored]
    if refused:
        notes.append(f"not applied to this gate (only the operator may loosen or set them): "
                     f"{', '.join(refused)}")
    return tuple(notes)


def tier(path: str | Path = ".", diff: str = "HEAD", *, config_path: Path | None = None,
         llm: LlmMode = LlmMode.AUTO) -> TierResult:
    """Classify the change `diff` (BASE, BASE..HEAD or BASE...HEAD) under PATH's config."""
    _require_history(Path(path))
    base, head_rev, _ = parse_range(diff)
    project = locate_project(path, config_path, base=base, head=head_rev)
    _, change, head = open_change(path, diff)
    return tier_change(change, project.config.config, head, llm)


def _require_history(path: Path) -> None:
    """UsageError unless `path` is in a git repository with a commit: a change is a diff
    between commits (or a commit and the work tree), and a plain directory has none."""
    hint = ("run it in a git checkout with at least one commit; --diff BASE..HEAD names "
            "the change between two of its commits")
    root = git.toplevel(path.absolute())
    if root is None:
        raise UsageError(f"assay tier needs a git repository with a commit, and {path} is "
                         "not inside one", hint)
    if git.head_commit(root) is None:
        raise UsageError(f"assay tier needs a git repository with a commit, and {root} has "
                         "no commit yet", hint)


def gate(path: str | Path = ".", **options: Any) -> GateResult:
    """Run the gate: tier -> scan -> baseline -> decision (see `GateOptions` for options)."""
    return run_gate(path, GateOptions(**options))
