"""A Markdown summary of a run, for pull-request comments and job summaries.

It opens with why the scan exits as it does (what blocked, what was incomplete),
shows each LLM finding's state and lists phantom findings apart, uncounted.

Every value from the run (paths, messages, rule ids, scanner names and versions, reasons)
is untrusted and written through `assay.formats.escape`: it adds no markup to the page.
"""

from __future__ import annotations

from assay.formats import trust_view as tv
from assay.formats.escape import md_cell, md_code, md_text
from assay.model import Finding, FlowRole, Run

MAX_ROWS = 200
MAX_SKIPS = 50
MESSAGE_CHARS = 160


def status_line(run: Run, fail_on: str | None = None, states: tv.States | None = None) -> str:
    """One sentence: status, findings counted by severity (phantoms apart), coverage."""
    return tv.summary_line(run, fail_on, states)


def _finding_table(findings: tuple[Finding, ...], states: tv.States | None) -> list[str]:
    """The findings table; a State column when an LLM finding is among them."""
    rows = tv.rows(findings, states)
    with_state = any(r.state for r in rows)
    head = ["Severity", *(["State"] if with_state else []), "Rule", "CWE", "Location",
            "Message"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows[:MAX_ROWS]:
        f = r.finding
        cells = [f.severity.value, *([r.state] if with_state else []),
                 md_cell(tv.rule_label(f)), f"CWE-{f.cwe}" if f.cwe else "",
                 md_code(r.location, in_table=True), md_cell(tv.shorten(f.message,
                                                                        MESSAGE_CHARS))]
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > MAX_ROWS:
        lines.append(f"\n…and {len(rows) - MAX_ROWS} more (see the JSON or SARIF output).")
    return lines


def flow_markdown(f: Finding) -> str:
    """A finding's flow as one line of Markdown: source, the helpers it passes, sink;
    each path and piece of code a code span ('' without a flow)."""
    parts: list[str] = []
    for step in f.flow:
        where = md_code(f"{step.path}:{step.line}")
        code = " ".join(step.code.split())
        if step.role is FlowRole.SOURCE:
            parts.append(f"{md_code(code)} at {where}" if code else f"source at {where}")
        elif step.role is FlowRole.SINK:
            parts.append(f"{md_code(code) if code.endswith('(...)') else 'sink'} at {where}")
        elif code.endswith("()"):
            parts.append(md_code(code))
    return " → ".join(parts)


def _flow_lines(rows: list[tv.Row]) -> list[str]:
    """One line per finding with a flow, under the findings table."""
    return [f"- {md_code(r.location)}: {flow_markdown(r.finding)}"
            for r in rows[:MAX_ROWS] if r.finding.flow]


def _verdict(run: Run, fail_on: str | None, states: tv.States | None) -> list[str]:
    """Why the scan exits as it does: what blocked, what was incomplete, or nothing to
    scan."""
    lines: list[str] = []
    if not run.complete:
        lines += ["> **Incomplete.** Some in-scope code was not analyzed; the absence of a "
                  "finding below is not evidence that there is none.", ">"]
        lines += [f"> - {md_text(r)}" for r in tv.incomplete_lines(run)]
        return [*lines, ""]
    blocked = tv.blocking(run, fail_on, states)
    if blocked:
        lines += [f"> **{md_text(tv.blocked_line(blocked, str(fail_on)))}**", ""]
    empty = tv.nothing_to_scan(run)
    if empty:
        lines += [f"> **{md_text(empty)}**", ""]
    return lines


def _phantom_line(r: tv.Row) -> str:
    f = r.finding
    return (f"- {f.severity.value} {md_text(tv.rule_label(f))} at "
            f"{md_code(r.location)}: {md_text(tv.shorten(f.message, MESSAGE_CHARS))}")


def run_to_markdown(run: Run, fail_on: str | None = None,
                    states: tv.States | None = None) -> str:
    """The Markdown document for a run: what blocked or was incomplete first, then the
    counted findings (LLM findings with their state), phantoms apart, what was not
    analyzed and the provenance."""
    target = run.target
    where = target.commit[:12] if target.commit else "working tree"
    if target.commit and target.rev is None and target.dirty:
        where += " (with uncommitted changes)"
    lines = [f"# assay scan: {run.status.value}", "", status_line(run, fail_on, states), ""]
    lines += _verdict(run, fail_on, states)
    lines += [f"Target: {md_code(target.scope)} at {md_text(where)}; scanners: "
              + ", ".join(md_text(f"{s.name} {s.version}") for s in run.provenance.scanners),
              ""]
    real = tv.counted(run.findings)
    if real:
        lines += ["## Findings", "", *_finding_table(real, states), ""]
        flows = _flow_lines(tv.rows(real, states))
        if flows:
            lines += ["Flows (where the data comes from and where it ends):", "", *flows, ""]
    ghosts = tv.phantoms(run.findings)
    if ghosts:
        lines += ["## Not counted", "", f"{tv.not_counted(len(ghosts))} (a model quoted code "
                  "that is not there):", ""]
        lines += [_phantom_line(r) for r in tv.rows(ghosts, states)[:MAX_ROWS]]
        lines.append("")
    skipped = sorted(run.coverage.skipped)
    if skipped:
        lines += ["## Not analyzed", ""]
        for skip in skipped[:MAX_SKIPS]:
            by = f" by {md_text(skip.scanner)}" if skip.scanner else ""
            lines.append(f"- {md_code(skip.path)}: {skip.reason.value}{by}"
                         + (f" ({md_text(skip.detail)})" if skip.detail else ""))
        if len(skipped) > MAX_SKIPS:
            lines.append(f"- …and {len(skipped) - MAX_SKIPS} more")
        lines.append("")
    p = run.provenance
    lines += ["## Provenance", "",
              f"- assay {md_text(p.assay_version)} (Python {md_text(p.python)})",
              f"- config sha256 {md_code(p.config_hash[:16])}, "
              f"rules sha256 {md_code(p.rules_hash[:16])}"]
    extra = dict(p.extra)
    if extra.get("config_source"):
        lines.append(f"- configuration: {md_text(extra['config_source'])}")
    if extra.get("config_ignored"):
        lines.append("- **ignored from the scanned tree** (only the operator may set them): "
                     + md_text(extra["config_ignored"]))
    lines += [f"- {md_text(f'{s.name} {s.version}')}"
              + (f", rules {md_code(s.rules_hash[:16])}" if s.rules_hash else "")
              for s in p.scanners]
    return "\n".join(lines) + "\n"
