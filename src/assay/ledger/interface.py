"""The ledger interface: runs, and what later stages attach to them.

A ledger is one object: the runs themselves (`Ledger`), plus one small store per kind of
record reached through it — `ledger.lifecycle` (findings under review and their
append-only audit log), `ledger.proofs`, `ledger.labels`, `ledger.traces` (LLM traces)
and `ledger.llm_cache`. SQLite implements each in `ledger/sqlite*.py`; another backend
implements the same classes. What the records mean (the state machine, labeling, the LLM
harness's payloads) is decided by the callers: the stores keep and return values.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from assay.errors import AssayError
from assay.model import Finding, FindingKind, Run, RunId, Span

if TYPE_CHECKING:  # measurement is not loaded for every ledger use
    from assay.measure.sampling import Sample


class LedgerError(AssayError):
    """The ledger cannot be opened, read or written."""


# --- runs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """One line of a run listing."""

    id: RunId
    started_at: str
    status: str
    scanners: tuple[str, ...]
    commit: str | None
    dirty: bool
    findings: int
    wall_seconds: float
    scope: str = "."
    """The directory scanned ("." for the whole tree)."""
    diff_base: str | None = None
    """The base commit when the run covered a diff's changed files."""
    files: int = 0
    """How many files the run was limited to (0: every file of the scope)."""


@dataclass(frozen=True)
class ScanQuery:
    """A recorded whole-tree scan that may stand in for scanning `commit` again."""

    commit: str
    config_hash: str
    assay_version: str
    scanners: frozenset[tuple[str, str]]  # (name, version): each must be in the run


# --- lifecycle and proofs ---------------------------------------------------------------


@dataclass(frozen=True)
class Sighting:
    """An LLM finding as one recorded run reported it, seen at the run's start."""

    run_id: str
    seen: str
    fingerprint: str
    scanner: str
    rule_id: str
    cwe: int | None
    severity: str
    path: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class TrackedRecord:
    """A finding under review as stored, with the state of its newest audit entry."""

    fingerprint: str
    scanner: str
    rule_id: str
    cwe: int | None
    severity: str
    path: str
    start_line: int
    end_line: int
    first_run: str
    first_seen: str
    last_run: str
    last_seen: str
    state: str


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log; `seq` is assigned by the store when it is appended."""

    fingerprint: str
    from_state: str | None
    to_state: str
    actor: str
    at: str
    reason: str
    evidence: tuple[tuple[str, str], ...]
    seq: int = 0


@dataclass(frozen=True)
class Reached:
    """When a tracked finding first reached a state, and when it was first seen."""

    scanner: str
    first_seen: str
    at: str


@dataclass(frozen=True)
class ProofRecord:
    """One run of a proof against a finding, as stored."""

    id: str
    fingerprint: str
    at: str
    actor: str
    source: str
    name: str
    sha256: str
    text: str
    commit: str | None
    dirty: bool
    verdict: str
    detail: str
    sandboxed: bool
    unsafe_no_sandbox: bool
    seconds: float
    report: str


class LifecycleStore(abc.ABC):
    """Findings under review, tracked by fingerprint, and their append-only audit log.

    States are the caller's words; a finding's current state is its newest entry's.
    """

    @abc.abstractmethod
    def sync(self, first_entry: Callable[[Sighting], AuditRecord],
             now: Callable[[], str]) -> int:
        """In one transaction, every LLM finding of the runs recorded since the last sync,
        in recording order (seen at its run's start, or at `now()` for a run without one):
        a tracked fingerprint gets its last sighting updated, an untracked one is tracked
        with `first_entry(sighting)` as its first audit entry. Returns how many are new."""

    @abc.abstractmethod
    def tracked(self, prefix: str = "") -> list[TrackedRecord]:
        """The tracked findings whose fingerprint starts with `prefix`, by fingerprint."""

    @abc.abstractmethod
    def append(self, fingerprint: str,
               entry: Callable[[str | None], AuditRecord]) -> AuditRecord:
        """In one transaction: read the finding's current state, let `entry` make the next
        audit entry from it (or refuse by raising), and append it. Returns it as stored."""

    @abc.abstractmethod
    def history(self, fingerprint: str) -> list[AuditRecord]:
        """Every audit entry of a finding, oldest first."""

    @abc.abstractmethod
    def reached(self, state: str) -> list[Reached]:
        """For each tracked finding that ever reached `state`, the first time it did (by
        scanner)."""


class ProofStore(abc.ABC):
    """Proof records: append-only."""

    @abc.abstractmethod
    def record(self, proof: ProofRecord) -> None:
        """Append a proof record."""

    @abc.abstractmethod
    def of(self, fingerprint: str) -> list[ProofRecord]:
        """The proof records of a finding, oldest first."""


# --- labels -----------------------------------------------------------------------------


class Verdict(StrEnum):
    """A labeler's verdict on one finding."""

    TRUE = "true"
    FALSE = "false"
    UNSURE = "unsure"

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """true/false/unsure, also yes/no, y/n, tp/fp, 1/0, t/f and `?` (ValueError else)."""
        word = text.strip().lower()
        for verdict, words in _WORDS.items():
            if word in words:
                return verdict
        raise ValueError(f"unknown verdict {text!r} (use true, false or unsure)")


_WORDS = {
    Verdict.TRUE: ("true", "t", "yes", "y", "1", "tp", "vulnerable"),
    Verdict.FALSE: ("false", "f", "no", "n", "0", "fp", "safe"),
    Verdict.UNSURE: ("unsure", "?", "u", "skip", "unknown"),
}


@dataclass(frozen=True)
class SampleInfo:
    """A stored sample: how it was drawn and how far labeling has come."""

    id: str
    created_at: str
    seed: int
    per_scanner: int
    root: str
    commit: str | None
    runs: tuple[RunId, ...]
    population: dict[str, int]
    items: int
    labeled: int


@dataclass(frozen=True)
class BlindItem:
    """One item as a labeler sees it: no scanner, rule id or fingerprint."""

    sample_id: str
    item_id: int
    path: str
    span: Span
    cwe: int | None
    message: str
    rationale: str
    snippet: str
    verdict: Verdict | None = None

    @property
    def family(self) -> str:
        """`CWE-N`, or `unknown` when the finding carries no CWE."""
        return f"CWE-{self.cwe}" if self.cwe is not None else "unknown"


@dataclass(frozen=True)
class Label:
    """One recorded verdict."""

    sample_id: str
    item_id: int
    verdict: Verdict
    labeler: str
    labeled_at: str
    note: str = ""
    source: str = "api"


@dataclass(frozen=True)
class ItemOrigin:
    """A finding that drew an item into a sample, and the scanner and run it came from."""

    item_id: int
    scanner: str
    run_id: RunId
    finding: Finding


class LabelStore(abc.ABC):
    """Samples drawn for blind labeling, their items, where each item came from, and the
    append-only labels (the latest label of an item counts)."""

    @abc.abstractmethod
    def add_sample(self, sample_id: str, created_at: str, root: str, sample: Sample) -> None:
        """Store a drawn sample with its items and their sources."""

    @abc.abstractmethod
    def sample_ids(self, prefix: str = "") -> list[str]:
        """Ids of the samples whose id starts with `prefix`, newest first."""

    @abc.abstractmethod
    def sample(self, sample_id: str) -> SampleInfo:
        """One sample's summary (LedgerError when there is no such sample)."""

    @abc.abstractmethod
    def items(self, sample_id: str) -> list[BlindItem]:
        """A sample's items in presentation order, blinded, without verdicts."""

    @abc.abstractmethod
    def origins(self, sample_id: str) -> list[ItemOrigin]:
        """Where a sample's items came from, in the order they were stored."""

    @abc.abstractmethod
    def append(self, sample_id: str, labels: Sequence[Label]) -> None:
        """Append labels, all or none (KeyError naming an item the sample does not have)."""

    @abc.abstractmethod
    def labels(self, sample_id: str) -> list[Label]:
        """Every label of a sample, oldest first."""


# --- the LLM harness --------------------------------------------------------------------


@dataclass(frozen=True)
class TraceEvent:
    """One event of an LLM trace; `payload` is the JSON text the harness wrote."""

    seq: int
    kind: str
    stage: str
    step: int
    payload: str


class TraceStore(abc.ABC):
    """LLM traces: the events of one scanner in one run, in order."""

    @abc.abstractmethod
    def append(self, run_id: str, scanner: str, events: Sequence[TraceEvent]) -> None:
        """Store events of one scanner's run."""

    @abc.abstractmethod
    def events(self, run_id: str, scanner: str) -> list[TraceEvent]:
        """Every event of one scanner's run, in order."""

    @abc.abstractmethod
    def scanners(self, run_id: str) -> list[str]:
        """Names of the scanners with a trace in a run, sorted."""


@dataclass(frozen=True)
class CacheEntry:
    """An LLM result kept for reuse; `result` is the JSON text the harness wrote."""

    scanner: str
    run_id: str
    created_at: str
    tokens: int
    result: str


class LlmCache(abc.ABC):
    """The LLM result cache: a result per key (scope, prompt, model, params, tools)."""

    @abc.abstractmethod
    def get(self, key: str) -> CacheEntry | None:
        """The entry stored under `key`, if any."""

    @abc.abstractmethod
    def put(self, key: str, entry: CacheEntry) -> None:
        """Store (or replace) the entry under `key`."""


# --- the ledger -------------------------------------------------------------------------


class Ledger(abc.ABC):
    """Where runs are recorded, and the stores of what later stages attach to them.
    SQLite by default; the interface admits other stores."""

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the ledger is, as messages name it (a file, a database URL)."""

    @abc.abstractmethod
    def record_run(self, run: Run) -> None:
        """Store a run with its findings, coverage and metrics."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> Run:
        """A stored run by id or unique id prefix; LedgerError when there is none."""

    @abc.abstractmethod
    def list_runs(self, limit: int = 50, scanner: str | None = None,
                  commit: str | None = None) -> list[RunSummary]:
        """The most recent runs first, optionally filtered."""

    @abc.abstractmethod
    def clean_runs(self, commit: str, limit: int) -> list[RunId]:
        """Ids of the newest complete runs of a clean tree at `commit`, newest first."""

    @abc.abstractmethod
    def finding_kinds(self, prefix: str) -> frozenset[FindingKind]:
        """The kinds of the recorded findings whose fingerprint starts with `prefix`."""

    @property
    @abc.abstractmethod
    def lifecycle(self) -> LifecycleStore:
        """Findings under review and their audit log."""

    @property
    @abc.abstractmethod
    def proofs(self) -> ProofStore:
        """Proof records."""

    @property
    @abc.abstractmethod
    def labels(self) -> LabelStore:
        """Blind-labeling samples and labels."""

    @property
    @abc.abstractmethod
    def traces(self) -> TraceStore:
        """LLM traces."""

    @property
    @abc.abstractmethod
    def llm_cache(self) -> LlmCache:
        """The LLM result cache."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store."""

    def latest_scan(self, query: ScanQuery, candidates: int = 20) -> Run | None:
        """The newest complete whole-tree scan of a clean tree at `query.commit` made with
        the configuration, assay and (at least) the scanner versions `query` names,
        looking at the newest `candidates` complete runs there. A run over some files (a
        diff's changed files, a path set) or one directory is skipped: it says nothing of
        the other files."""
        for run_id in self.clean_runs(query.commit, candidates):
            run = self.get_run(run_id)
            prov = run.provenance
            if (prov.config_hash == query.config_hash
                    and prov.assay_version == query.assay_version
                    and run.target.scope_kind == "tree" and run.target.scope in (".", "")
                    and query.scanners <= {(s.name, s.version) for s in prov.scanners}):
                return run
        return None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
