"""`assay findings`: LLM findings under review, their states, history and proofs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from assay.cli.app import app, stdout_console, write_output
from assay.formats.json import dumps
from assay.report.terminal import add_row, line, plain

if TYPE_CHECKING:
    from assay.workflow.lifecycle import AuditEntry

findings_app = typer.Typer(help="LLM findings under review: list, show, set-state, history, "
                                "latency.", no_args_is_help=True)
app.add_typer(findings_app, name="findings")

PATH = typer.Option(Path("."), "--path", help="The project.")
LEDGER = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                      help="Ledger file or sqlite:/// URL.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@findings_app.command("list")
def list_findings(
    state: str | None = typer.Option(None, "--state", help="Only findings in this state."),
    scanner: str | None = typer.Option(None, "--scanner", "-s", help="Only this scanner's."),
    path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON,
) -> None:
    """LLM findings with their lifecycle state."""
    from assay.app.prove import open_lifecycle
    from assay.workflow.states import State

    with open_lifecycle(path, ledger) as life:
        rows = life.findings(State.parse(state) if state else None, scanner)
    if as_json:
        write_output(dumps([{"id": r.fingerprint, "state": r.state.value, "scanner": r.scanner,
                             "rule_id": r.rule_id, "cwe": r.cwe, "severity": r.severity,
                             "path": r.path, "start_line": r.start_line,
                             "first_seen": r.first_seen, "last_seen": r.last_seen}
                            for r in rows]), None)
        return
    table = Table(header_style="bold")
    for column in ("Id", "State", "Severity", "Scanner", "Rule", "CWE", "Location", "First seen"):
        table.add_column(column)
    for r in rows:
        add_row(table, r.fingerprint[:12], r.state.value, r.severity, r.scanner, r.rule_id,
                f"CWE-{r.cwe}" if r.cwe else "", f"{r.path}:{r.start_line}", r.first_seen)
    stdout_console().print(table)


@findings_app.command("show")
def show(finding_id: str = typer.Argument(..., help="Fingerprint or unique prefix."),
         path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON) -> None:
    """One finding as last reported, its state, transitions and proofs."""
    from assay.app.prove import open_lifecycle
    from assay.formats.json import finding_to_dict

    with open_lifecycle(path, ledger) as life:
        tracked = life.resolve(finding_id)
        finding = life.latest_finding(tracked.fingerprint)
        history, proofs = life.history(tracked.fingerprint), life.proofs(tracked.fingerprint)
    entries = [_entry(e) for e in history]
    proof_rows: list[dict[str, object]] = [
        {"id": p.id, "at": p.at, "verdict": p.verdict, "detail": p.detail, "source": p.source,
         "name": p.name, "sha256": p.sha256, "commit": p.commit, "sandboxed": p.sandboxed,
         "unsafe_no_sandbox": p.unsafe_no_sandbox} for p in proofs]
    doc = {"id": tracked.fingerprint, "state": tracked.state.value,
           "first_seen": tracked.first_seen, "first_run": tracked.first_run,
           "last_seen": tracked.last_seen, "last_run": tracked.last_run,
           "finding": finding_to_dict(finding) if finding else None,
           "history": entries, "proofs": proof_rows}
    if as_json:
        write_output(dumps(doc), None)
        return
    console = stdout_console()
    console.print(line(tracked.fingerprint, "  ", tracked.state.value))
    console.print(line(f"{tracked.scanner}/{tracked.rule_id}", " at ",
                       f"{tracked.path}:{tracked.start_line}", f" ({tracked.severity})"))
    if finding is not None:  # its lines indented, so none can pass for one of assay's
        for text in finding.message.split("\n"):
            console.print(line("  ", text))
    _print_history(entries)
    for p in proof_rows:
        console.print(line(f"proof {p['id']} {p['at']} {p['verdict']}: ", str(p["detail"])))


def _entry(e: AuditEntry) -> dict[str, object]:
    return {"seq": e.seq, "from": e.from_state.value if e.from_state else None,
            "to": e.to_state.value, "actor": e.actor, "at": e.at, "reason": e.reason,
            "evidence": dict(e.evidence)}


def _print_history(entries: list[dict[str, object]]) -> None:
    console = stdout_console()
    for e in entries:
        console.print(line(f"{e['at']}  {e['from'] or '(new)'} -> {e['to']}  by ",
                           str(e["actor"]), ": ", str(e["reason"])))


@findings_app.command("set-state")
def set_state(
    finding_id: str = typer.Argument(..., help="Fingerprint or unique prefix."),
    state: str = typer.Argument(..., help="unverified, refuted, accepted-risk or fixed "
                                          "(proven only through `assay prove`)."),
    reason: str = typer.Option(..., "--reason", "-r", help="Why (stored in the audit log)."),
    actor: str | None = typer.Option(None, "--actor", envvar="ASSAY_ACTOR",
                                     help="Who (default: git user.email)."),
    path: Path = PATH, ledger: str | None = LEDGER,
) -> None:
    """Change a finding's state explicitly; the transition is appended to the audit log."""
    from assay.app.prove import set_state as change

    entry = change(path, finding_id, state, reason, actor=actor, ledger=ledger)
    origin = entry.from_state.value if entry.from_state else "(new)"
    stdout_console().print(plain(f"{entry.fingerprint[:12]}: {origin} -> "
                                 f"{entry.to_state.value}"))


@findings_app.command("history")
def history(finding_id: str = typer.Argument(..., help="Fingerprint or unique prefix."),
            path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON) -> None:
    """The audit log of one finding: every transition, oldest first."""
    from assay.app.prove import open_lifecycle

    with open_lifecycle(path, ledger) as life:
        entries = [_entry(e) for e in life.history(life.resolve(finding_id).fingerprint)]
    if as_json:
        write_output(json.dumps(entries, indent=2, sort_keys=True) + "\n", None)
        return
    _print_history(entries)


@findings_app.command("latency")
def latency(path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON) -> None:
    """Proof latency per scanner: first reported -> proven, median and p90."""
    from assay.app.prove import proof_latency
    from assay.workflow.latency import human_duration

    stats = proof_latency(path, ledger)
    if as_json:
        write_output(dumps([{"scanner": s.scanner, "proven": s.count,
                             "median_seconds": s.median, "p90_seconds": s.p90}
                            for s in stats]), None)
        return
    table = Table(header_style="bold")
    for column in ("Scanner", "Proven", "Median", "p90"):
        table.add_column(column)
    for s in stats:
        add_row(table, s.scanner, str(s.count), human_duration(s.median),
                human_duration(s.p90))
    stdout_console().print(table)
