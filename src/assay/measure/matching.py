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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assay.model import Finding

DEFAULT_TOLERANCE = 3

ContentKey = tuple[str, str, int, int, int, int, str, str, str, str, str]


def content_key(f: Finding) -> ContentKey:
    """Every reported field of a finding, as a sortable tuple (the tie-breaker of matching).

    Family and path come first and start and end line next: matching reads them from here.
    """
    span = f.span
    return (f"CWE-{f.cwe}" if f.cwe is not None else f.rule_id, f.path, span.start_line,
            span.end_line, span.start_col or 0, span.end_col or 0, f.rule_id, f.scanner,
            f.severity, f.fingerprint, f.message)


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
    """Findings prepared for repeated matching: content-keyed and grouped once.

    Indexes can grow (`extend`), which is how clusters of repeated runs are built.
    """

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self.findings: list[Finding] = []
        self.keys: list[ContentKey] = []
        self.groups: dict[tuple[str, str], list[int]] = {}
        self._sorted: dict[tuple[str, str], _Group] = {}
        self.extend(findings)

    def __len__(self) -> int:
        return len(self.findings)

    def extend(self, findings: Iterable[Finding],
               keys: Iterable[ContentKey] | None = None) -> None:
        """Add findings (indexes continue from the current length); `keys` if known."""
        found = list(findings)
        new_keys = list(keys) if keys is not None else [content_key(f) for f in found]
        if len(new_keys) != len(found):
            raise ValueError("one key per finding")
        groups, resorted = self.groups, self._sorted
        index = len(self.keys)
        for key in new_keys:
            group = (key[0], key[1])
            members = groups.get(group)
            if members is None:
                groups[group] = [index]
            else:
                members.append(index)
                resorted.pop(group, None)
            index += 1
        self.findings.extend(found)
        self.keys.extend(new_keys)

    def sorted_group(self, group: tuple[str, str]) -> _Group:
        """A group's members sorted by start line, with what bisecting them needs."""
        found = self._sorted.get(group)
        if found is None:
            keys = self.keys
            order = sorted(self.groups[group], key=lambda i: (keys[i][2], keys[i]))
            found = _Group(tuple(order), tuple(keys[i][2] for i in order),
                           max(keys[i][3] - keys[i][2] for i in order))
            self._sorted[group] = found
        return found


@dataclass(frozen=True)
class _Group:
    order: tuple[int, ...]
    starts: tuple[int, ...]
    max_len: int


def match_indexed(a: FindingIndex, b: FindingIndex,
                  tolerance: int = DEFAULT_TOLERANCE) -> list[tuple[int, int, int]]:
    """Matched pairs as (index in a, index in b, distance), following the module's rule."""
    if tolerance < 0:
        raise ValueError(f"line tolerance must be >= 0, got {tolerance}")
    pairs: list[tuple[int, int, int]] = []
    ka, kb = a.keys, b.keys
    small, large = (a.groups, b.groups) if len(a.groups) <= len(b.groups) else (b.groups,
                                                                                 a.groups)
    for group, members in small.items():
        other = large.get(group)
        if other is None:
            continue
        ia, ib = (members, other) if small is a.groups else (other, members)
        if len(ia) == 1 and len(ib) == 1:
            i, j = ia[0], ib[0]
            x, y = ka[i], kb[j]
            # one candidate: inline `_distance` (this loop is the hot path of drift)
            if tolerance == 0:
                if x[2] == y[2] and x[3] == y[3]:
                    pairs.append((i, j, 0))
            elif x[2] - tolerance <= y[3] and y[2] - tolerance <= x[3]:
                pairs.append((i, j, abs(x[2] - y[2]) + abs(x[3] - y[3])))
        else:
            pairs.extend(_match_group(a, a.sorted_group(group), b, b.sorted_group(group),
                                      tolerance))
    return pairs


def _match_group(a: FindingIndex, ga: _Group, b: FindingIndex, gb: _Group,
                 tolerance: int) -> list[tuple[int, int, int]]:
    candidates = []
    for i in ga.order:
        ka = a.keys[i]
        lo = bisect_left(gb.starts, ka[2] - tolerance - gb.max_len)
        hi = bisect_right(gb.starts, ka[3] + tolerance)
        for j in gb.order[lo:hi]:
            kb = b.keys[j]
            d = _distance(ka, kb, tolerance)
            if d is not None:
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


def compatible_keys(ka: ContentKey, kb: ContentKey, tolerance: int) -> bool:
    """`compatible` for two content keys."""
    return ka[:2] == kb[:2] and _distance(ka, kb, tolerance) is not None


def _distance(ka: ContentKey, kb: ContentKey, tolerance: int) -> int | None:
    """Line distance of two compatible findings' spans (keys hold start, end at 2, 3)."""
    if tolerance == 0:
        return 0 if ka[2] == kb[2] and ka[3] == kb[3] else None
    if ka[2] - tolerance > kb[3] or kb[2] - tolerance > ka[3]:
        return None
    return abs(ka[2] - kb[2]) + abs(ka[3] - kb[3])


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
