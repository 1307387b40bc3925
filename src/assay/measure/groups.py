"""Like-for-like groups of runs: same commit, same scope, same scanner configuration.

Two runs measure the same thing only when they looked at the same code (commit and what
they covered: the whole tree, a directory, a diff's changed files, a path set) with the
same scanner configuration (assay's configuration hash and every scanner's rules hash).
Drift, compare, eval, consensus and the memo measure within such a group and never pool
runs of different groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from assay.measure.errors import MeasureError
from assay.model import Run

SHORT = 12


@dataclass(frozen=True, order=True)
class GroupKey:
    """What a group of comparable runs shares.

    `commit` is '' for runs without one; `scope` is `Target.scope_key`; `config` hashes
    the configuration hash and each scanner's name, version and rules hash.
    """

    commit: str
    scope: str
    config: str


@dataclass(frozen=True)
class RunGroup:
    """Runs of one group, with the words that say which group it is."""

    key: GroupKey
    scope_label: str
    runs: tuple[Run, ...]

    @property
    def commit(self) -> str | None:
        """The group's commit (None for runs without one)."""
        return self.key.commit or None

    @property
    def label(self) -> str:
        """`commit 1a2b3c4d5e6f, whole tree, configuration 9f8e7d6c5b4a`."""
        commit = self.key.commit[:SHORT] if self.key.commit else "(no commit)"
        return f"commit {commit}, {self.scope_label}, configuration {self.key.config[:SHORT]}"


def config_key(run: Run) -> str:
    """A hash of what configured the run's scanners (not the scanners' set itself)."""
    prov = run.provenance
    parts = [prov.config_hash, *sorted(f"{s.name}@{s.version}={s.rules_hash}"
                                       for s in prov.scanners)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def group_key(run: Run) -> GroupKey:
    """The group a run belongs to."""
    return GroupKey(run.target.commit or "", run.target.scope_key, config_key(run))


def group_runs(runs: Sequence[Run]) -> list[RunGroup]:
    """Runs split into groups, sorted by key; each group keeps the runs' order."""
    groups: dict[GroupKey, list[Run]] = {}
    for run in runs:
        groups.setdefault(group_key(run), []).append(run)
    return [RunGroup(key, members[0].target.scope_label, tuple(members))
            for key, members in sorted(groups.items())]


def one_group(runs: Sequence[Run], what: str, *, same_config: bool = True) -> RunGroup:
    """The one group all `runs` belong to; MeasureError naming the groups otherwise.

    With `same_config=False` runs may differ in configuration (compare measures exactly
    that) but must share commit and scope.
    """
    if not runs:
        raise MeasureError(f"no runs to {what}", "pass run ids or files")
    groups = group_runs(runs)
    if not same_config:
        keys = {(g.key.commit, g.key.scope) for g in groups}
        if len(keys) == 1:
            return RunGroup(groups[0].key, groups[0].scope_label, tuple(runs))
    if len(groups) > 1:
        shown = "; ".join(f"{g.label} ({len(g.runs)} run{'s' * (len(g.runs) != 1)})"
                          for g in groups)
        raise MeasureError(f"{what} needs runs of one commit and scope, got {len(groups)} "
                           f"groups: {shown}",
                           "pass runs of the same commit that covered the same files "
                           "(see `assay runs`); measure each group on its own")
    return groups[0]
