"""A Markdown summary of a run, for pull-request comments and job summaries.

Every value from the run (paths, messages, rule ids, scanner names and versions, reasons)
is untrusted and written through `assay.formats.escape`: it adds no markup to the page.
"""

from __future__ import annotations

from assay.formats.escape import md_cell, md_code, md_text
from assay.model import Run, Severity, sorted_findings

MAX_ROWS = 200
MAX_SKIPS = 50
MESSAGE_CHARS = 160


def status_line(run: Run) -> str:
    """One sentence: status, findings by severity, coverage."""
    counts = {s: 0 for s in Severity}
    for f in run.findings:
        counts[f.severity] += 1
    parts = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    found = f"{len(run.findings)} finding(s)" + (f" ({parts})" if parts else "")
    cov = run.coverage
    return (f"{found}; {cov.analyzed}/{cov.in_scope} in-scope files analyzed; "
            f"status {run.status.value.upper()}")


def run_to_markdown(run: Run) -> str:
    """The Markdown document for a run."""
    target = run.target
    where = target.commit[:12] if target.commit else "working tree"
    if target.commit and target.rev is None and target.dirty:
        where += " (with uncommitted changes)"
    lines = [f"# assay scan: {run.status.value}", "", status_line(run), ""]
    if not run.complete:
        lines += ["> **Incomplete.** Some in-scope code was not analyzed; the absence of a "
                  "finding below is not evidence that there is none.", ""]
        lines += [f"> - {md_text(r)}" for r in run.reasons] + [""]
    lines += [f"Target: {md_code(target.scope)} at {md_text(where)}; scanners: "
              + ", ".join(md_text(f"{s.name} {s.version}") for s in run.provenance.scanners),
              ""]
    findings = sorted_findings(run.findings)
    if findings:
        lines += ["## Findings", "", "| Severity | Rule | CWE | Location | Message |",
                  "|---|---|---|---|---|"]
        for f in findings[:MAX_ROWS]:
            cwe = f"CWE-{f.cwe}" if f.cwe else ""
            lines.append(f"| {f.severity.value} | {md_cell(f.scanner + '/' + f.rule_id)} | {cwe} "
                         f"| {md_code(f'{f.path}:{f.span.start_line}', in_table=True)} "
                         f"| {md_cell(f.message, MESSAGE_CHARS)} |")
        if len(findings) > MAX_ROWS:
            lines.append(f"\n…and {len(findings) - MAX_ROWS} more (see the JSON or SARIF output).")
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
