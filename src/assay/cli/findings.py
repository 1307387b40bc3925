"""`assay findings`: LLM findings under review, their states, history and proofs."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.app import app, stdout_console
from assay.cli.output import emit
from assay.formats.writer import JSON, TEXT
from assay.report.terminal import plain

findings_app = typer.Typer(help="LLM findings under review: list, show, set-state, history, "
                                "latency.", no_args_is_help=True)
app.add_typer(findings_app, name="findings")

PATH = typer.Option(Path("."), "--path", help="The project.")
LEDGER = typer.Option(None, "--ledger", envvar="ASSAY_LEDGER",
                      help="Ledger file or sqlite:/// URL.")
JSON_FLAG = typer.Option(False, "--json", help="Print JSON.")
OUTPUT = typer.Option(None, "--output", "-o", help="Write to FILE instead of stdout.")


@findings_app.command("list")
def list_findings(
    state: str | None = typer.Option(None, "--state", help="Only findings in this state."),
    scanner: str | None = typer.Option(None, "--scanner", "-s", help="Only this scanner's."),
    path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON_FLAG,
    output: Path | None = OUTPUT,
) -> None:
    """LLM findings with their trust state (unverified, proven, refuted, accepted-risk,
    fixed; unsupported when the quoted code is not in the file) and what they can do."""
    from assay.app import findings

    listing = findings.review_list(path, state=state, scanner=scanner, ledger=ledger)
    emit("findings", listing, JSON if as_json else TEXT, output)


@findings_app.command("show")
def show(finding_id: str = typer.Argument(..., help="Fingerprint or unique prefix."),
         path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON_FLAG,
         output: Path | None = OUTPUT) -> None:
    """One finding as last reported, its trust state in words, its latest proof's
    verdict, its transitions and proofs."""
    from assay.app import findings

    detail = findings.show_finding(path, finding_id, ledger=ledger)
    emit("finding", detail, JSON if as_json else TEXT, output)


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
    from assay.app import findings

    entry = findings.set_state(path, finding_id, state, reason, actor=actor, ledger=ledger)
    origin = entry.from_state.value if entry.from_state else "(new)"
    stdout_console().print(plain(f"{entry.fingerprint[:12]}: {origin} -> "
                                 f"{entry.to_state.value}"))


@findings_app.command("history")
def history(finding_id: str = typer.Argument(..., help="Fingerprint or unique prefix."),
            path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON_FLAG,
            output: Path | None = OUTPUT) -> None:
    """The audit log of one finding: every transition, oldest first."""
    from assay.app import findings

    entries = findings.finding_history(path, finding_id, ledger=ledger)
    emit("history", entries, JSON if as_json else TEXT, output)


@findings_app.command("latency")
def latency(path: Path = PATH, ledger: str | None = LEDGER, as_json: bool = JSON_FLAG,
            output: Path | None = OUTPUT) -> None:
    """Proof latency per scanner: first reported -> proven, median and p90."""
    from assay.app import findings

    emit("latency", findings.proof_latency(path, ledger), JSON if as_json else TEXT, output)
