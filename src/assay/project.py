"""The project a command works on: its root, its configuration (with trust levels) and
where its state lives (cache directory, default ledger). Every use case starts here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assay.errors import UsageError
from assay.ledger import default_ledger_file
from assay.repo import RepoError, git
from assay.state import cache_dir_for, ledger_dir_for
from assay.trust import LoadedConfig, load_config


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
    outside_git = root is None
    if root is None:
        root = target if target.is_dir() else target.parent
    root = root.resolve()
    loaded = load_config(root, config_path, base=base, head=head)
    cache, ledger_dir = cache_dir_for(root), ledger_dir_for(root)
    warnings = loaded.warnings + tuple(w for w in (cache.warning, ledger_dir.warning) if w)
    if outside_git:
        warnings += (f"{root} is not in a git repository: every file below it is scanned "
                     "(no .gitignore applies) and runs record no commit",)
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
        return default_ledger_file(project.ledger_dir or project.state_dir)
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


def config_provenance(loaded: LoadedConfig) -> tuple[tuple[str, str], ...]:
    """What a run records of its configuration: the sources, and what the tree's file
    asked for that was not applied."""
    out = [("config_source", loaded.describe())]
    if loaded.ignored:
        out.append(("config_ignored", "; ".join(f"{i.source}: {i.key}" for i in loaded.ignored)))
    return tuple(out)
