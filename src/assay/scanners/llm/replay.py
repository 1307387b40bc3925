"""Replaying a recorded LLM run: the harness runs again with the replay provider.

The recorded trace supplies the settings, prompt pack, scope and file list; the snapshot
is opened at the recorded commit (or the working tree when the run was of uncommitted
changes). Tools run again for real, so the replay checks the whole harness: requests,
tool results, findings (with fingerprints), status and reason must all match the record.
Time is not replayed: a tool call the original run cut at a deadline gets its recorded
result, as the time-box cut itself comes from the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.formats.json import finding_to_dict
from assay.ledger.interface import LedgerError
from assay.model import Finding, Run, RunStatus, sorted_findings
from assay.normalize.fingerprint import assign_fingerprints
from assay.repo import open_snapshot
from assay.repo.interface import Snapshot
from assay.scanners.llm import coverage as review_coverage
from assay.scanners.llm.prompt import parse_pack
from assay.scanners.llm.providers.replay import ReplayProvider
from assay.scanners.llm.scope import Scope
from assay.scanners.llm.session import ReviewInput, review
from assay.scanners.llm.settings import LlmSettings
from assay.scanners.llm.store import Event, LlmStore
from assay.scanners.llm.trace import Trace


@dataclass(frozen=True)
class ReplayReport:
    """The outcome of replaying one scanner of one run."""

    run_id: str
    scanner: str
    findings: int
    steps: int
    divergences: tuple[str, ...]
    source_run: str = ""

    @property
    def identical(self) -> bool:
        """True when the replay reproduced the recorded run exactly."""
        return not self.divergences


def _events(store: LlmStore, run_id: str, scanner: str) -> tuple[list[Event], str]:
    events = store.events(run_id, scanner)
    hit = next((e for e in events if e.kind == "cache_hit"), None)
    if hit is None:
        return events, ""
    source = str(hit.payload.get("source_run", ""))
    return store.events(source, scanner), source


def _snapshot(header: dict[str, Any]) -> Snapshot:
    target = header["target"]
    root = Path(str(target["root"]))
    path = root / str(target.get("scope") or ".")
    commit = target.get("commit")
    clean = commit and (target.get("rev") or not target.get("dirty"))
    return open_snapshot(path, str(commit) if clean else None, root)


def _content_divergences(snapshot: Snapshot, contents: dict[str, str]) -> list[str]:
    out = []
    for path, recorded in sorted(contents.items()):
        if snapshot.get(path) is None:
            out.append(f"{path}: missing from the snapshot replayed")
        elif snapshot.content_id(path) != recorded:
            out.append(f"{path}: content differs from the recorded snapshot")
    return out


def _finding_divergences(recorded: Sequence[Finding], replayed: Sequence[Finding]) -> list[str]:
    old = [finding_to_dict(f) for f in sorted_findings(recorded)]
    new = [finding_to_dict(f) for f in sorted_findings(replayed)]
    if old == new:
        return []
    out = [f"findings: {len(old)} recorded, {len(new)} replayed"] if len(old) != len(new) else []
    for a, b in zip(old, new, strict=False):
        fields = sorted(k for k in a if a[k] != b.get(k))
        if fields:
            out.append(f"finding {a['path']}:{a['start_line']} differs in {', '.join(fields)}")
    return out


def _tool_divergences(recorded: Sequence[Event], replayed: Sequence[Event]) -> list[str]:
    old = [(e.payload.get("name"), e.payload.get("content"), e.payload.get("is_error"))
           for e in recorded if e.kind == "tool"]
    new = [(e.payload.get("name"), e.payload.get("content"), e.payload.get("is_error"))
           for e in replayed if e.kind == "tool"]
    out = [f"tool call {i} ({a[0]}): result differs from the recorded one"
           for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new):
        out.append(f"tool calls: {len(old)} recorded, {len(new)} replayed")
    return out


def _timed_out(events: Sequence[Event]) -> dict[int, str]:
    """The recorded results of the tool calls a deadline cut, by their position."""
    calls = [e.payload for e in events if e.kind == "tool"]
    return {i: str(p.get("content", "")) for i, p in enumerate(calls)
            if p.get("error") == "timeout"}


def replay_scanner(store: LlmStore, run: Run, scanner: str) -> ReplayReport:
    """Replay one scanner of a recorded run and compare everything with the record."""
    events, source = _events(store, run.id, scanner)
    if not events or events[0].kind != "header":
        raise LedgerError(f"run {run.id} has no usable trace for scanner {scanner!r}")
    header = events[0].payload
    settings = LlmSettings.model_validate(header["settings"])
    pack = parse_pack(str(header["pack"]["text"]), str(header["pack"]["ref"]))
    snapshot = _snapshot(header)
    divergences = _content_divergences(snapshot, dict(header.get("contents", {})))
    outcome = next((o for o in run.scanners if o.name == scanner), None)
    early = next((e for e in events if e.kind == "failure" and not e.stage), None)
    provider = ReplayProvider(events)
    kept = Trace(None, run.id, scanner, keep=True)
    findings: tuple[Finding, ...] = ()
    status, reason = RunStatus.COMPLETE, ""
    if early is not None:
        status, reason = RunStatus.INCOMPLETE, str(early.payload.get("reason", ""))
    elif header["scope"].get("files"):
        inp = ReviewInput(scanner, settings, pack, snapshot, tuple(header["files"]),
                          Scope.from_dict(header["scope"]), int(header["max_file_size"]),
                          int(header.get("seed", 0)))
        done = review(inp, provider, kept, time_box=False, retries=False,
                      timed_out=_timed_out(events))
        findings = tuple(assign_fingerprints(done.findings))
        scope = Scope.from_dict(header["scope"])
        read = review_coverage.measure(scope, dict(done.ranges_read),
                                       settings.review_threshold)
        status, reason = review_coverage.outcome(scanner, done.outcome.status,
                                                 done.outcome.reason, read)
    divergences += provider.divergences
    if provider.calls < provider.recorded:
        divergences.append(f"the replay used {provider.calls} of {provider.recorded} "
                           "recorded responses")
    divergences += _tool_divergences(events, kept.kept)
    divergences += _finding_divergences([f for f in run.findings if f.scanner == scanner],
                                        findings)
    if outcome is not None and (outcome.status, outcome.reason) != (status, reason):
        divergences.append(f"status: recorded {outcome.status.value} ({outcome.reason or '-'}),"
                           f" replayed {status.value} ({reason or '-'})")
    return ReplayReport(run.id, scanner, len(findings), provider.calls, tuple(divergences),
                        source)


def replay_run(store: LlmStore, run: Run, scanners: Sequence[str] = ()) -> list[ReplayReport]:
    """Replay every traced LLM scanner of a run (or the ones named)."""
    traced = store.traced_scanners(run.id)
    if not traced:
        raise LedgerError(f"run {run.id} has no LLM trace",
                          "only runs of LLM scanners recorded in the ledger can be replayed")
    unknown = sorted(set(scanners) - set(traced))
    if unknown:
        raise LedgerError(f"run {run.id} has no trace for {', '.join(unknown)}",
                          f"traced scanners: {', '.join(traced)}")
    return [replay_scanner(store, run, name) for name in (list(scanners) or traced)]
