"""What every human-readable output says about trust: each LLM finding's state, which
findings are counted, why a scan exits as it does, and findings as table rows.

- An LLM finding shows its lifecycle state (`unverified` until a proof demonstrates it,
  `proven`, `refuted`, `accepted-risk`, `fixed`); a finding whose quoted code is not in
  the file is `unsupported` (a phantom): listed apart and never counted among findings.
- Only deterministic (and human) findings and `proven` LLM findings at or above the
  threshold block (`blocking`); the outputs say which ones, and why a run is incomplete.
- Each state has plain words (`MEANING`) and one summary sentence over LLM findings
  (`llm_summary`), used by `assay findings`, `assay show` and the memo alike.
- Table rows: severity first, then path and line; findings that differ only by their
  column are one row (`cols 5, 19`); messages cut at a word boundary with "…".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assay.model import Finding, FindingKind, Run, RunStatus, Severity, SkipReason
from assay.normalize.merge import IMPORTS_KEY
from assay.normalize.policy import (
    CHECKED_URLS,
    CONSTANT_ARGUMENTS,
    FIXED_PROGRAMS,
    STDLIB_XML,
    TEST_ASSERTS,
    TEST_CREDENTIALS,
)
from assay.workflow.states import BLOCKING, State

States = Mapping[str, str]
"""Lifecycle state (`unverified`, `proven`, ...) of LLM findings by fingerprint."""
UNSUPPORTED = "unsupported"
MAX_LISTED = 3
NOT_COUNTED = "not counted: {n} finding{s} whose quoted code is not in the file"


def state_of(f: Finding, states: States | None = None) -> str:
    """The trust state shown for a finding ('' for a deterministic one)."""
    if f.phantom:
        return UNSUPPORTED
    if f.kind is not FindingKind.LLM:
        return ""
    return (states or {}).get(f.fingerprint, State.UNVERIFIED.value)


MEANING: Mapping[str, str] = {
    State.PROVEN.value: "a proof demonstrated it: can block",
    State.UNVERIFIED.value: "no proof yet: cannot block",
    State.REFUTED.value: "shown false: never blocks",
    State.ACCEPTED_RISK.value: "risk accepted: never blocks",
    State.FIXED.value: "fixed: never blocks",
    UNSUPPORTED: "its quoted code is not in the file: not counted",
}
"""What each trust state means for a person deciding what to act on, in plain words."""


def meaning(state: str) -> str:
    """`state` in plain words ('' for a deterministic finding's empty state)."""
    return MEANING.get(state, "")


def can_block(state: str) -> bool:
    """True when a finding in this trust state may block ('' is a deterministic one)."""
    return state == "" or state in {s.value for s in BLOCKING}


def llm_summary(states: Sequence[str]) -> str:
    """One sentence on LLM findings by trust state: `3 LLM findings: 1 unverified (no
    proof yet: cannot block), 1 refuted (shown false: never blocks), ...`, and `none is
    proven, so none can block` when none may block ('' without LLM findings)."""
    if not states:
        return ""
    counts = {s: sum(1 for x in states if x == s) for s in MEANING}
    parts = ", ".join(f"{n} {s} ({MEANING[s]})" for s, n in counts.items() if n)
    n = len(states)
    text = f"{n} LLM finding{'' if n == 1 else 's'}: {parts}"
    if not any(can_block(s) for s in states):
        text += "; none is proven, so none can block"
    return text


def counted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings that count: every one but the phantoms."""
    return tuple(f for f in findings if not f.phantom)


def phantoms(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings whose quoted code is not in the file (never counted)."""
    return tuple(f for f in findings if f.phantom)


def not_counted(n: int) -> str:
    """The line that says how many phantom findings were left out."""
    return NOT_COUNTED.format(n=n, s="" if n == 1 else "s")


def proven(states: States | None) -> frozenset[str]:
    """Fingerprints whose state lets an LLM finding block."""
    blocking = {s.value for s in BLOCKING}
    return frozenset(fp for fp, s in (states or {}).items() if s in blocking)


def blocking(run: Run, fail_on: str | None, states: States | None = None,
             ) -> tuple[Finding, ...]:
    """The findings that make a scan exit 1 under `fail_on` (none for `none` or None)."""
    if fail_on is None or fail_on.lower() == "none":
        return ()
    return run.blocking(Severity.parse(fail_on), proven(states))


def scan_exit_code(run: Run, fail_on: str | None, states: States | None = None) -> int:
    """3 when incomplete (never a pass), else 1 when something blocks, else 0."""
    if not run.complete:
        return 3
    return 1 if blocking(run, fail_on, states) else 0


def rule_label(f: Finding) -> str:
    """`scanner/rule`, and the other engines' rules that reported the same finding
    (`semgrep/…sqli.taint (also bandit:B608)`), as the JSON's `sources` lists them."""
    also = [s for s in f.sources if not s.startswith(f"{f.scanner}:")]
    return f"{f.scanner}/{f.rule_id}" + (f" (also {', '.join(also)})" if also else "")


def _where(f: Finding) -> str:
    return f"{f.scanner}/{f.rule_id} at {f.path}:{f.span.start_line}"


def blocked_line(findings: Sequence[Finding], fail_on: str) -> str:
    """`blocked: 3 findings at or above high: <the first few>`."""
    n = len(findings)
    shown = ", ".join(_where(f) for f in findings[:MAX_LISTED])
    more = f" and {n - MAX_LISTED} more" if n > MAX_LISTED else ""
    return (f"blocked: {n} finding{'' if n == 1 else 's'} at or above {fail_on.lower()}: "
            f"{shown}{more}")


def gap_lines(run: Run) -> list[str]:
    """What was not analyzed, per scanner and reason, with counts (for exit 3)."""
    counts: dict[tuple[str, str], int] = {}
    files: dict[str, set[str]] = {}
    for gap in run.coverage.gaps:
        who = gap.scanner or "every scanner"
        counts[(who, gap.reason.value)] = counts.get((who, gap.reason.value), 0) + 1
        files.setdefault(who, set()).add(gap.path)
    lines = []
    for who in sorted(files):
        detail = ", ".join(f"{r}: {n}" for (w, r), n in sorted(counts.items()) if w == who)
        lines.append(f"incomplete: {who}: {len(files[who])} in-scope file(s) not analyzed "
                     f"({detail})")
    return lines


def incomplete_lines(run: Run) -> list[str]:
    """Why a run is incomplete: each scanner's own reason, then its gaps by reason."""
    if run.complete:
        return []
    failed = [o for o in run.scanners if o.status is RunStatus.INCOMPLETE]
    known = {f"{o.name}: {o.reason or 'incomplete'}" for o in failed}
    other = [f"incomplete: {r}" for r in run.reasons
             if r not in known and "in-scope file(s) not analyzed" not in r]
    return ([f"incomplete: {o.name}: {o.reason or 'did not complete'}" for o in failed]
            + gap_lines(run) + other)


def nothing_to_scan(run: Run) -> str:
    """'' unless no file was in scope; then what to do about it."""
    if run.coverage.in_scope:
        return ""
    excluded = sum(1 for s in run.coverage.skipped if s.reason is SkipReason.EXCLUDED)
    where = (f"{excluded} file(s) were excluded by [scan] exclude or --exclude; "
             if excluded else "")
    return ("nothing to scan: no file in scope. Bandit and Semgrep scan Python files "
            "(*.py), an LLM scanner the files its `include` patterns match; "
            f"{where}check the path, --rev, [scan] exclude and --exclude")


# What the severity policy counted instead of listing, as the summary line says it.
_NOT_REPORTED = (
    (TEST_ASSERTS, "assert(s) in test code not reported"),
    (TEST_CREDENTIALS, "made-up credential(s) in test code not reported"),
    (CONSTANT_ARGUMENTS, "unconfirmed pattern finding(s) on constant values not reported"),
    (STDLIB_XML, "unconfirmed standard-library XML parser finding(s) not reported "
                 "(no external entities switched on)"),
    (CHECKED_URLS, "unconfirmed URL-open finding(s) not reported (a web URL, or one of "
                   "the remote hosts the code allows)"),
    (FIXED_PROGRAMS, "unconfirmed subprocess finding(s) not reported (a fixed program "
                     "given a list of arguments, no shell)"),
)


def summary_line(run: Run, fail_on: str | None = None, states: States | None = None) -> str:
    """One sentence: findings counted by severity (phantoms apart), coverage, status."""
    real = counted(run.findings)
    by = {s: 0 for s in Severity}
    for f in real:
        by[f.severity] += 1
    parts = ", ".join(f"{n} {s.value}" for s, n in by.items() if n)
    llm = [state_of(f, states) for f in real if f.kind is FindingKind.LLM]
    unverified = sum(1 for s in llm if s == State.UNVERIFIED.value)
    found = f"{len(real)} finding(s)" + (f" ({parts})" if parts else "")
    if unverified:
        found += f", {unverified} of them unverified LLM finding(s) that cannot block"
    ghosts = len(phantoms(run.findings))
    if ghosts:
        found += f"; {not_counted(ghosts)}"
    extra = dict(run.provenance.extra)
    for key, what in _NOT_REPORTED:
        if extra.get(key):
            found += f"; {extra[key]} {what}"
    imports = sum(int(v) for k, v in extra.items()
                  if k.startswith("merge.") and k.endswith(IMPORTS_KEY) and v.isdigit())
    if imports:
        found += f"; {imports} unconfirmed import check finding(s) not reported"
    cov = run.coverage
    status = run.status.value.upper()
    if run.complete and blocking(run, fail_on, states):
        status += f", BLOCKED at {str(fail_on).lower()}"
    return f"{found}; {cov.analyzed}/{cov.in_scope} in-scope files analyzed; status {status}"


def shorten(text: str, width: int) -> str:
    """The first line of `text`, cut at a word boundary to at most `width` characters
    with "…" when cut."""
    first = text.split("\n", 1)[0].strip()
    if len(first) <= width:
        return first
    cut = first.rfind(" ", 0, width)
    cut = cut if cut > width // 2 else width - 1
    return first[:cut].rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Row:
    """One table row: a finding, and the columns of the findings merged into it."""

    finding: Finding
    state: str
    columns: tuple[int, ...]

    @property
    def location(self) -> str:
        """`path:line`, with `, cols 5, 19` when several columns were merged."""
        where = f"{self.finding.path}:{self.finding.span.start_line}"
        if len(self.columns) > 1:
            where += ", cols " + ", ".join(str(c) for c in self.columns)
        return where


def _row_key(f: Finding, state: str) -> tuple[object, ...]:
    return (f.scanner, f.rule_id, f.cwe, f.path, f.span.start_line, f.span.end_line,
            f.severity, f.message, state)


def rows(findings: Iterable[Finding], states: States | None = None) -> list[Row]:
    """Table rows in reading order: severity (most severe first), path, line; findings
    that differ only by column are one row."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_row_key(f, state_of(f, states)), []).append(f)
    out = []
    for key, members in groups.items():
        first = min(members, key=Finding.sort_key)
        cols = sorted({m.span.start_col for m in members if m.span.start_col})
        out.append(Row(first, str(key[-1]), tuple(cols)))
    return sorted(out, key=lambda r: (-r.finding.severity.rank, r.finding.path,
                                      r.finding.span.start_line, r.finding.sort_key()))
