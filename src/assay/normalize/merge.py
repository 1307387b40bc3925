"""Merging a pattern-only engine's findings with a dataflow engine's.

A pattern-only engine matches code whatever data reaches it: for injection-type
weaknesses it cannot tell request data from a constant, so some of its rules (string-
built SQL, `shell=True`, `pickle.loads`, ...) fire on safe code too. Where a dataflow
engine's rules cover the weakness (it declares the CWEs it gates), a finding of such a
rule counts fully only when a dataflow finding agrees: same file, same CWE, nearby lines.
Then the two become one finding listing both sources.

Nothing is dropped silently. A gated finding no dataflow finding confirms, in a file the
dataflow engine analyzed, is by default reported at low severity and confidence with the
reason (`demote`: it never blocks, and a reader still sees it), or kept as it is (`keep`),
or dropped (`drop`, opt-in); the run records how many. Checks whose construct no
dataflow rule models as a sink (`UNMODELLED`: paramiko, wildcards in commands, Mako
templates) pass through unchanged whatever the policy, since silence there says
nothing. Findings of a CWE the other engine decides by looking at the value itself
(`DECIDED_BY_VALUE`: a hard-coded secret the pack's secret rules found to be a
placeholder) are dropped under `demote` too: that silence is a verdict, and so are
gated rules that report an import rather than a use (`Engines.imports`: `import pickle`,
`import subprocess`): no dataflow finding can be at an import, so they would stand
unconfirmed in every file that imports the module, while the pattern engine's checks of
the module's calls report its use (the run counts them). In a file the dataflow engine
did not analyze, nothing confirms or refutes them: they stand.

Everything else the pattern engine reports (weak hashes and ciphers, weak randomness,
dangerous calls and settings) stands on its own; when a dataflow rule reports the same
thing, the two are merged into one finding with the pattern engine's as the primary.

Each engine reports a sink call once: findings of one rule at the same line of a file
(one per tainted argument of the call) are one finding.

A dataflow finding at a call of a project helper whose flow ends at a sink in another
file (the helper's query) is the same bug as a pattern finding of that CWE at that sink:
when no dataflow finding of the pattern finding's own file agrees with it, it joins
every such flow's finding (their sources name both engines) instead of standing twice.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from assay.model import Confidence, Finding, FlowRole, Severity

LINE_TOLERANCE = 5  # a string built a few lines above the call it is passed to
# Pattern checks for a construct the dataflow rules do not model as a sink: paramiko's
# exec_command, wildcards in shell commands, Mako templates. The dataflow engine's
# silence says nothing there. (XML parsers are modelled: lxml and SAX/pulldom with
# external entities switched on are sinks; the standard library's default parsers
# resolve no external entity, so they are not.)
UNMODELLED = frozenset({"B601", "B609", "B702"})
# CWEs the dataflow engine's rules decide by the value itself (a hard-coded secret is a
# placeholder or an empty string): not confirming one is a verdict, not silence.
DECIDED_BY_VALUE = frozenset({798})
UNCONFIRMED = "unconfirmed-by-taint"  # the tag of a gated finding no dataflow finding confirmed
IMPORTS_KEY = "_imports"  # provenance: `merge.<pattern engine>_imports`, how many
REASON = ("not confirmed by taint analysis: no flow from request data to this call was "
          "found in the scanned code; reported low and non-blocking")


class MergePolicy(enum.StrEnum):
    """What happens to a gated pattern finding no dataflow finding confirms."""

    DEMOTE = "demote"
    DROP = "drop"
    KEEP = "keep"


@dataclass(frozen=True)
class Engines:
    """The two scanners a merge weighs, by name: `pattern` matches code whatever data
    reaches it, `dataflow` follows the data; `gated` are the pattern engine's rules whose
    findings the dataflow engine decides where it gates their CWE, `imports` those of
    them that report the import of a module rather than a use of it."""

    pattern: str
    dataflow: str
    gated: frozenset[str]
    imports: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MergeOutcome:
    """The merged findings and what the merge did, for the run's provenance."""

    findings: tuple[Finding, ...]
    merged: int = 0
    unconfirmed: tuple[str, ...] = ()
    policy: MergePolicy = MergePolicy.DEMOTE
    engine: str = ""  # the pattern engine whose findings were gated
    unmodelled: int = 0
    duplicates: int = 0
    imports: int = 0  # unconfirmed import findings not reported under `demote`

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """Pairs for `Provenance.extra`."""
        counts: dict[str, int] = {}
        for rule in self.unconfirmed:
            counts[rule] = counts.get(rule, 0) + 1
        detail = ", ".join(f"{r} x{n}" for r, n in sorted(counts.items()))
        return ((f"merge.{self.engine}_policy", self.policy.value),
                (f"merge.{self.engine}_unconfirmed",
                 f"{len(self.unconfirmed)}: {detail}".rstrip(": ")),
                (f"merge.{self.engine}_unmodelled", str(self.unmodelled)),
                (f"merge.{self.engine}{IMPORTS_KEY}", str(self.imports)),
                ("merge.merged", str(self.merged)),
                ("merge.same_sink_call", str(self.duplicates)))


def merge_findings(findings: Iterable[Finding], covered: Iterable[int], engines: Engines,
                   policy: MergePolicy = MergePolicy.DEMOTE,
                   analyzed: Collection[str] | None = None) -> MergeOutcome:
    """Apply the policy to the pattern engine's findings and merge agreeing findings.

    `covered`: the CWEs the dataflow engine gates. `analyzed`: the files the dataflow
    engine analyzed (None: every file). Only there can its silence stand against a
    pattern finding; in a file it did not analyze (an encoding it could not read, a
    timeout, ...) the pattern engine's findings stand.
    """
    covered_cwes = frozenset(covered)
    seen: Callable[[str], bool] = (lambda _path: True) if analyzed is None else \
        frozenset(analyzed).__contains__
    items = sorted(findings, key=Finding.sort_key)
    pattern = [f for f in items if f.scanner == engines.pattern]
    others = [f for f in items if f.scanner != engines.pattern]
    # joined before one finding per call is kept: each tainted argument of a helper's
    # call has its own flow, to its own sink in the helper
    pattern, others, joined = _join_through_flows(pattern, others, engines.dataflow)
    pattern, repeated = one_per_sink_call(pattern)
    others, duplicates = one_per_sink_call(others)
    duplicates += repeated
    dataflow: dict[tuple[str, int | None], list[Finding]] = {}
    for other in others:
        if other.scanner == engines.dataflow:
            dataflow.setdefault((other.path, other.cwe), []).append(other)
    absorbed: set[int] = set()
    out: list[Finding] = []
    unconfirmed: list[str] = []
    merged, unmodelled, imports = joined, 0, 0
    for finding in pattern:
        gated = (finding.rule_id in engines.gated and finding.cwe in covered_cwes
                 and seen(finding.path))
        if gated and finding.rule_id in UNMODELLED:
            gated, unmodelled = False, unmodelled + 1
        partner = _partner(finding, dataflow.get((finding.path, finding.cwe), []), absorbed)
        if partner is not None:
            absorbed.add(id(partner))
            merged += 1
            out.append(_combine(partner, finding) if gated else _combine(finding, partner))
        elif gated:
            unconfirmed.append(finding.rule_id)
            if policy is MergePolicy.KEEP:
                out.append(finding)
            elif policy is MergePolicy.DEMOTE and finding.rule_id in engines.imports:
                imports += 1
            elif policy is MergePolicy.DEMOTE and finding.cwe not in DECIDED_BY_VALUE:
                out.append(_demote(finding))
        else:
            out.append(finding)
    out.extend(f for f in others if id(f) not in absorbed)
    return MergeOutcome(tuple(sorted(out, key=Finding.sort_key)), merged, tuple(unconfirmed),
                        policy, engines.pattern, unmodelled, duplicates, imports)


def _join_through_flows(pattern: list[Finding], others: list[Finding],
                        dataflow: str) -> tuple[list[Finding], list[Finding], int]:
    """The pattern findings no dataflow finding of their own file agrees with but whose
    line a dataflow finding's flow ends at (same CWE), joined into those findings.
    Returns the pattern findings left, the other findings (joined ones with the pattern
    finding's sources) and how many pattern findings were joined."""
    flows = [f for f in others if f.scanner == dataflow and f.flow]
    local = {(f.path, f.cwe) for f in others if f.scanner == dataflow}
    added: dict[int, list[str]] = {}
    left: list[Finding] = []
    for finding in pattern:
        ends = [] if finding.cwe is None else [
            f for f in flows if f.cwe == finding.cwe and _ends_at(f, finding)]
        near = (finding.path, finding.cwe) in local and _partner(
            finding, [f for f in others if f.scanner == dataflow and f.path == finding.path],
            set()) is not None
        if not ends or near:
            left.append(finding)
            continue
        for flow in ends:
            added.setdefault(id(flow), []).extend(finding.sources)
    joined = [replace(f, sources=tuple(dict.fromkeys((*f.sources, *added[id(f)]))))
              if id(f) in added else f for f in others]
    return left, joined, len(pattern) - len(left)


def _ends_at(dataflow: Finding, finding: Finding) -> bool:
    """Whether `dataflow`'s flow reaches its sink in another file at `finding`'s lines."""
    sink = dataflow.flow[-1]
    return (sink.role is FlowRole.SINK and sink.path == finding.path
            and sink.path != dataflow.path
            and finding.span.start_line - LINE_TOLERANCE <= sink.line
            <= finding.span.end_line + LINE_TOLERANCE)


def one_per_sink_call(findings: Iterable[Finding]) -> tuple[list[Finding], int]:
    """The findings in order with one per (scanner, file, line, CWE): a taint engine
    reports a call once per tainted argument (`"... %s %s" % (user, password)` gave two),
    an engine's two checks can report one call (Bandit's B308 and B703 both on a
    `mark_safe(...)`; a key's format and its name both on one secret), and a reader fixes
    the call once. The one kept is the most severe (then the first), with every source.
    A finding without a CWE is one per rule. A call of a project helper whose arguments
    reach different sinks inside it (a search term to one query, a limit to another) is
    one finding per sink the flows end at; a finding ending at the call itself beside
    one ending at such a sink (the helper's response returned as the view's) joins it.
    Returns the findings kept and how many were not."""
    groups: dict[tuple[str, str, int, str, str], list[Finding]] = {}
    items = sorted(findings, key=Finding.sort_key)
    for finding in items:
        what = finding.rule_id if finding.cwe is None else f"CWE-{finding.cwe}"
        end = finding.flow[-1] if finding.flow else None
        elsewhere = f"{end.path}:{end.line}" if end and end.path != finding.path else ""
        groups.setdefault((finding.scanner, finding.path, finding.span.start_line, what,
                           elsewhere), []).append(finding)
    deepest: dict[tuple[str, str, int, str], tuple[str, str, int, str, str]] = {}
    for key in groups:
        if key[4]:
            deepest.setdefault(key[:4], key)
    for key in [k for k in groups if not k[4] and k[:4] in deepest]:
        groups[deepest[key[:4]]] += groups.pop(key)
    kept = [_one_of(group) for group in groups.values()]
    return kept, len(items) - len(kept)


def _one_of(group: list[Finding]) -> Finding:
    primary = max(group, key=lambda f: (f.severity.rank, _confidence_rank(f.confidence)))
    sources = tuple(dict.fromkeys(s for f in (primary, *group) for s in f.sources))
    return primary if sources == primary.sources else replace(primary, sources=sources)


def _partner(finding: Finding, candidates: Sequence[Finding],
             taken: set[int]) -> Finding | None:
    """The closest finding of the same file and CWE within the line tolerance."""
    best: Finding | None = None
    for other in candidates:
        if (id(other) in taken or other.path != finding.path or other.cwe != finding.cwe
                or finding.cwe is None):
            continue
        if not finding.span.overlaps(other.span, LINE_TOLERANCE):
            continue
        if best is None or _distance(finding, other) < _distance(finding, best):
            best = other
    return best


def _distance(a: Finding, b: Finding) -> int:
    return abs(a.span.start_line - b.span.start_line)


def _combine(primary: Finding, secondary: Finding) -> Finding:
    """One finding: the primary's location and text, both engines' sources, the higher
    severity and confidence, and the flow either engine found (a pattern engine finds
    none)."""
    sources = tuple(dict.fromkeys((*primary.sources, *secondary.sources)))
    severity = max(primary.severity, secondary.severity, key=lambda s: s.rank)
    confidence = max(primary.confidence, secondary.confidence, key=_confidence_rank)
    return replace(primary, sources=sources, severity=severity, confidence=confidence,
                   flow=primary.flow or secondary.flow)


def _confidence_rank(confidence: Confidence) -> int:
    return {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}[confidence]


def _demote(finding: Finding) -> Finding:
    tags = tuple(dict.fromkeys((*finding.tags, UNCONFIRMED)))
    message = f"{finding.message.rstrip()} ({REASON})" if finding.message else REASON
    return replace(finding, severity=Severity.LOW, confidence=Confidence.LOW, tags=tags,
                   message=message)
