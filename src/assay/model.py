"""Domain values shared by every part of assay.

This module is the floor of the package: it imports nothing from assay. Every value is a
frozen dataclass so that findings and runs can be hashed, compared and shared between
threads and processes without defensive copies.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NewType

RunId = NewType("RunId", str)
Fingerprint = NewType("Fingerprint", str)


def new_run_id(now: datetime | None = None) -> RunId:
    """A unique, time-ordered run id: 20261125T174905Z-3f9a1c2b."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return RunId(f"{stamp}-{secrets.token_hex(4)}")


class Severity(enum.StrEnum):
    """One severity scale for every scanner, ordered from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is more severe (critical=4 .. info=0)."""
        return _SEVERITY_RANK[self]

    @property
    def security_severity(self) -> str:
        """The CVSS-like number GitHub reads from SARIF `security-severity`."""
        return _SECURITY_SEVERITY[self]

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is at or above `threshold`."""
        return self.rank >= threshold.rank

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse a severity name, case-insensitively; raises ValueError on anything else."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


class Confidence(enum.StrEnum):
    """How sure the scanner is that the finding is real."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FindingKind(enum.StrEnum):
    """Who produced a finding: only deterministic and proven LLM findings may block."""

    DETERMINISTIC = "deterministic"
    LLM = "llm"
    HUMAN = "human"


class Verification(enum.StrEnum):
    """Whether the evidence a finding cites checks out against the snapshot.

    `unsupported` marks a phantom finding: it quotes code that is not in the file.
    """

    NOT_APPLICABLE = "n/a"
    SUPPORTED = "supported"
    UNSUPPORTED = "unsupported"


class RunStatus(enum.StrEnum):
    """A run is complete only when every in-scope file was analyzed by every scanner."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class SkipReason(enum.StrEnum):
    """Why a file was not analyzed."""

    EXCLUDED = "excluded"
    SYMLINK = "symlink"
    SYMLINK_OUTSIDE = "symlink-outside"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too-large"
    SYNTAX_ERROR = "syntax-error"
    SCANNER_ERROR = "scanner-error"
    SCANNER_MISSING = "scanner-missing"
    TIMEOUT = "timeout"
    NOT_REVIEWED = "not-reviewed"
    NOT_REVIEWED_WITHIN_THRESHOLD = "not-reviewed-within-threshold"

    @property
    def counts_against_coverage(self) -> bool:
        """Excluded files and symlinks that lead to no file are out of scope, and a file an
        LLM review left unread while still meeting its review-coverage threshold is listed
        but no gap; every other skip (a link out of the tree included) leaves a gap."""
        return self not in (SkipReason.EXCLUDED, SkipReason.SYMLINK,
                            SkipReason.NOT_REVIEWED_WITHIN_THRESHOLD)


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based, inclusive line range with optional 1-based columns."""

    start_line: int
    end_line: int
    start_col: int | None = None
    end_col: int | None = None

    def __post_init__(self) -> None:
        if self.start_line < 1:
            raise ValueError(f"start_line must be >= 1, got {self.start_line}")
        if self.end_line < self.start_line:
            raise ValueError(f"end_line {self.end_line} is before start_line {self.start_line}")

    def overlaps(self, other: Span, tolerance: int = 0) -> bool:
        """True when the two line ranges overlap once each is widened by `tolerance` lines."""
        return (
            self.start_line - tolerance <= other.end_line
            and other.start_line - tolerance <= self.end_line
        )


@dataclass(frozen=True)
class ProofSketch:
    """What an LLM says would demonstrate a finding: inputs, trust boundary, failing test."""

    inputs: str = ""
    trust_boundary: str = ""
    failing_test: str = ""


class FlowRole(enum.StrEnum):
    """What happens at one step of a flow: data enters, passes a name, or reaches a sink."""

    SOURCE = "source"
    STEP = "step"
    SINK = "sink"


@dataclass(frozen=True)
class FlowStep:
    """One step of the path attacker data takes to a finding: where (`path`, `line`),
    what happens there (`role`) and the code there (`code`: the source expression, the
    name the data passes through, the sink call; text of the scanned tree)."""

    path: str
    line: int
    role: FlowRole
    code: str = ""

    def __post_init__(self) -> None:
        if self.line < 1:
            raise ValueError(f"a flow step's line must be >= 1, got {self.line}")


FLOW_CODE_CHARS = 40  # the code a flow clause quotes at each step, at most


def flow_clause(steps: Sequence[FlowStep]) -> str:
    """A flow in one short clause: `request.args` at views.py:12 \u2192 get_user() \u2192
    `cursor.execute(...)` at db.py:41 ('' without steps). Of the steps between source
    and sink only the calls are named (a helper the data passes through), not every
    variable; the sink by its call when the step names one (`name(...)`: the sink inside
    a helper), else as `sink` (Semgrep gives the argument that reaches it)."""
    parts = []
    for step in steps:
        code = " ".join(step.code.split())
        if len(code) > FLOW_CODE_CHARS:
            code = code[:FLOW_CODE_CHARS - 3] + "..."
        if step.role is FlowRole.SOURCE:
            parts.append(f"`{code}` at {step.path}:{step.line}" if code
                         else f"source at {step.path}:{step.line}")
        elif step.role is FlowRole.SINK:
            what = f"`{code}`" if code.endswith("(...)") else "sink"
            parts.append(f"{what} at {step.path}:{step.line}")
        elif code.endswith("()"):
            parts.append(code)
    return " \u2192 ".join(parts)


@dataclass(frozen=True)
class Finding:
    """One normalized finding.

    `fingerprint` is stable across line shifts and unrelated edits (see
    `assay.normalize.fingerprint`); `key()` is the coarser identity used by overlap metrics.
    `sources` lists every engine rule that reported this finding (more than one when
    engines agree and the findings were merged). `flow` is the path attacker data takes to
    it (source first, sink last; empty when the engine reports none): it is not part of
    the finding's identity, and its fingerprint does not depend on it.
    """

    scanner: str
    rule_id: str
    path: str
    span: Span
    severity: Severity
    confidence: Confidence
    message: str
    cwe: int | None = None
    kind: FindingKind = FindingKind.DETERMINISTIC
    fingerprint: Fingerprint = Fingerprint("")
    line_hash: str = ""
    snippet: str = ""
    sources: tuple[str, ...] = ()
    rationale: str = ""
    proof_sketch: ProofSketch | None = None
    quote: str = ""
    verification: Verification = Verification.NOT_APPLICABLE
    tags: tuple[str, ...] = ()
    flow: tuple[FlowStep, ...] = ()

    @property
    def phantom(self) -> bool:
        """True when the finding quotes code that is not in the file (`unsupported`): it is
        listed apart and never counted among findings."""
        return self.verification is Verification.UNSUPPORTED

    @property
    def family(self) -> str:
        """CWE when known (`CWE-89`), else the rule id: the unit findings are compared by."""
        return f"CWE-{self.cwe}" if self.cwe is not None else self.rule_id

    def key(self) -> tuple[str, str, int, int]:
        """The finding key of the overlap metrics: (family, path, start line, end line)."""
        return (self.family, self.path, self.span.start_line, self.span.end_line)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """A total order used everywhere output must be deterministic."""
        return (
            self.path,
            self.span.start_line,
            self.span.start_col or 0,
            self.family,
            self.rule_id,
            self.fingerprint,
        )


@dataclass(frozen=True, order=True)
class SkippedFile:
    """A file that was not analyzed, by which scanner ('' for all) and why."""

    path: str
    reason: SkipReason
    scanner: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Coverage:
    """What a run analyzed and what it did not, with reasons.

    `in_scope` counts files the scanners were expected to analyze; `analyzed` counts files
    every selected scanner analyzed. A run with a skip that counts against coverage is
    incomplete.
    """

    in_scope: int = 0
    analyzed: int = 0
    skipped: tuple[SkippedFile, ...] = ()

    @property
    def gaps(self) -> tuple[SkippedFile, ...]:
        """Skips that leave in-scope code unanalyzed."""
        return tuple(s for s in self.skipped if s.reason.counts_against_coverage)

    @property
    def complete(self) -> bool:
        """True when nothing in scope was left unanalyzed."""
        return not self.gaps

    def skipped_by_reason(self) -> dict[str, int]:
        """Count of skipped files per reason, for summaries."""
        counts: dict[str, int] = {}
        for skip in self.skipped:
            counts[skip.reason.value] = counts.get(skip.reason.value, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class ScannerInfo:
    """Identity of one scanner as it ran: the parts that make a result reproducible."""

    name: str
    version: str
    rules_hash: str = ""
    kind: FindingKind = FindingKind.DETERMINISTIC
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScannerOutcome:
    """How one scanner fared in a run."""

    name: str
    status: RunStatus
    reason: str = ""


@dataclass(frozen=True)
class Target:
    """What was scanned: a directory (working tree) or a commit of a git repository.

    `scope` is the directory scanned ("." for the whole tree). `files`, when not empty,
    limits the run to those paths: a diff's changed files (with `diff_base` naming the
    diff's base) or a path set. Two runs cover the same code only when their `scope_key`
    and commit agree.
    """

    root: str
    scope: str = "."
    rev: str | None = None
    commit: str | None = None
    dirty: bool = False
    diff_base: str | None = None
    files: tuple[str, ...] = ()

    @property
    def scope_kind(self) -> str:
        """`diff` (changed files of a diff), `paths` (a path set) or `tree` (every file)."""
        if self.diff_base is not None:
            return "diff"
        return "paths" if self.files else "tree"

    @property
    def scope_key(self) -> str:
        """What the run covered, as one comparable string (the files by their hash)."""
        listed = hashlib.sha256("\n".join(sorted(self.files)).encode()).hexdigest()[:16] \
            if self.files else ""
        return f"{self.scope_kind}:{self.scope or '.'}:{self.diff_base or ''}:{listed}"

    @property
    def scope_label(self) -> str:
        """What the run covered, in words: `whole tree`, `src/`, `diff abc..def (3 files)`."""
        where = "whole tree" if self.scope in (".", "") else f"{self.scope}/"
        count = f"{len(self.files)} file{'s' * (len(self.files) != 1)}"
        if self.diff_base is not None:
            head = (self.commit or "work tree")[:12]
            changed = f" ({count})" if self.files else ""
            return f"diff {self.diff_base[:12]}..{head}{changed}"
        return f"{count} of {where}" if self.files else where


@dataclass(frozen=True)
class Provenance:
    """Everything needed to say what produced a run and to rebuild it."""

    assay_version: str
    scanners: tuple[ScannerInfo, ...]
    config_hash: str
    target: Target
    python: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def rules_hash(self) -> str:
        """One hash over every scanner's rules hash (empty when no scanner has rules)."""
        parts = [f"{s.name}={s.rules_hash}" for s in self.scanners if s.rules_hash]
        if not parts:
            return ""
        return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


@dataclass(frozen=True)
class StageMetrics:
    """Measurements for one stage of a run (snapshot, scan:bandit, plan, explore, ...)."""

    name: str
    wall_seconds: float = 0.0
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    tool_calls: tuple[tuple[str, int], ...] = ()
    cost: float = 0.0


@dataclass(frozen=True)
class CacheStats:
    """Per-file cache hits and misses (a file counts once per scanner)."""

    hits: int = 0
    misses: int = 0
    saved_tokens: int = 0


@dataclass(frozen=True)
class Metrics:
    """The volatile part of a run: how long it took and what it cost."""

    started_at: str = ""
    wall_seconds: float = 0.0
    stages: tuple[StageMetrics, ...] = ()
    cache: CacheStats = field(default_factory=CacheStats)

    @property
    def tokens_in(self) -> int:
        """Input tokens over all stages."""
        return sum(s.tokens_in for s in self.stages)

    @property
    def tokens_out(self) -> int:
        """Output tokens over all stages."""
        return sum(s.tokens_out for s in self.stages)

    @property
    def cost(self) -> float:
        """Cost over all stages, in the currency of the configured price table."""
        return sum(s.cost for s in self.stages)


@dataclass(frozen=True)
class Run:
    """One pass of one or more scanners over one scope at one snapshot.

    Everything except `id` and `metrics` is a pure function of the inputs, which is what
    makes JSON and SARIF output byte-identical for identical inputs.
    """

    id: RunId
    status: RunStatus
    provenance: Provenance
    coverage: Coverage
    findings: tuple[Finding, ...]
    scanners: tuple[ScannerOutcome, ...] = ()
    reasons: tuple[str, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    properties: tuple[tuple[str, str], ...] = ()

    @property
    def complete(self) -> bool:
        """True when the run analyzed everything in scope."""
        return self.status is RunStatus.COMPLETE

    @property
    def target(self) -> Target:
        """The scanned target (shortcut to provenance)."""
        return self.provenance.target

    @property
    def scanner_names(self) -> tuple[str, ...]:
        """Names of the scanners that took part, in run order."""
        return tuple(s.name for s in self.provenance.scanners)

    def blocking(self, threshold: Severity,
                 proven: Collection[str] = frozenset()) -> tuple[Finding, ...]:
        """Findings at or above `threshold` that may block: deterministic and human ones,
        and LLM findings whose fingerprint is in `proven` (their state is `proven`).
        An unverified LLM finding never blocks, and a phantom one never counts."""
        return tuple(f for f in self.findings if f.severity.at_least(threshold)
                     and not f.phantom
                     and (f.kind is not FindingKind.LLM or f.fingerprint in proven))


def pairs(mapping: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Freeze a mapping into sorted (key, str(value)) pairs for a frozen dataclass field."""
    return tuple(sorted((str(k), str(v)) for k, v in mapping.items()))


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings in the canonical output order."""
    return tuple(sorted(findings, key=Finding.sort_key))
