"""One-to-one matching of findings between two runs, the basis of every overlap metric.

Two findings are *compatible* when their family (`CWE-N`, or the rule id when there is no
CWE) and path agree and their line spans overlap once each is widened by `tolerance` lines
(`tolerance=0` requires the exact same start and end line: exact finding keys).

The algorithm, deterministic and independent of input order:

1. Findings are grouped by (family, path); only findings of the same group can match.
2. Inside a group every compatible pair (a, b) is a candidate with distance
   `|a.start - b.start| + |a.end - b.end|`.
3. Candidates are sorted by (distance, lower content key, higher content key), where a
   finding's content key is a tuple of all its reported fields (family, path, lines,
   columns, rule, scanner, severity, fingerprint, message). The pair of content keys is
   taken unordered, so matching A with B processes candidates in the same order as
   matching B with A.
4. Candidates are taken greedily in that order; a finding is matched at most once.

Candidates that tie on the whole sort key involve findings with identical content, which
are interchangeable, so the matched content (and every count derived from it) does not
depend on the order findings were given in, and is the same in both directions. Greedy
matching prefers the closest pairs; in rare chains it can match fewer pairs than a maximum
matching would, which is the price of a rule a reader can apply by hand.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from assay.model import Finding

DEFAULT_TOLERANCE = 3

ContentKey = tuple[str, str, int, int, int, int, str, str, str, str, str]


def content_key(f: Finding) -> ContentKey:
    """Every reported field of a finding, as a sortable tuple (the tie-breaker of matching)."""
    return (f.family, f.path, f.span.start_line, f.span.end_line, f.span.start_col or 0,
            f.span.end_col or 0, f.rule_id, f.scanner, f.severity.value, f.fingerprint,
            f.message)


def compatible(a: Finding, b: Finding, tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """True when `a` and `b` may match: same family and path, spans within tolerance."""
    if a.family != b.family or a.path != b.path:
        return False
    if tolerance == 0:
        return (a.span.start_line, a.span.end_line) == (b.span.start_line, b.span.end_line)
    return a.span.overlaps(b.span, tolerance)


@dataclass(frozen=True)
class Match:
    """One matched pair: `left` from the first run, `right` from the second."""

    left: Finding
    right: Finding
    distance: int


@dataclass(frozen=True)
class Matching:
    """The result of matching two finding sets one-to-one."""

    pairs: tuple[Match, ...]
    left_only: tuple[Finding, ...]
    right_only: tuple[Finding, ...]

    @property
    def jaccard(self) -> float:
        """|matched| / (|left| + |right| - |matched|); 1.0 when both sides are empty."""
        return jaccard_of(len(self.pairs), len(self.pairs) + len(self.left_only),
                          len(self.pairs) + len(self.right_only))


def jaccard_of(matched: int, left: int, right: int) -> float:
    """Jaccard index from counts; two empty sets are identical (1.0)."""
    union = left + right - matched
    return 1.0 if union == 0 else matched / union


class FindingIndex:
    """Findings prepared for repeated matching: grouped, sorted and content-keyed once."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        self.keys = [content_key(f) for f in self.findings]
        groups: dict[tuple[str, str], list[int]] = {}
        for i, f in enumerate(self.findings):
            groups.setdefault((f.family, f.path), []).append(i)
        self.groups = {g: _sorted_group(ix, self.findings, self.keys)
                       for g, ix in groups.items()}

    def __len__(self) -> int:
        return len(self.findings)


@dataclass(frozen=True)
class _Group:
    order: tuple[int, ...]
    starts: tuple[int, ...]
    max_len: int


def _sorted_group(ix: list[int], findings: Sequence[Finding], keys: list[ContentKey]) -> _Group:
    order = sorted(ix, key=lambda i: (findings[i].span.start_line, keys[i]))
    starts = tuple(findings[i].span.start_line for i in order)
    max_len = max(findings[i].span.end_line - findings[i].span.start_line for i in order)
    return _Group(tuple(order), starts, max_len)


def match_indexed(a: FindingIndex, b: FindingIndex,
                  tolerance: int = DEFAULT_TOLERANCE) -> list[tuple[int, int, int]]:
    """Matched pairs as (index in a, index in b, distance), following the module's rule."""
    if tolerance < 0:
        raise ValueError(f"line tolerance must be >= 0, got {tolerance}")
    pairs: list[tuple[int, int, int]] = []
    for group, ga in a.groups.items():
        gb = b.groups.get(group)
        if gb is not None:
            pairs.extend(_match_group(a, ga, b, gb, tolerance))
    return pairs


def _match_group(a: FindingIndex, ga: _Group, b: FindingIndex, gb: _Group,
                 tolerance: int) -> list[tuple[int, int, int]]:
    if len(ga.order) == 1 and len(gb.order) == 1:
        i, j = ga.order[0], gb.order[0]
        d = _distance(a.findings[i], b.findings[j], tolerance)
        return [] if d is None else [(i, j, d)]
    candidates = []
    for i in ga.order:
        fa = a.findings[i]
        lo = bisect_left(gb.starts, fa.span.start_line - tolerance - gb.max_len)
        hi = bisect_right(gb.starts, fa.span.end_line + tolerance)
        for j in gb.order[lo:hi]:
            d = _distance(fa, b.findings[j], tolerance)
            if d is not None:
                ka, kb = a.keys[i], b.keys[j]
                candidates.append((d, min(ka, kb), max(ka, kb), i, j))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for d, _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j, d))
    return out


def _distance(fa: Finding, fb: Finding, tolerance: int) -> int | None:
    sa, sb = fa.span, fb.span
    if tolerance == 0:
        return 0 if (sa.start_line, sa.end_line) == (sb.start_line, sb.end_line) else None
    if not sa.overlaps(sb, tolerance):
        return None
    return abs(sa.start_line - sb.start_line) + abs(sa.end_line - sb.end_line)


def match(left: Sequence[Finding], right: Sequence[Finding],
          tolerance: int = DEFAULT_TOLERANCE) -> Matching:
    """Match two finding sets one-to-one (see the module docstring for the rule).

    `pairs` are sorted by the left finding's canonical order; unmatched findings are
    returned in canonical order too.
    """
    ia, ib = FindingIndex(left), FindingIndex(right)
    pairs = match_indexed(ia, ib, tolerance)
    used_a = {i for i, _, _ in pairs}
    used_b = {j for _, j, _ in pairs}
    matches = sorted((Match(ia.findings[i], ib.findings[j], d) for i, j, d in pairs),
                     key=lambda m: (content_key(m.left), content_key(m.right)))
    return Matching(
        pairs=tuple(matches),
        left_only=tuple(sorted((f for i, f in enumerate(ia.findings) if i not in used_a),
                               key=content_key)),
        right_only=tuple(sorted((f for j, f in enumerate(ib.findings) if j not in used_b),
                                key=content_key)),
    )


def jaccard(left: Sequence[Finding], right: Sequence[Finding],
            tolerance: int = DEFAULT_TOLERANCE) -> float:
    """Jaccard index of two finding sets under one-to-one matching."""
    return jaccard_of(len(match_indexed(FindingIndex(left), FindingIndex(right), tolerance)),
                      len(left), len(right))
