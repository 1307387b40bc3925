"""Text and Markdown renderings of a tier classification and of a gate decision.

Paths, messages, rule ids and changed lines come from the change under review: the text
rendering shows them through `assay.report.terminal`, the Markdown one through
`assay.formats.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from assay.formats import trust_view as tv
from assay.formats.escape import md_cell, md_code, md_text
from assay.model import Finding
from assay.report.terminal import line, plain
from assay.workflow.decision import Decision, GateResult
from assay.workflow.tier import TierResult

_STYLE = {Decision.PASS: "bold green", Decision.BLOCK: "bold red",
          Decision.INCOMPLETE: "bold yellow"}
MAX_ROWS = 50
MESSAGE_CHARS = 160


def _trigger_lines(result: TierResult, limit: int = 3) -> list[tuple[bool, str]]:
    """(is a trigger, text) per line; the text is untrusted (paths, changed lines)."""
    lines: list[tuple[bool, str]] = []
    for hit in result.classes:
        lines.append((False, f"{hit.name}: {hit.description}"
                      + ("" if hit.llm else " (no LLM review)")))
        for t in hit.triggers[:limit]:
            where = f"{t.path}:{t.line} {t.side}" if t.line else t.path or "change"
            lines.append((True, f"{where}  {t.text}"))
        if hit.total > limit:
            lines.append((True, f"… {hit.total - limit} more"))
    return lines


def render_tier(result: TierResult, console: Console) -> None:
    """The classes that fired with their first triggers, then the plan."""
    console.print(line(f"change: {result.files_changed} file(s), {result.lines_changed} "
                       f"changed line(s) since {result.base[:12]}"))
    if not result.classes:
        console.print("risk classes: none")
    for trigger, text in _trigger_lines(result):
        console.print(line("    " if trigger else "", text))
    plan = result.plan
    console.print(line("plan: deterministic ", ", ".join(plan.deterministic) or "(none)",
                       "; LLM ", ", ".join(plan.llm) or "(none)"))
    console.print(plain(plan.reason))


def _llm_states(result: GateResult) -> dict[str, str]:
    return {i.finding.fingerprint: i.state.value for i in result.llm}


def _row(f: Finding, note: str, state: str) -> Text:
    return line("  ", f"{f.severity.value:8} ", *((f"{state:11} ",) if state else ()),
                f"{f.scanner}/{f.rule_id}", " ", f"{f.path}:{f.span.start_line}", "  ", note,
                "  ", tv.shorten(f.message, 60))


def render_gate(result: GateResult, console: Console) -> None:
    """Decision first, then reasons, blocking findings, review list and baseline counts."""
    d = result.decision
    console.print(Text(f"gate: {d.decision.value.upper()}", style=_STYLE[d.decision]))
    for reason in d.reasons:
        console.print(line("  - ", reason))
    _section(console, "blocking", d.blocking, result)
    _section(console, "needs review (unverified LLM findings)", d.needs_review, result)
    console.print(line("baseline ", result.comparison.baseline.source, ": ", _counts(result)))
    console.print(line("plan: ", result.plan.reason))
    for warning in result.warnings:
        console.print(line(("warning", "yellow"), ": ", warning))


def _section(console: Console, title: str, findings: Sequence[Finding],
             result: GateResult) -> None:
    if not findings:
        return
    console.print(f"{title}:")
    states = dict(result.comparison.current)
    trust = _llm_states(result)
    for r in tv.rows(findings, trust)[:MAX_ROWS]:
        state = states.get(r.finding)
        console.print(_row(r.finding, state.value if state else "proven earlier", r.state))


def _counts(result: GateResult) -> str:
    counts = result.comparison.counts()
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no findings"


def _finding_rows(findings: Sequence[Finding], trust: tv.States) -> list[str]:
    return [f"| {r.finding.severity.value} | {r.state} | "
            f"{md_cell(r.finding.scanner + '/' + r.finding.rule_id)} | "
            f"{md_code(r.location, in_table=True)} | "
            f"{md_cell(tv.shorten(r.finding.message, MESSAGE_CHARS))} |"
            for r in tv.rows(findings, trust)[:MAX_ROWS]]


def gate_to_markdown(result: GateResult) -> str:
    """The gate decision as Markdown, for pull-request comments and job summaries.

    Every value from the change (paths, messages, rule ids, changed lines) is escaped with
    `assay.formats.escape`, so it can add no markup to the page.
    """
    d = result.decision
    lines = [f"# assay gate: {d.decision.value}", ""]
    lines += [f"- {md_text(r)}" for r in d.reasons] + [""]
    if result.warnings:
        lines += ["## Warnings", "", *[f"- {md_text(w)}" for w in result.warnings], ""]
    for title, findings in (("Blocking", d.blocking),
                            ("Needs review (unverified LLM findings)", d.needs_review)):
        if findings:
            lines += [f"## {title}", "", "| Severity | State | Rule | Location | Message |",
                      "|---|---|---|---|---|", *_finding_rows(findings, _llm_states(result)),
                      ""]
    if result.tier is not None:
        lines += ["## Change risk", ""]
        lines += [f"- {md_text(text)}" for trigger, text in _trigger_lines(result.tier, 2)
                  if not trigger] or ["- no risk class fired"]
        lines.append("")
    lines += ["## Baseline", "",
              f"Compared with {md_code(result.comparison.baseline.source)}: "
              f"{md_text(_counts(result))}.", "",
              f"Plan: {md_text(result.plan.reason)}.", ""]
    return "\n".join(lines)
