"""The terminal rendering of a run: a findings table and a summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.formats.markdown import status_line
from assay.model import Run, Severity, sorted_findings

_STYLE = {Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow",
          Severity.LOW: "cyan", Severity.INFO: "dim"}
MAX_SKIPS_SHOWN = 10


def render_run(run: Run, console: Console, ledger: str = "") -> None:
    """Print the findings table, coverage gaps and the summary line."""
    findings = sorted_findings(run.findings)
    if findings:
        table = Table(show_lines=False, header_style="bold", expand=False)
        for column in ("Severity", "Rule", "CWE", "Location", "Message"):
            table.add_column(column, overflow="fold")
        for f in findings:
            table.add_row(
                Text(f.severity.value, style=_STYLE[f.severity]),
                f"{f.scanner}/{f.rule_id}",
                f"CWE-{f.cwe}" if f.cwe else "",
                f"{f.path}:{f.span.start_line}",
                f.message.splitlines()[0][:200] if f.message else "",
            )
        console.print(table)
    gaps = run.coverage.gaps
    for skip in gaps[:MAX_SKIPS_SHOWN]:
        by = f" by {skip.scanner}" if skip.scanner else ""
        console.print(f"[yellow]not analyzed[/]{by}: {skip.path} ({skip.reason.value}"
                      + (f": {skip.detail[:120]}" if skip.detail else "") + ")", highlight=False)
    if len(gaps) > MAX_SKIPS_SHOWN:
        console.print(f"[yellow]…and {len(gaps) - MAX_SKIPS_SHOWN} more files not analyzed[/]")
    for reason in run.reasons:
        console.print(f"[bold red]INCOMPLETE[/]: {reason}", highlight=False)
    style = "bold green" if run.complete else "bold red"
    console.print(Text(status_line(run), style=style))
    if ledger:
        console.print(f"[dim]run {run.id} recorded in {ledger}[/]", highlight=False)
