"""The typed core of assay. The CLI is a thin layer over these functions.

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
from typing import TYPE_CHECKING

from assay.config import Config
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
from assay.state import cache_dir_for, ledger_dir_for
from assay.trust import LoadedConfig, load_config

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
    """A project resolved: its root, configuration and state directory (outside the tree)."""

    root: Path
    config: LoadedConfig
    state_dir: Path
    warnings: tuple[str, ...]
    ledger_dir: Path | None = None


def locate_project(path: str | Path = ".", config_path: Path | None = None, *,
                   base: str | None = None, head: str | None = None) -> Project:
    """The project PATH belongs to: the git work tree around it, else the directory.

    `base` (the base commit of a scanned change) supplies operator configuration; `head`
    (the scanned commit) the tree's, instead of the working tree's files.
    """
    target = Path(path).absolute()
    if not target.exists() and not target.is_symlink():
        raise RepoError(f"path does not exist: {path}", "pass a directory or file to scan")
    root = git.toplevel(target)
    if root is None:
        root = target if target.is_dir() else target.parent
    root = root.resolve()
    loaded = load_config(root, config_path, base=base, head=head)
    cache, ledger_dir = cache_dir_for(root), ledger_dir_for(root)
    warnings = loaded.warnings + tuple(w for w in (cache.warning, ledger_dir.warning) if w)
    return Project(root, loaded, cache.path, warnings, ledger_dir.path)


def default_ledger(project: Project, override: str | Path | None = None) -> str | Path:
    """The ledger to use: explicit, then the operator's `scan.ledger`, then the project's
    ledger in the user's state directory. A ledger file git tracks in the scanned tree is
    refused (anyone who can commit could have written its runs and states)."""
    if override:
        chosen: str | Path = override
    elif project.config.config.scan.ledger:
        configured = project.config.config.scan.ledger
        chosen = configured if "://" in configured else project.root / configured
    else:
        return (project.ledger_dir or project.state_dir) / "ledger.db"
    _refuse_tracked(project.root, chosen)
    return chosen


def _refuse_tracked(root: Path, ledger: str | Path) -> None:
    text = str(ledger)
    if "://" in text and not text.startswith("sqlite:///"):
        return
    path = Path(text.removeprefix("sqlite:///")).absolute().resolve()
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return
    if (root / ".git").exists() and git.run_git(root, ["ls-files", "-z", "--", relative]):
        raise UsageError(f"the ledger {relative} is tracked by git in the scanned tree",
                         "a committed ledger could carry planted runs and states: pass "
                         "--ledger with a file outside the checkout")


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
        extra_provenance=config_provenance(project.config))
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


def _diff_ends(diff: str | None) -> tuple[str | None, str | None]:
    """The base and head a `--diff` range names (None, None without one)."""
    if diff is None:
        return None, None
    base, head, _ = parse_range(diff)
    return base, head


def config_provenance(loaded: LoadedConfig) -> tuple[tuple[str, str], ...]:
    """What a run records of its configuration: the sources, and what the tree's file
    asked for that was not applied."""
    out = [("config_source", loaded.describe())]
    if loaded.ignored:
        out.append(("config_ignored", "; ".join(f"{i.source}: {i.key}" for i in loaded.ignored)))
    return tuple(out)


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
