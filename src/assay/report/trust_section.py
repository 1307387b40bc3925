"""The memo's list of LLM findings with their trust states.

A reader of the memo must not take a refuted LLM claim, or one whose quoted code is not
in the file (`unsupported`), for a live finding: each distinct LLM finding of the runs is
listed once (as the newest run reported it) with its trust state, whether it can block
and what the state means, in the wording of `assay.formats.trust_view`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assay.formats import trust_view as tv
from assay.model import Finding, FindingKind, Run
from assay.report.memo import Table

TITLE = "LLM findings and their trust states"
COLUMNS = ("Location", "Scanner", "Rule", "CWE", "Severity", "State", "Can block",
           "What the state means", "Message")
MESSAGE_WIDTH = 80
MAX_ROWS = 50
"""At most this many findings are listed (the most severe first); the summary sentence
counts them all."""


def llm_findings(runs: Sequence[Run]) -> list[Finding]:
    """Each distinct LLM finding (by fingerprint and scanner) as the newest run that
    reported it has it."""
    newest: dict[tuple[str, str], tuple[str, Finding]] = {}
    for run in runs:
        started = run.metrics.started_at or ""
        for f in run.findings:
            key = (f.fingerprint, f.scanner)
            if f.kind is FindingKind.LLM and (key not in newest or newest[key][0] <= started):
                newest[key] = (started, f)
    return sorted((f for _, f in newest.values()),
                  key=lambda f: (-f.severity.rank, f.path, f.span.start_line, f.sort_key()))


def trust_table(findings: Sequence[Finding], states: Mapping[str, str] | None) -> Table:
    """One row per LLM finding: where, what, its trust state and whether it can block."""
    rows = []
    for f in findings:
        state = tv.state_of(f, states)
        rows.append((f"{f.path}:{f.span.start_line}", f.scanner, f.rule_id,
                     f"CWE-{f.cwe}" if f.cwe else "-", f.severity.value, state,
                     "yes" if tv.can_block(state) else "no", tv.meaning(state),
                     tv.shorten(f.message, MESSAGE_WIDTH)))
    return Table(COLUMNS, tuple(rows))


def trust_section(runs: Sequence[Run], states: Mapping[str, str] | None,
                  ) -> tuple[tuple[str, ...], tuple[tuple[str, Table], ...]]:
    """The summary sentence and the table of the runs' LLM findings (nothing when the
    runs have none)."""
    findings = llm_findings(runs)
    if not findings:
        return (), ()
    line = tv.llm_summary([tv.state_of(f, states) for f in findings]) + "."
    if len(findings) > MAX_ROWS:
        line += (f" The table lists the {MAX_ROWS} most severe of {len(findings)};"
                 " `assay findings list` lists them all.")
    return (line,), ((TITLE, trust_table(findings[:MAX_ROWS], states)),)
