"""Merging a pattern-only engine's findings with a dataflow engine's.

A pattern-only engine matches code whatever data reaches it: for injection-type
weaknesses it cannot tell request data from a constant, so some of its rules (string-
built SQL, `shell=True`, `pickle.loads`, XML parsers, autoescape off, ...) fire on safe
code too. Where a dataflow engine's rules cover the weakness (it declares the CWEs it
gates), a finding of such a rule counts only when a dataflow finding agrees: same file,
same CWE, nearby lines. Then the two become one finding listing both sources. Gated
findings no dataflow finding confirms in a file the dataflow engine analyzed are dropped
(the default, `drop`), reported at low severity and confidence so they never block
(`demote`), or kept as they are (`keep`); the run records how many. In a file the
dataflow engine did not analyze, nothing confirms or refutes them: they stand.

Everything else the pattern engine reports (weak hashes and ciphers, weak randomness,
dangerous calls and settings) stands on its own; when a dataflow rule reports the same
thing, the two are merged into one finding with the pattern engine's as the primary.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from assay.model import Confidence, Finding, Severity

LINE_TOLERANCE = 5  # a string built a few lines above the call it is passed to


class MergePolicy(enum.StrEnum):
    """What happens to a gated pattern finding no dataflow finding confirms."""

    DROP = "drop"
    DEMOTE = "demote"
    KEEP = "keep"


@dataclass(frozen=True)
class Engines:
    """The two scanners a merge weighs, by name: `pattern` matches code whatever data
    reaches it, `dataflow` follows the data; `gated` are the pattern engine's rules whose
    findings the dataflow engine decides where it gates their CWE."""

    pattern: str
    dataflow: str
    gated: frozenset[str]


@dataclass(frozen=True)
class MergeOutcome:
    """The merged findings and what the merge did, for the run's provenance."""

    findings: tuple[Finding, ...]
    merged: int = 0
    unconfirmed: tuple[str, ...] = ()
    policy: MergePolicy = MergePolicy.DROP
    engine: str = ""  # the pattern engine whose findings were gated

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """Pairs for `Provenance.extra`."""
        counts: dict[str, int] = {}
        for rule in self.unconfirmed:
            counts[rule] = counts.get(rule, 0) + 1
        detail = ", ".join(f"{r} x{n}" for r, n in sorted(counts.items()))
        return ((f"merge.{self.engine}_policy", self.policy.value),
                (f"merge.{self.engine}_unconfirmed",
                 f"{len(self.unconfirmed)}: {detail}".rstrip(": ")),
                ("merge.merged", str(self.merged)))


def merge_findings(findings: Iterable[Finding], covered: Iterable[int], engines: Engines,
                   policy: MergePolicy = MergePolicy.DROP,
                   analyzed: Collection[str] | None = None) -> MergeOutcome:
    """Apply the policy to the pattern engine's findings and merge agreeing findings.

    `covered`: the CWEs the dataflow engine gates. `analyzed`: the files the dataflow
    engine analyzed (None: every file). Only there can its silence stand against a
    pattern finding; in a file it did not analyze (an encoding it could not read, a
    timeout, ...) the pattern engine's findings stand.
    """
    items = sorted(findings, key=Finding.sort_key)
    covered_cwes = frozenset(covered)
    seen: Callable[[str], bool] = (lambda _path: True) if analyzed is None else \
        frozenset(analyzed).__contains__
    pattern = [f for f in items if f.scanner == engines.pattern]
    others = [f for f in items if f.scanner != engines.pattern]
    dataflow: dict[tuple[str, int | None], list[Finding]] = {}
    for other in others:
        if other.scanner == engines.dataflow:
            dataflow.setdefault((other.path, other.cwe), []).append(other)
    absorbed: set[int] = set()
    out: list[Finding] = []
    unconfirmed: list[str] = []
    merged = 0
    for finding in pattern:
        gated = (finding.rule_id in engines.gated and finding.cwe in covered_cwes
                 and seen(finding.path))
        partner = _partner(finding, dataflow.get((finding.path, finding.cwe), []), absorbed)
        if partner is not None:
            absorbed.add(id(partner))
            merged += 1
            out.append(_combine(partner, finding) if gated else _combine(finding, partner))
        elif gated:
            unconfirmed.append(finding.rule_id)
            if policy is MergePolicy.DEMOTE:
                out.append(_demote(finding))
            elif policy is MergePolicy.KEEP:
                out.append(finding)
        else:
            out.append(finding)
    out.extend(f for f in others if id(f) not in absorbed)
    return MergeOutcome(tuple(sorted(out, key=Finding.sort_key)), merged, tuple(unconfirmed),
                        policy, engines.pattern)


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
    """One finding: the primary's location and text, both engines' sources and the
    higher severity and confidence."""
    sources = tuple(dict.fromkeys((*primary.sources, *secondary.sources)))
    severity = max(primary.severity, secondary.severity, key=lambda s: s.rank)
    confidence = max(primary.confidence, secondary.confidence, key=_confidence_rank)
    return replace(primary, sources=sources, severity=severity, confidence=confidence)


def _confidence_rank(confidence: Confidence) -> int:
    return {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}[confidence]


def _demote(finding: Finding) -> Finding:
    tags = tuple(dict.fromkeys((*finding.tags, "unconfirmed-by-taint")))
    return replace(finding, severity=Severity.LOW, confidence=Confidence.LOW, tags=tags)
