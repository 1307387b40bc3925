"""Terminal views of the finding lifecycle: tracked findings, one finding, its audit log,
proof latency, a proof run, replays. Everything from the ledger is untrusted text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.formats import trust_view as tv
from assay.formats.lifecycle_document import (
    FindingDetail,
    FindingList,
    GenerationTrace,
    ProofRun,
)
from assay.report.terminal import add_row, line
from assay.workflow.latency import human_duration

if TYPE_CHECKING:
    from assay.scanners.llm.replay import ReplayReport
    from assay.workflow.latency import LatencyStats
    from assay.workflow.lifecycle import AuditEntry


def _table(*columns: str) -> Table:
    table = Table(header_style="bold")
    for column in columns:
        table.add_column(column)
    return table


def render_findings(listing: FindingList, console: Console) -> None:
    """The tracked LLM findings as a table, each with its trust state (`refuted` and
    `unsupported` ones marked), then one sentence on what they can do."""
    table = _table("Id", "State", "Severity", "Scanner", "Rule", "CWE", "Location", "First seen")
    for r in listing.rows:
        trust = listing.trust_of(r)
        state = trust if tv.can_block(trust) or trust == "unverified" else Text(trust, "yellow")
        add_row(table, r.fingerprint[:12], state, r.severity, r.scanner, r.rule_id,
                f"CWE-{r.cwe}" if r.cwe else "", f"{r.path}:{r.start_line}", r.first_seen)
    console.print(table)
    summary = tv.llm_summary([listing.trust_of(r) for r in listing.rows])
    if summary:
        console.print(line(summary))


def render_history(entries: Sequence[AuditEntry], console: Console) -> None:
    """A finding's audit log, one transition a line."""
    for e in entries:
        origin = e.from_state.value if e.from_state else "(new)"
        console.print(line(f"{e.at}  {origin} -> {e.to_state.value}  by ", e.actor, ": ",
                           e.reason))


def render_finding(detail: FindingDetail, console: Console) -> None:
    """One finding: where, what it said (indented), its audit log and proofs."""
    tracked = detail.tracked
    console.print(line(tracked.fingerprint, "  ", detail.trust))
    console.print(line(f"{tracked.scanner}/{tracked.rule_id}", " at ",
                       f"{tracked.path}:{tracked.start_line}", f" ({tracked.severity})"))
    if detail.finding is not None:  # its lines indented, so none can pass for one of assay's
        for text in detail.finding.message.split("\n"):
            console.print(line("  ", text))
    console.print(line(f"state: {_state_words(detail)}"))
    latest = detail.latest_proof
    if latest is None:
        console.print("latest proof: none (run `assay prove` to demonstrate it)",
                      highlight=False)
    else:
        where = (latest.commit or "the work tree")[:12] + (" (dirty)" if latest.dirty else "")
        console.print(line(f"latest proof: {latest.id} {latest.verdict} on {where}: ",
                           latest.detail))
    render_history(detail.history, console)
    for p in detail.proofs:
        console.print(line(f"proof {p.id} {p.at} {p.verdict}: ", p.detail))


def _state_words(detail: FindingDetail) -> str:
    """`proven (a proof demonstrated it: can block)`; the lifecycle state too when the
    trust state differs from it."""
    words = f"{detail.trust} ({tv.meaning(detail.trust)}"
    if detail.trust != detail.tracked.state.value:
        words += f"; lifecycle state {detail.tracked.state.value}"
    return words + ")"


def render_latency(stats: Sequence[LatencyStats], console: Console) -> None:
    """Proof latency per scanner as a table."""
    table = _table("Scanner", "Proven", "Median", "p90")
    for s in stats:
        add_row(table, s.scanner, str(s.count), human_duration(s.median),
                human_duration(s.p90))
    console.print(table)


def render_proof(run: ProofRun, console: Console) -> None:
    """A proof run: its verdict, why, and what it changed."""
    record = run.record
    console.print(line("proof ", record.id, ": ", record.verdict))
    console.print(line("  ", record.detail))
    change = (f"{run.previous_state.value} -> {run.state.value}"
              if run.changed else f"{run.state.value} (unchanged)")
    console.print(line(f"finding {record.fingerprint[:12]}: {change}"))
    if run.latency_seconds is not None:
        console.print(f"proven {human_duration(run.latency_seconds)} after first reported")
    if run.note:
        console.print(line(("note", "yellow"), ": ", run.note))
    if record.unsafe_no_sandbox:
        console.print(line(("warning", "yellow"), ": ran without the sandbox (recorded)"))
    generation = json.loads(record.report or "{}").get("generation") or {}
    if record.source == "generated" and generation.get("trace_scanner"):
        console.print(line(f"generated by {generation['trace_scanner']}: open its trace with "
                           f"assay replay {record.id}"))


def render_trace(trace: GenerationTrace, console: Console) -> None:
    """A proof's generation trace: one line per recorded event."""
    console.print(line(f"proof {trace.proof_id}: generation by ", trace.scanner,
                       f" ({len(trace.steps)} recorded event(s); shown, not replayed)"))
    for step in trace.steps:
        console.print(line("  ", step.summary))


def render_replay(reports: Sequence[ReplayReport], console: Console) -> None:
    """Each replayed scanner: steps, findings, and where it diverged."""
    for r in reports:
        via = f" (served from the cache of {r.source_run})" if r.source_run else ""
        verdict = "identical" if r.identical else f"{len(r.divergences)} divergence(s)"
        console.print(line(r.run_id, " ", r.scanner, via, f": {r.steps} replayed step(s), "
                           f"{r.findings} finding(s): {verdict}"))
        for divergence in r.divergences:
            console.print(line("  - ", divergence))
