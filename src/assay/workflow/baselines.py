"""Where a gate's baseline comes from: a SARIF file, a recorded run, or a git revision.

`--baseline REF` is read as a SARIF file when REF is an existing file (or names a
`.sarif`/`.json` file), as a run id when the ledger has a run by that id or prefix, and
as a git revision otherwise; a revision is scanned with the gate's deterministic
scanners (from the result cache where possible), limited to the gate's scope. Without
`--baseline`, a gate with `--diff` uses the diff's base commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assay.ledger.interface import LedgerError
from assay.ledger.sqlite import SqliteLedger
from assay.repo import git
from assay.repo.interface import RepoError, Snapshot
from assay.repo.snapshot import open_snapshot
from assay.workflow.baseline import Baseline, read_sarif_baseline
from assay.workflow.errors import BaselineError
from assay.workflow.scanning import ScanSetup, ScopedSnapshot, scan_snapshot

_RUN_ID = re.compile(r"\d{8}T\d{6}Z(-[0-9a-f]*)?")


@dataclass(frozen=True)
class BaselineSource:
    """What resolving a baseline needs from the gate."""

    root: Path
    target: Path
    setup: ScanSetup
    ledger: SqliteLedger
    scanners: Sequence[str]
    now: datetime
    diff_base: str | None = None
    scope: set[str] | None = None


def resolve_baseline(ref: str | None, source: BaselineSource) -> Baseline:
    """The baseline `ref` names (default: the diff's base commit)."""
    if ref is None:
        if source.diff_base is None:
            raise BaselineError("no baseline given", "pass --baseline REF or --diff BASE")
        return scan_revision(source.diff_base, source)
    path = Path(ref)
    if path.is_file() or path.suffix.lower() in (".sarif", ".json"):
        return read_sarif_baseline(path, str(source.root))
    run = _recorded(ref, source.ledger)
    if run is not None:
        return run
    try:
        commit = git.resolve_commit(source.root, ref)
    except RepoError:
        raise BaselineError(
            f"baseline {ref!r} is not a SARIF file, a run in the ledger or a git revision",
            "pass a SARIF file, a run id from `assay runs`, or a commit/branch name") from None
    return scan_revision(commit, source)


def _recorded(ref: str, ledger: SqliteLedger) -> Baseline | None:
    text = ref.removeprefix("run:")
    if not (ref.startswith("run:") or _RUN_ID.fullmatch(text)):
        return None
    try:
        run = ledger.get_run(text)
    except LedgerError as exc:
        raise BaselineError(f"baseline: {exc.message}", exc.hint) from None
    return Baseline.from_run(run, f"run:{run.id}")


def scan_revision(commit: str, source: BaselineSource) -> Baseline:
    """Scan commit `commit` (limited to the gate's scope) as the baseline."""
    snapshot: Snapshot = open_snapshot(source.target, commit, source.root)
    if source.scope is not None:
        snapshot = ScopedSnapshot(snapshot, source.scope)
    run = scan_snapshot(source.setup, snapshot, source.scanners, source.now, source.ledger)
    return Baseline.from_run(run, f"rev:{commit[:12]}")
