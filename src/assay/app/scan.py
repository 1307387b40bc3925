"""The scan use case: a working tree, a commit or a change, through the chosen scanners,
recorded in the ledger.

    from assay.api import scan
    result = scan("path/to/repo", rev="HEAD~1", scanners=["bandit", "semgrep"])
    print(result.run.status, len(result.run.findings))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from assay.config import Config
from assay.errors import UsageError
from assay.ledger import SqliteLedger, open_ledger
from assay.ledger.result_cache import open_result_cache
from assay.model import FindingKind, Run, new_run_id
from assay.normalize.policy import OnTestCode, Policy
from assay.project import config_provenance, default_ledger, locate_project
from assay.repo import Snapshot, open_snapshot
from assay.repo.diff import Diff, compute_diff, parse_range
from assay.repo.globs import compile_excludes
from assay.scanners import children
from assay.scanners.interface import Progress, ScanContext
from assay.scanners.registry import build_scanner
from assay.scanners.runner import RunSettings, run_scanners
from assay.workflow.lifecycle import Lifecycle

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScanResult:
    """A finished scan: the run, where it was recorded, and anything worth a warning."""

    run: Run
    ledger: Path | None
    config: Config
    warnings: tuple[str, ...] = ()
    states: tuple[tuple[str, str], ...] = ()
    """Lifecycle state of each LLM finding of the run, by fingerprint (a proven one may
    block; the others are `unverified`, `refuted`, ...)."""


def scan(
    path: str | Path = ".",
    *,
    rev: str | None = None,
    scanners: Sequence[str] | None = None,
    no_cache: bool = False,
    ledger: str | Path | None = None,
    record: bool = True,
    config_path: Path | None = None,
    jobs: int | None = None,
    exclude: Sequence[str] = (),
    progress: Progress | None = None,
    clock: Clock | None = None,
    diff: str | None = None,
    fresh: bool = False,
) -> ScanResult:
    """Scan the working tree at `path`, or commit `rev`, and record the run in the ledger.

    `diff` (`BASE`, `BASE..HEAD` or `BASE...HEAD`) limits LLM review to the changed hunks
    (HEAD becomes the scanned revision); `fresh` bypasses the LLM result cache.
    """
    base, head = _diff_ends(diff)
    project = locate_project(path, config_path, base=base, head=head or rev)
    snapshot, changes = _open_target(path, rev, diff, project.root)
    config = project.config.config
    names = list(scanners) if scanners else list(config.scan.scanners)
    if not names:
        raise UsageError("no scanners selected", "pass --scanner bandit --scanner semgrep")
    built = [build_scanner(n, config) for n in dict.fromkeys(names)]
    store: SqliteLedger | None = open_ledger(default_ledger(project, ledger)) if record else None
    now = (clock or (lambda: datetime.now(UTC)))()
    warnings = list(project.warnings)
    cache = open_result_cache(project.state_dir)
    if cache.error:
        warnings.append(cache.error)
    run_id = new_run_id(now)
    ctx = ScanContext(
        snapshot=snapshot, files=(), state_dir=project.state_dir, run_id=run_id, ledger=store,
        jobs=jobs or config.scan.jobs or os.cpu_count() or 1, use_cache=not no_cache,
        cache=cache if cache.available else None, max_file_size=config.scan.max_file_size,
        progress=progress, diff=changes, fresh=fresh)
    settings = RunSettings(
        run_id=run_id, config_hash=project.config.hash, ctx=ctx,
        is_excluded=compile_excludes([*config.scan.exclude, *exclude]), started_at=now,
        extra_provenance=config_provenance(project.config),
        policy=Policy(OnTestCode(config.scan.test_code)))
    states: tuple[tuple[str, str], ...] = ()
    try:
        run = run_scanners(snapshot, built, settings)
        if store is not None:
            store.record_run(run)
            states = llm_states(store, run)
    finally:
        cache.close()
        if store is not None:
            store.close()
    warnings.extend(v for k, v in run.provenance.extra if k.endswith(".warning"))
    return ScanResult(run, store.path if store else None, config, tuple(warnings), states)


def stop_scanners() -> None:
    """Kill the processes of the scanners still running (Semgrep, external commands),
    which run in sessions of their own: for a caller stopping on Ctrl-C or SIGTERM."""
    with children.stopping():
        pass


def llm_states(store: SqliteLedger, run: Run) -> tuple[tuple[str, str], ...]:
    """The lifecycle state of the run's LLM findings, once the run entered the lifecycle."""
    llm = {f.fingerprint for f in run.findings if f.kind is FindingKind.LLM}
    if not llm:
        return ()
    life = Lifecycle(store)
    life.sync()
    return tuple(sorted((fp, s.value) for fp, s in life.states().items() if fp in llm))


def _open_target(path: str | Path, rev: str | None, diff: str | None,
                 root: Path) -> tuple[Snapshot, Diff | None]:
    """The snapshot to scan and, with `diff`, its changes from the base (HEAD of a
    `BASE..HEAD` range becomes the scanned revision)."""
    if diff is None:
        return open_snapshot(path, rev, root), None
    base, head, merge_base = parse_range(diff)
    if head is not None and rev is not None and head != rev:
        raise UsageError(f"--diff {diff} names HEAD {head!r} but --rev is {rev!r}",
                         "drop --rev, or use --diff BASE with --rev")
    snapshot = open_snapshot(path, head or rev, root)
    changes = compute_diff(snapshot, base, merge_base, head)
    snapshot.target = replace(snapshot.target, diff_base=changes.base)
    return snapshot, changes


def _diff_ends(diff: str | None) -> tuple[str | None, str | None]:
    """The base and head a `--diff` range names (None, None without one)."""
    if diff is None:
        return None, None
    base, head, _ = parse_range(diff)
    return base, head
