"""Review coverage of an LLM scanner: which in-scope files the model actually read.

A file counts as reviewed only when the model read it with `read_file` (single-shot: when
every request carrying it returned a usable reply); in a diff review,
only when a read covered one of the file's changed line ranges (a file whose change has
no line ranges, such as a mode change, counts when it was read at all). Every in-scope
file left unread is listed in the run's coverage: `not-reviewed` (a gap: the run is
incomplete) when the share of reviewed files is below the scanner's threshold, else
`not-reviewed-within-threshold` (listed, no gap). See docs/llm.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from assay.model import RunStatus, SkippedFile, SkipReason
from assay.scanners.interface import ScannerResult
from assay.scanners.llm.scope import Ranges, Scope

DIFF_THRESHOLD = 1.0
"""Default share of a diff review's changed files the model must read: every one."""
TREE_THRESHOLD = 0.5
"""Default share of a whole-tree review's files the model must read: half of them."""


@dataclass(frozen=True)
class ReviewCoverage:
    """Reviewed and unread files of one review, against the threshold that applied."""

    reviewed: frozenset[str]
    unread: tuple[str, ...]
    threshold: float

    @property
    def total(self) -> int:
        """Files in the review's scope."""
        return len(self.reviewed) + len(self.unread)

    @property
    def share(self) -> float:
        """Reviewed files over files in scope (1.0 for an empty scope)."""
        return len(self.reviewed) / self.total if self.total else 1.0

    @property
    def met(self) -> bool:
        """True when the review read enough of its scope to be complete."""
        return self.share >= self.threshold - 1e-9

    def reason(self, name: str) -> str:
        """Why the review is incomplete, in one line."""
        return (f"review coverage {len(self.reviewed)}/{self.total} files ({self.share:.0%}) "
                f"is below {name}'s threshold of {self.threshold:.0%} (min_review_coverage): "
                f"{len(self.unread)} in-scope file(s) not reviewed")


def threshold_of(configured: float | None, scope: Scope) -> float:
    """The configured threshold, else the default for a diff or a whole-tree review."""
    if configured is not None:
        return configured
    return DIFF_THRESHOLD if scope.diff_base else TREE_THRESHOLD


def _touches(read: Sequence[tuple[int, int]], changed: Ranges) -> bool:
    """True when one read range covers a changed range (a deletion before line n counts
    when line n-1 or n was read)."""
    if not changed:
        return bool(read)
    for start, end in changed:
        low, high = (start, end) if end >= start else (max(end, 1), start)
        if any(a <= high and low <= b for a, b in read):
            return True
    return False


def measure(scope: Scope, read: Mapping[str, Sequence[tuple[int, int]]],
            configured: float | None) -> ReviewCoverage:
    """Which files of `scope` the model reviewed, given the line ranges it read."""
    if scope.diff_base:
        changes = dict(scope.changes)
        reviewed = frozenset(p for p in scope.files if _touches(read.get(p, ()), changes[p]))
    else:
        reviewed = frozenset(p for p in scope.files if read.get(p))
    unread = tuple(sorted(p for p in scope.files if p not in reviewed))
    return ReviewCoverage(reviewed, unread, threshold_of(configured, scope))


def outcome(name: str, status: RunStatus, reason: str,
            coverage: ReviewCoverage) -> tuple[RunStatus, str]:
    """The review's status and reason once its coverage is judged (a review that already
    stopped early keeps its own reason)."""
    if coverage.met or status is RunStatus.INCOMPLETE:
        return status, reason
    return RunStatus.INCOMPLETE, coverage.reason(name)


def apply(result: ScannerResult, coverage: ReviewCoverage,
          details: Mapping[str, str] | None = None) -> ScannerResult:
    """`result` with its analyzed files, unread files and status set by `coverage`: a
    review that stopped early or read too little is incomplete and its unread files are
    gaps. `details` says why a file was not reviewed, where the harness knows (default:
    the model did not read it)."""
    gap = not coverage.met or result.status is RunStatus.INCOMPLETE
    why = SkipReason.NOT_REVIEWED if gap else SkipReason.NOT_REVIEWED_WITHIN_THRESHOLD
    detail = f"the model did not read it (threshold {coverage.threshold:.0%})"
    known = details or {}
    skipped = tuple(SkippedFile(p, why, result.info.name, known.get(p, detail))
                    for p in coverage.unread)
    status, reason = outcome(result.info.name, result.status, result.reason, coverage)
    return replace(result, analyzed=coverage.reviewed, skipped=result.skipped + skipped,
                   status=status, reason=reason)


def of_cached(scope: Scope, analyzed: frozenset[str], configured: float | None,
              ) -> ReviewCoverage:
    """The coverage of a cached result, whose analyzed files are the ones it reviewed."""
    whole = ((1, 1 << 31),)
    return measure(scope, {p: whole for p in analyzed}, configured)
