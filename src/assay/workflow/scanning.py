"""Scans for the gate: a snapshot limited to the changed files, run like `assay scan`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from assay.ledger.interface import Ledger
from assay.ledger.result_cache import open_result_cache
from assay.model import Run, ScannerInfo, new_run_id
from assay.normalize.policy import OnTestCode, Policy
from assay.repo.diff import Diff, compute_diff, parse_range
from assay.repo.globs import compile_excludes
from assay.repo.interface import Snapshot
from assay.repo.snapshot import open_snapshot
from assay.scanners.interface import Progress, ScanContext, Scanner, ScannerResult
from assay.scanners.registry import build_scanner
from assay.scanners.runner import RunSettings, partition, run_scanners
from assay.trust import LoadedConfig


class ScopedSnapshot(Snapshot):
    """A view of `inner` that holds only `paths` (the changed files of a diff)."""

    def __init__(self, inner: Snapshot, paths: Iterable[str], diff_base: str | None = None,
                 ) -> None:
        keep = set(paths)
        # the run records what it covered: these files (of a diff, when it has a base)
        target = replace(inner.target, diff_base=diff_base or inner.target.diff_base,
                         files=tuple(sorted(keep)))
        super().__init__(inner.root, target, (f for f in inner.files if f.path in keep))
        self.inner = inner

    def whole(self) -> Snapshot:
        """The underlying snapshot of the whole tree."""
        return self.inner.whole()

    def content_id(self, path: str) -> str:
        """The blob id, from the underlying snapshot."""
        return self.inner.content_id(path)

    def read(self, path: str) -> bytes:
        """The file's bytes, from the underlying snapshot."""
        return self.inner.read(path)

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Several files at once, from the underlying snapshot."""
        return self.inner.read_many(paths)

    def materialize(self, paths: Iterable[str], scratch: Path) -> Path:
        """Delegated to the underlying snapshot."""
        return self.inner.materialize(paths, scratch)


class WholeSnapshotScanner(Scanner):
    """A scanner in a run limited to some files that still reads the whole snapshot.

    Deterministic scanners analyze only the files in scope (`ctx.files`), while what they
    read across files (Semgrep's pre-pass of function summaries) sees every file, so the
    gate reports what `assay scan` would for those files. LLM scanners get every file and
    the diff: they review the changed hunks and read whatever context they ask for.
    """

    def __init__(self, inner: Scanner, full: Snapshot, files: tuple[str, ...] | None = None,
                 diff: Diff | None = None) -> None:
        self.inner, self.full, self.files, self.diff = inner, full, files, diff
        self.name, self.kind = inner.name, inner.kind

    def info(self) -> ScannerInfo:
        """The wrapped scanner's identity."""
        return self.inner.info()

    def applies_to(self, path: str) -> bool:
        """The wrapped scanner's file selection."""
        return self.inner.applies_to(path)

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Run the wrapped scanner with the whole snapshot (and the diff, for LLM ones)."""
        if self.files is None:
            return self.inner.run(replace(ctx, snapshot=self.full))
        return self.inner.run(replace(ctx, snapshot=self.full, files=self.files,
                                      diff=self.diff))


@dataclass(frozen=True)
class WholeSnapshot:
    """The whole snapshot behind a scope-limited run, the diff, and the LLM scanners."""

    full: Snapshot
    diff: Diff | None = None
    llm: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanSetup:
    """What every scan of one gate shares."""

    config: LoadedConfig
    state_dir: Path
    jobs: int | None = None
    no_cache: bool = False
    progress: Progress | None = None
    provenance: tuple[tuple[str, str], ...] = ()


def scan_snapshot(setup: ScanSetup, snapshot: Snapshot, names: Sequence[str], now: datetime,
                  ledger: Ledger | None = None, context: WholeSnapshot | None = None,
                  ) -> Run:
    """Scan `snapshot` with the scanners `names` (a run, not yet recorded)."""
    config = setup.config.config
    is_excluded = compile_excludes(config.scan.exclude)
    built = [build_scanner(n, config) for n in dict.fromkeys(names)]
    if context is not None:
        built = [_whole(s, context, is_excluded) for s in built]
    cache = open_result_cache(setup.state_dir)
    run_id = new_run_id(now)
    ctx = ScanContext(
        snapshot=snapshot, files=(), state_dir=setup.state_dir, run_id=run_id, ledger=ledger,
        jobs=setup.jobs or config.scan.jobs or os.cpu_count() or 1,
        use_cache=not setup.no_cache, cache=cache if cache.available else None,
        max_file_size=config.scan.max_file_size, progress=setup.progress)
    settings = RunSettings(
        run_id=run_id, config_hash=setup.config.hash, ctx=ctx,
        is_excluded=is_excluded, started_at=now,
        extra_provenance=setup.provenance,
        policy=Policy(OnTestCode(config.scan.test_code)))
    try:
        return run_scanners(snapshot, built, settings)
    finally:
        cache.close()


def _whole(scanner: Scanner, context: WholeSnapshot,
           is_excluded: Callable[[str], bool]) -> Scanner:
    if scanner.name not in context.llm:
        return WholeSnapshotScanner(scanner, context.full)
    files, _ = partition(context.full, [scanner], is_excluded)
    return WholeSnapshotScanner(scanner, context.full, files, context.diff)


def open_change(path: str | Path, diff: str) -> tuple[Snapshot, Diff, str | None]:
    """The snapshot a `--diff` range scans (its head, else the work tree) and the diff."""
    base, head, merge_base = parse_range(diff)
    snapshot = open_snapshot(path, head)
    return snapshot, compute_diff(snapshot, base, merge_base, head), head
