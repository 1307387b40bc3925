"""The terminal rendering of a run: a findings table and a summary line.

Every value from the run is untrusted text: it is shown through `assay.report.terminal`
(`plain`, `line`, `add_row`), never as markup and with control characters escaped.
What the table and the closing lines say about trust (LLM states, phantoms, what
blocked, what was incomplete) comes from `assay.formats.trust_view`.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assay.formats import trust_view as tv
from assay.model import Finding, Run, Severity, flow_clause
from assay.report.terminal import add_row, line

_STYLE = {Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow",
          Severity.LOW: "cyan", Severity.INFO: "dim"}
_STATE_STYLE = {"proven": "bold red", "unverified": "yellow", tv.UNSUPPORTED: "dim"}
MAX_SKIPS_SHOWN = 10
MESSAGE_WIDTH = 48
"""Message characters per row: with the other columns a row fits 100 columns."""


def _table(findings: tuple[Finding, ...], states: tv.States | None) -> Table:
    rows = tv.rows(findings, states)
    with_state = any(r.state for r in rows)
    table = Table(show_lines=False, header_style="bold", expand=False)
    columns = ("Severity", *(("State",) if with_state else ()), "Rule", "CWE", "Location",
               "Message")
    for column in columns:
        table.add_column(column, overflow="fold")
    for r in rows:
        f = r.finding
        state = (Text(r.state, style=_STATE_STYLE.get(r.state, "")),) if with_state else ()
        add_row(table, Text(f.severity.value, style=_STYLE[f.severity]), *state,
                tv.rule_label(f), f"CWE-{f.cwe}" if f.cwe else "", r.location,
                tv.shorten(f.message, MESSAGE_WIDTH))
    return table


def _coverage(run: Run, console: Console) -> None:
    gaps = run.coverage.gaps
    for skip in gaps[:MAX_SKIPS_SHOWN]:
        by = f" by {skip.scanner}" if skip.scanner else ""
        console.print(line(("not analyzed", "yellow"), by, ": ", skip.path,
                           f" ({skip.reason.value}", f": {skip.detail[:120]}" if skip.detail
                           else "", ")"))
    if len(gaps) > MAX_SKIPS_SHOWN:
        console.print(Text(f"…and {len(gaps) - MAX_SKIPS_SHOWN} more files not analyzed",
                           style="yellow"))
    unread = [s for s in run.coverage.skipped
              if s.reason.value == "not-reviewed-within-threshold"]
    if unread:
        console.print(line(f"{len(unread)} in-scope file(s) not read by the LLM review "
                           "(within its review-coverage threshold)", style="dim"))


def render_run(run: Run, console: Console, ledger: str = "", *, fail_on: str | None = None,
               states: tv.States | None = None) -> None:
    """Print the findings table, phantoms apart, coverage gaps, why the scan blocked or is
    incomplete, and the summary line (green only for a complete run that passes)."""
    real = tv.counted(run.findings)
    if real:
        console.print(_table(real, states))
        for r in tv.rows(real, states):  # one line per flow, under the table
            if r.finding.flow:
                console.print(line("  flow ", r.location, ": ", flow_clause(r.finding.flow),
                                   style="dim"))
    ghosts = tv.phantoms(run.findings)
    if ghosts:
        console.print(line((tv.not_counted(len(ghosts)), "dim")))
        for r in tv.rows(ghosts, states):
            console.print(line("  ", r.finding.severity.value, " ",
                               tv.rule_label(r.finding), " ", r.location, "  ",
                               tv.shorten(r.finding.message, MESSAGE_WIDTH), style="dim"))
    _coverage(run, console)
    for reason in tv.incomplete_lines(run):
        console.print(line(("INCOMPLETE", "bold red"), ": ", reason.removeprefix("incomplete: ")))
    empty = tv.nothing_to_scan(run)
    if empty:
        console.print(line((empty, "yellow")))
    for key, value in run.provenance.extra:
        if key.endswith(".replies") and key[:-8] in run.scanner_names:
            console.print(line(("model replies", "yellow"), f" ({key[:-8]}): ", value))
    ignored = dict(run.provenance.extra).get("config_ignored")
    if ignored:
        console.print(line(("ignored from the scanned tree's configuration", "yellow"),
                           " (only the operator may set these): ", ignored))
    blocked = tv.blocking(run, fail_on, states) if run.complete else ()
    if blocked:
        console.print(line((tv.blocked_line(blocked, str(fail_on)), "bold red")))
    passed = run.complete and not blocked
    style = "bold green" if passed and not empty else "bold red" if not passed else "yellow"
    console.print(Text(tv.summary_line(run, fail_on, states), style=style))
    if ledger:
        console.print(line("run ", run.id, " recorded in ", ledger, style="dim"))
