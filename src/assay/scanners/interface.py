"""The scanner interface.

A scanner turns a snapshot into findings plus coverage. Most deterministic scanners work
file by file: they derive from `FileScanner` and run their analysis through its
`scan_files()`, which takes care of the per-file cache, unreadable files, snippets and
fingerprints' raw material. Scanners that look at the whole scope at once (an LLM agent,
an external review command) do all of `run()` themselves.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.errors import AssayError
from assay.ledger.interface import Ledger
from assay.ledger.result_cache import ResultCache
from assay.model import (
    CacheStats,
    Finding,
    FindingKind,
    RunStatus,
    ScannerInfo,
    SkippedFile,
    StageMetrics,
)
from assay.normalize.merge import MergePolicy
from assay.repo.diff import Diff
from assay.repo.interface import Snapshot

Progress = Callable[[str, int, int], None]
"""Called as progress(scanner, files_done, files_total)."""


class ScannerError(AssayError):
    """A scanner is misconfigured or unknown (a scanner that fails at run time is data)."""


@dataclass(frozen=True)
class ScanContext:
    """What a scanner gets: the snapshot, the files in scope and the run's settings.

    `diff` (from `--diff`) narrows what LLM scanners review to the changed hunks; `fresh`
    (from `--fresh`) bypasses the LLM result cache.
    """

    snapshot: Snapshot
    files: tuple[str, ...]
    state_dir: Path
    jobs: int = 1
    use_cache: bool = True
    cache: ResultCache | None = None
    max_file_size: int = 2_000_000
    progress: Progress | None = None
    options: tuple[tuple[str, str], ...] = ()
    run_id: str = ""
    ledger: Ledger | None = None
    diff: Diff | None = None
    fresh: bool = False
    hand_off: Callable[[], None] | None = None
    """Called by a scanner analyzing in assay's own interpreter (`Scanner.in_process`)
    right before it analyzes anything: the runner's wait for the other scanners to hand
    their work to processes of their own."""
    reached_by: Callable[[str], str] | None = None
    """For a file on a test path, the production file that imports or names it ('' when
    none: then it is test code; see normalize/testreach.py), worked out once a scan and
    shared with the severity policy. None: a scanner treats every test path as test
    code, or works it out itself."""

    def option(self, name: str, default: str = "") -> str:
        """A free-form option passed down from the configuration."""
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class SliceMetrics:
    """What cutting files down for an engine did over a scan: the files the engine ran on,
    how many of them were cut, their bytes before and after, the files left out (nothing
    in them the engine could report) and the seconds it took."""

    seconds: float = 0.0
    files: int = 0
    sliced: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    left_out: int = 0


@dataclass(frozen=True)
class ScannerResult:
    """What one scanner produced for one run.

    Besides findings and coverage, what the runner acts on: `gated_cwes` and
    `merge_policy` (set by a dataflow scanner: the CWEs for which its findings decide a
    pattern-only scanner's, and what becomes of those none of its findings confirms),
    `pattern_rules` (set by a pattern-only scanner: its rules whose findings a dataflow
    scanner decides) and `import_rules` (those of them that report an import, not a
    use), `warnings` for the user, and `slicing` metrics. `extra` is what
    the scanner records about itself in the run's provenance (a document, never read
    back).
    """

    info: ScannerInfo
    findings: tuple[Finding, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    analyzed: frozenset[str] = frozenset()
    status: RunStatus = RunStatus.COMPLETE
    reason: str = ""
    stages: tuple[StageMetrics, ...] = ()
    cache: CacheStats = field(default_factory=CacheStats)
    extra: tuple[tuple[str, str], ...] = ()
    gated_cwes: frozenset[int] = frozenset()
    merge_policy: MergePolicy | None = None
    pattern_rules: frozenset[str] | None = None
    import_rules: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    slicing: SliceMetrics | None = None


class Scanner(abc.ABC):
    """A source of findings."""

    name: str = ""
    kind: FindingKind = FindingKind.DETERMINISTIC
    # whether the scanner analyzes in assay's own interpreter (Bandit), rather than in
    # processes of its own or across the network: see the runner
    in_process: bool = False

    @abc.abstractmethod
    def info(self) -> ScannerInfo:
        """Name, version and rules hash; must be cheap (it keys the cache)."""

    @abc.abstractmethod
    def run(self, ctx: ScanContext) -> ScannerResult:
        """Scan the files of `ctx`. Failures are reported in the result, not raised."""

    def applies_to(self, path: str) -> bool:
        """Whether a file is in this scanner's scope (Python sources by default)."""
        return path.endswith(".py")

    def select(self, files: Sequence[str]) -> tuple[str, ...]:
        """The subset of `files` this scanner analyzes."""
        return tuple(f for f in files if self.applies_to(f))
