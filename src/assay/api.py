"""The typed core of assay. The CLI is a thin layer over these functions.

    from assay.api import scan
    result = scan("path/to/repo", rev="HEAD~1", scanners=["bandit", "semgrep"])
    print(result.run.status, len(result.run.findings))
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assay.config import Config, LoadedConfig, load_config
from assay.errors import UsageError
from assay.ledger import SqliteLedger, open_ledger
from assay.model import Run
from assay.repo import RepoError, Snapshot, git, open_snapshot
from assay.repo.diff import Diff, compute_diff, parse_range
from assay.repo.globs import compile_excludes
from assay.scanners.cache import ResultCache
from assay.scanners.interface import Progress, ScanContext
from assay.scanners.registry import build_scanner
from assay.scanners.runner import RunSettings, new_run_id, run_scanners
from assay.state import state_dir_for

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScanResult:
    """A finished scan: the run, where it was recorded, and anything worth a warning."""

    run: Run
    ledger: Path | None
    config: Config
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    """A project resolved: its root, configuration and state directory."""

    root: Path
    config: LoadedConfig
    state_dir: Path
    warnings: tuple[str, ...]


def locate_project(path: str | Path = ".", config_path: Path | None = None) -> Project:
    """The project PATH belongs to: the git work tree around it, else the directory."""
    target = Path(path).absolute()
    if not target.exists() and not target.is_symlink():
        raise RepoError(f"path does not exist: {path}", "pass a directory or file to scan")
    root = git.toplevel(target)
    if root is None:
        root = target if target.is_dir() else target.parent
    root = root.resolve()
    loaded = load_config(root, config_path)
    state_dir, warning = state_dir_for(root)
    warnings: tuple[str, ...] = (warning,) if warning else ()
    tracked = tracked_state(root, state_dir)
    if tracked:
        # anyone who can commit could have put cached "clean" results, rules or a ledger
        # with a convenient baseline there: this process keeps its state elsewhere
        state_dir = _scratch_state()
        warnings += (f"{tracked} is tracked by git, so nothing kept in it is used (this run "
                     f"keeps its state in a temporary directory); untrack it: "
                     f"git rm -r --cached {tracked}",)
    return Project(root, loaded, state_dir, warnings)


def _scratch_state() -> Path:
    """A state directory of this process alone, removed when it exits."""
    path = Path(tempfile.mkdtemp(prefix="assay-state-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def tracked_state(root: Path, state_dir: Path) -> str:
    """The state directory (relative to `root`) when git tracks a file in it, else ''."""
    try:
        relative = state_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        return ""
    if not (root / ".git").exists():
        return ""
    try:
        listed = git.run_git(root, ["ls-files", "-z", "--", relative])
    except RepoError:
        return ""
    # the .gitignore assay writes there is harmless when committed
    kept = [f for f in listed.split(b"\0") if f and f != f"{relative}/.gitignore".encode()]
    return relative if kept else ""


def default_ledger(project: Project, override: str | Path | None = None) -> str | Path:
    """The ledger to use: explicit, then config `scan.ledger`, then `.assay/ledger.db`."""
    if override:
        return override
    configured = project.config.config.scan.ledger
    if configured:
        return configured if "://" in configured else project.root / configured
    return project.state_dir / "ledger.db"


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
    project = locate_project(path, config_path)
    snapshot, changes = _open_target(path, rev, diff, project.root)
    config = project.config.config
    names = list(scanners) if scanners else list(config.scan.scanners)
    if not names:
        raise UsageError("no scanners selected", "pass --scanner bandit --scanner semgrep")
    built = [build_scanner(n, config) for n in dict.fromkeys(names)]
    store: SqliteLedger | None = open_ledger(default_ledger(project, ledger)) if record else None
    now = (clock or (lambda: datetime.now(UTC)))()
    warnings = list(project.warnings)
    cache = ResultCache(project.state_dir / "cache.db")
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
        extra_provenance=(("config_source", _relative(project.config.source, project)),))
    try:
        run = run_scanners(snapshot, built, settings)
        if store is not None:
            store.record_run(run)
    finally:
        cache.close()
        if store is not None:
            store.close()
    warnings.extend(v for k, v in run.provenance.extra if k.endswith(".warning"))
    return ScanResult(run, store.path if store else None, config, tuple(warnings))


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


def _relative(path: Path | None, project: Project) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(project.root).as_posix()
    except ValueError:
        return str(path)


# The rest of the public API lives in its subpackages and is loaded on first use, so that
# `assay scan` does not pay for plotting, statistics or the LLM providers at start-up.
_LAZY = {
    "compare": "assay.measure.api",
    "consensus_scan": "assay.measure.api",
    "drift": "assay.measure.api",
    "evaluate_runs": "assay.measure.api",
    "load_runs": "assay.measure.api",
    "memo_for": "assay.report.api",
    "gate": "assay.workflow.api",
    "prove": "assay.workflow.api",
    "set_state": "assay.workflow.api",
    "tier": "assay.workflow.api",
    "replay": "assay.scanners.llm.api",
}

if TYPE_CHECKING:
    from assay.measure.api import compare as compare
    from assay.measure.api import consensus_scan as consensus_scan
    from assay.measure.api import drift as drift
    from assay.measure.api import evaluate_runs as evaluate_runs
    from assay.measure.api import load_runs as load_runs
    from assay.report.api import memo_for as memo_for
    from assay.scanners.llm.api import replay as replay
    from assay.workflow.api import gate as gate
    from assay.workflow.api import prove as prove
    from assay.workflow.api import set_state as set_state
    from assay.workflow.api import tier as tier


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'assay.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Project", "ScanResult", "default_ledger", "locate_project", "scan", *sorted(_LAZY),
]
