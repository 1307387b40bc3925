"""Text and Markdown renderings of a tier classification and of a gate decision."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from assay.model import Finding
from assay.workflow.gate import Decision
from assay.workflow.gating import GateResult
from assay.workflow.tier import TierResult

_STYLE = {Decision.PASS: "bold green", Decision.BLOCK: "bold red",
          Decision.INCOMPLETE: "bold yellow"}
MAX_ROWS = 50


def _trigger_lines(result: TierResult, limit: int = 3) -> list[str]:
    lines = []
    for hit in result.classes:
        lines.append(f"{hit.name}: {hit.description}" + ("" if hit.llm else " (no LLM review)"))
        for t in hit.triggers[:limit]:
            where = f"{t.path}:{t.line} {t.side}" if t.line else t.path or "change"
            lines.append(f"    {where}  {t.text}")
        if hit.total > limit:
            lines.append(f"    … {hit.total - limit} more")
    return lines


def render_tier(result: TierResult, console: Console) -> None:
    """The classes that fired with their first triggers, then the plan."""
    console.print(f"change: {result.files_changed} file(s), {result.lines_changed} changed "
                  f"line(s) since {result.base[:12]}", highlight=False)
    if not result.classes:
        console.print("risk classes: none", highlight=False)
    for line in _trigger_lines(result):
        console.print(line, highlight=False, markup=False)
    plan = result.plan
    console.print(f"plan: deterministic {', '.join(plan.deterministic) or '(none)'}; "
                  f"LLM {', '.join(plan.llm) or '(none)'}", highlight=False)
    console.print(plan.reason, highlight=False, markup=False)


def _row(f: Finding, note: str) -> str:
    return f"{f.severity.value:8} {f.scanner}/{f.rule_id} {f.path}:{f.span.start_line}  {note}"


def render_gate(result: GateResult, console: Console) -> None:
    """Decision first, then reasons, blocking findings, review list and baseline counts."""
    d = result.decision
    console.print(Text(f"gate: {d.decision.value.upper()}", style=_STYLE[d.decision]))
    for reason in d.reasons:
        console.print(f"  - {reason}", highlight=False, markup=False)
    _section(console, "blocking", d.blocking, result)
    _section(console, "needs review (unverified LLM findings)", d.needs_review, result)
    console.print(f"baseline {result.comparison.baseline.source}: {_counts(result)}",
                  highlight=False, markup=False)
    console.print(f"plan: {result.plan.reason}", highlight=False, markup=False)
    for warning in result.warnings:
        console.print(f"[yellow]warning[/]: {warning}", highlight=False)


def _section(console: Console, title: str, findings: Sequence[Finding],
             result: GateResult) -> None:
    if not findings:
        return
    console.print(f"{title}:", highlight=False)
    states = dict(result.comparison.current)
    for f in findings[:MAX_ROWS]:
        state = states.get(f)
        console.print("  " + _row(f, state.value if state else "proven earlier"),
                      highlight=False, markup=False)


def _counts(result: GateResult) -> str:
    counts = result.comparison.counts()
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no findings"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def gate_to_markdown(result: GateResult) -> str:
    """The gate decision as Markdown, for pull-request comments and job summaries."""
    d = result.decision
    lines = [f"# assay gate: {d.decision.value}", ""]
    lines += [f"- {_cell(r)}" for r in d.reasons] + [""]
    for title, findings in (("Blocking", d.blocking),
                            ("Needs review (unverified LLM findings)", d.needs_review)):
        if findings:
            lines += [f"## {title}", "", "| Severity | Rule | Location | Message |",
                      "|---|---|---|---|"]
            lines += [f"| {f.severity.value} | {_cell(f.scanner + '/' + f.rule_id)} | "
                      f"`{_cell(f.path)}:{f.span.start_line}` | {_cell(f.message)[:160]} |"
                      for f in findings[:MAX_ROWS]]
            lines.append("")
    if result.tier is not None:
        lines += ["## Change risk", ""]
        lines += [f"- {_cell(line.strip())}" for line in _trigger_lines(result.tier, 2)
                  if not line.startswith("    ")] or ["- no risk class fired"]
        lines.append("")
    lines += ["## Baseline", "",
              f"Compared with `{result.comparison.baseline.source}`: {_counts(result)}.", "",
              f"Plan: {_cell(result.plan.reason)}.", ""]
    return "\n".join(lines)
