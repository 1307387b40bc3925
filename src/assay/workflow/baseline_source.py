"""Where a gate's baseline comes from: a SARIF file, a recorded run, or a git revision.

`--baseline REF` is read as a SARIF file when REF is an existing file (or names a
`.sarif`/`.json` file), as a run id when the ledger has a run by that id or prefix, and
as a git revision otherwise. For a revision, a complete whole-tree run recorded at that
commit with the same configuration, assay and scanner versions is used when the ledger
has one (CI scanned the target branch; a run over a path set, a diff's files or one
directory never stands in for the whole tree, however recent); otherwise the revision
is scanned with the gate's deterministic scanners (from the result cache where
possible), limited to the gate's scope. Without `--baseline`, a gate with `--diff` uses
the diff's base commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assay import __version__
from assay.ledger.interface import Ledger, LedgerError, ScanQuery
from assay.model import ScannerInfo
from assay.repo import git
from assay.repo.interface import RepoError, Snapshot
from assay.repo.snapshot import open_snapshot
from assay.scanners.registry import build_scanner
from assay.workflow.baseline import Baseline, read_sarif_baseline
from assay.workflow.errors import BaselineError
from assay.workflow.scanning import ScanSetup, ScopedSnapshot, WholeSnapshot, scan_snapshot

_RUN_ID = re.compile(r"\d{8}T\d{6}Z(-[0-9a-f]*)?")


@dataclass(frozen=True)
class BaselineSource:
    """What resolving a baseline needs from the gate."""

    root: Path
    target: Path
    setup: ScanSetup
    ledger: Ledger
    scanners: Sequence[str]
    now: datetime
    diff_base: str | None = None
    scope: set[str] | None = None

    def scanner_infos(self) -> list[ScannerInfo]:
        """Name and version of each scanner the baseline must come from."""
        config = self.setup.config.config
        return [build_scanner(name, config).info() for name in self.scanners]


def resolve_baseline(ref: str | None, source: BaselineSource) -> Baseline:
    """The baseline `ref` names (default: the diff's base commit)."""
    if ref is None:
        if source.diff_base is None:
            raise BaselineError("no baseline given", "pass --baseline REF or --diff BASE")
        return revision_baseline(source.diff_base, source)
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
    return revision_baseline(commit, source)


def _recorded(ref: str, ledger: Ledger) -> Baseline | None:
    text = ref.removeprefix("run:")
    if not (ref.startswith("run:") or _RUN_ID.fullmatch(text)):
        return None
    try:
        run = ledger.get_run(text)
    except LedgerError as exc:
        raise BaselineError(f"baseline: {exc.message}", exc.hint) from None
    return Baseline.from_run(run, f"run:{run.id}")


def revision_baseline(commit: str, source: BaselineSource) -> Baseline:
    """Commit `commit` as the baseline: a recorded scan of it when one matches, else a scan."""
    return recorded_scan(commit, source) or scan_revision(commit, source)


def recorded_scan(commit: str, source: BaselineSource) -> Baseline | None:
    """The newest complete whole-tree run at `commit` made with this configuration, this
    assay and the same scanner versions (a scan CI recorded on the target branch); runs
    over some files only are skipped."""
    wanted = frozenset((s.name, s.version) for s in source.scanner_infos())
    run = source.ledger.latest_scan(
        ScanQuery(commit, source.setup.config.hash, __version__, wanted))
    return None if run is None else Baseline.from_run(run, f"run:{run.id}")


def scan_revision(commit: str, source: BaselineSource) -> Baseline:
    """Scan commit `commit` (limited to the gate's scope) as the baseline."""
    full = open_snapshot(source.target, commit, source.root)
    snapshot: Snapshot = full
    context = None
    if source.scope is not None:
        snapshot, context = ScopedSnapshot(full, source.scope), WholeSnapshot(full)
    run = scan_snapshot(source.setup, snapshot, source.scanners, source.now, source.ledger,
                        context)
    return Baseline.from_run(run, f"rev:{commit[:12]}")
