"""Merging Bandit's findings with the taint rules' findings.

Bandit matches code patterns; for injection-type weaknesses it cannot tell request data
from a constant, so its findings there (string-built SQL, `shell=True`, `pickle.loads`,
XML parsers, autoescape off, ...) fire on safe code too. Where the pack's taint rules
cover the weakness (Semgrep records the CWEs its gating rules cover: every taint rule,
and rules with `metadata.gates-bandit: true` such as the hard-coded secret rules), such
a Bandit finding counts only when a finding of the pack agrees: same file, same CWE,
nearby lines. Then the two become one finding listing both sources. Bandit findings the
taint rules do not confirm in a file Semgrep analyzed are dropped (the default, `drop`),
reported at low severity and confidence so they never block (`demote`), or kept as they
are (`keep`); the run records how many. In a file Semgrep did not analyze, nothing
confirms or refutes them: they stand.

Everything else Bandit reports (weak hashes and ciphers, weak randomness, dangerous
calls and settings) stands on its own; when a rule of the pack reports the same thing,
the two are merged into one finding with Bandit's as the primary.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from assay.model import Confidence, Finding, Severity

# Bandit checks that match a code pattern whatever data reaches it, with the CWE that
# decides whether the pack gates them (normalize/cwe.py maps them the same way).
TAINT_GATED: dict[str, int] = {
    **{t: 78 for t in ("B404", "B601", "B602", "B603", "B604", "B605", "B606", "B607",
                       "B609")},
    **{t: 89 for t in ("B608", "B610", "B611")},
    **{t: 94 for t in ("B102", "B307")},
    **{t: 502 for t in ("B301", "B302", "B403", "B506")},
    **{f"B{n}": 611 for n in (*range(313, 320), *range(405, 412))},
    **{t: 79 for t in ("B701", "B702", "B703", "B704")},
    "B310": 918,
    # Hard-coded password checks match on names alone (`PASSWORD_FIELD = "password"`);
    # the pack's secret rules also filter placeholders and empty values.
    **{t: 798 for t in ("B105", "B106", "B107")},
}
LINE_TOLERANCE = 5  # a string built a few lines above the call it is passed to


class BanditPolicy(enum.StrEnum):
    """What happens to a taint-gated Bandit finding no taint finding confirms."""

    DROP = "drop"
    DEMOTE = "demote"
    KEEP = "keep"


@dataclass(frozen=True)
class MergeOutcome:
    """The merged findings and what the merge did, for the run's provenance."""

    findings: tuple[Finding, ...]
    merged: int = 0
    unconfirmed: tuple[str, ...] = ()
    policy: BanditPolicy = BanditPolicy.DROP

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """Pairs for `Provenance.extra`."""
        counts: dict[str, int] = {}
        for rule in self.unconfirmed:
            counts[rule] = counts.get(rule, 0) + 1
        detail = ", ".join(f"{r} x{n}" for r, n in sorted(counts.items()))
        return (("merge.bandit_policy", self.policy.value),
                ("merge.bandit_unconfirmed", f"{len(self.unconfirmed)}: {detail}".rstrip(": ")),
                ("merge.merged", str(self.merged)))


def merge_findings(findings: Iterable[Finding], covered: Iterable[int],
                   policy: BanditPolicy = BanditPolicy.DROP,
                   analyzed: Collection[str] | None = None) -> MergeOutcome:
    """Apply the policy to Bandit's findings and merge agreeing findings into one.

    `analyzed`: the files the pack's rules analyzed (None: every file). Only there can
    the pack's silence stand against a Bandit finding; in a file Semgrep did not
    analyze (an encoding it could not read, a timeout, ...) Bandit's findings stand.
    """
    items = sorted(findings, key=Finding.sort_key)
    covered_cwes = frozenset(covered)
    seen: Callable[[str], bool] = (lambda _path: True) if analyzed is None else \
        frozenset(analyzed).__contains__
    bandit = [f for f in items if f.scanner == "bandit"]
    others = [f for f in items if f.scanner != "bandit"]
    taint: dict[tuple[str, int | None], list[Finding]] = {}
    for other in others:
        if other.scanner == "semgrep":
            taint.setdefault((other.path, other.cwe), []).append(other)
    absorbed: set[int] = set()
    out: list[Finding] = []
    unconfirmed: list[str] = []
    merged = 0
    for finding in bandit:
        gated = (TAINT_GATED.get(finding.rule_id) in covered_cwes
                 and finding.cwe in covered_cwes and seen(finding.path))
        partner = _partner(finding, taint.get((finding.path, finding.cwe), []), absorbed)
        if partner is not None:
            absorbed.add(id(partner))
            merged += 1
            out.append(_combine(partner, finding) if gated else _combine(finding, partner))
        elif gated:
            unconfirmed.append(finding.rule_id)
            if policy is BanditPolicy.DEMOTE:
                out.append(_demote(finding))
            elif policy is BanditPolicy.KEEP:
                out.append(finding)
        else:
            out.append(finding)
    out.extend(f for f in others if id(f) not in absorbed)
    return MergeOutcome(tuple(sorted(out, key=Finding.sort_key)), merged, tuple(unconfirmed),
                        policy)


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
