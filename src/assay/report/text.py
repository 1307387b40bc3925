"""The terminal rendering of a run: a findings table and a summary line.

Every value from the run is untrusted text: it is shown through `assay.report.terminal`
(`plain`, `line`, `add_row`), never as markup and with control characters escaped.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.formats.markdown import status_line
from assay.model import Run, Severity, sorted_findings
from assay.report.terminal import add_row, line

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
            add_row(
                table,
                Text(f.severity.value, style=_STYLE[f.severity]),
                f"{f.scanner}/{f.rule_id}",
                f"CWE-{f.cwe}" if f.cwe else "",
                f"{f.path}:{f.span.start_line}",
                f.message.split("\n", 1)[0][:200],  # only a newline ends the first line
            )
        console.print(table)
    gaps = run.coverage.gaps
    for skip in gaps[:MAX_SKIPS_SHOWN]:
        by = f" by {skip.scanner}" if skip.scanner else ""
        console.print(line(("not analyzed", "yellow"), by, ": ", skip.path,
                           f" ({skip.reason.value}", f": {skip.detail[:120]}" if skip.detail
                           else "", ")"))
    if len(gaps) > MAX_SKIPS_SHOWN:
        console.print(Text(f"…and {len(gaps) - MAX_SKIPS_SHOWN} more files not analyzed",
                           style="yellow"))
    for reason in run.reasons:
        console.print(line(("INCOMPLETE", "bold red"), ": ", reason))
    ignored = dict(run.provenance.extra).get("config_ignored")
    if ignored:
        console.print(line(("ignored from the scanned tree's configuration", "yellow"),
                           " (only the operator may set these): ", ignored))
    style = "bold green" if run.complete else "bold red"
    console.print(Text(status_line(run), style=style))
    if ledger:
        console.print(line("run ", run.id, " recorded in ", ledger, style="dim"))
