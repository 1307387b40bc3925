"""The severity policy: a deterministic finding blocks only when the tier is confident.

Applied to a run's findings after the engines' merge, before fingerprints. A finding
keeps its severity when the tier is confident: taint from a real source to a real sink,
a pattern dangerous wherever it appears, a credential recognized by its format or its
value. Otherwise its severity is lowered (at most `medium`, or `low`) so that it is
reported but does not block at the default threshold, and it says why: a tag
`policy:<reason>`, a tag `was:<severity>` and a sentence in its rationale. Nothing is
dropped, except test code under `test_code = "skip"`, which the run records by count.

- **test code** (tests, fixtures, factories, test settings; normalize/testcode.py):
  `report` (default) lowers to `low`; `block` leaves it alone; `skip` leaves it out.
- **name-only secrets**: a literal that only its variable's name calls a credential
  (`new_password="newpassword"`, `SECRET_KEY = "secret key"`) is `low`; a random-looking
  value, or one passed to an API that takes a key, keeps its severity
  (normalize/secretvalue.py).
- **non-security digests**: a weak hash (CWE-328) whose function, neighbouring lines or
  path say it serves as a cache or rate-limit key, an ETag, a checksum or a Gravatar URL
  is `low`; any other keeps its severity (a pattern cannot see what a digest protects).
- **low confidence**: a finding its engine marks low-confidence is at most `medium`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from assay.model import Confidence, Finding, FindingKind, Severity
from assay.normalize.secretvalue import SecretStrength, finding_strength
from assay.normalize.testcode import why_test_code

SECRET_RULES = frozenset({"assay.python.hardcoded-secret", "B105", "B106", "B107"})
WEAK_HASH_CWE = 328
_NON_SECURITY_DIGEST = re.compile(
    r"(?i)gravatar|cache|etag|checksum|fingerprint|rate_?limit|throttle|dedup|"
    r"usedforsecurity|file_?hash|content_?hash|hash_?file|shard|bucket|unique_?key|"
    r"cache_?key|\bkey\(")
CONTEXT_LINES = 3  # lines either side of a digest that say what it is for
_DEF = re.compile(r"^\s*(async\s+)?def\s")


class OnTestCode(enum.StrEnum):
    """What findings in test code do."""

    REPORT = "report"  # reported at low severity: they do not block
    BLOCK = "block"  # reported as found: they block like production code
    SKIP = "skip"  # left out of the run; the run records how many

    @property
    def strictness(self) -> int:
        """Larger is stricter (skip < report < block): the tree may only raise it."""
        return {OnTestCode.SKIP: 0, OnTestCode.REPORT: 1, OnTestCode.BLOCK: 2}[self]


@dataclass(frozen=True)
class Policy:
    """The settings of the severity policy (`[scan] test_code`)."""

    test_code: OnTestCode = OnTestCode.REPORT


@dataclass(frozen=True)
class PolicyOutcome:
    """The findings after the policy, and what it did, for the run's provenance."""

    findings: tuple[Finding, ...]
    lowered: tuple[tuple[str, int], ...] = ()
    skipped_test_code: int = 0
    test_code: OnTestCode = OnTestCode.REPORT

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """Pairs for `Provenance.extra`."""
        lowered = ", ".join(f"{reason} x{n}" for reason, n in self.lowered)
        pairs = [("policy.test_code", self.test_code.value),
                 ("policy.lowered", lowered or "0")]
        if self.test_code is OnTestCode.SKIP:
            pairs.append(("policy.test_code_skipped", str(self.skipped_test_code)))
        return tuple(pairs)


Reader = Callable[[str], bytes | None]
"""The content of a file of the snapshot, or None when it cannot be read."""


def apply_policy(findings: Iterable[Finding], policy: Policy, read: Reader) -> PolicyOutcome:
    """Apply `policy` to deterministic findings; LLM and human findings pass unchanged.
    `read` gives a file's content (read only for files with findings whose path does
    not already say whether they are test code)."""
    files = _Files(read)
    out: list[Finding] = []
    counts: dict[str, int] = {}
    skipped = 0
    for finding in findings:
        if finding.kind is not FindingKind.DETERMINISTIC:
            out.append(finding)
            continue
        why_test = files.why_test(finding.path)
        if why_test and policy.test_code is OnTestCode.SKIP:
            skipped += 1
            continue
        judged = _judge(finding, why_test if policy.test_code is OnTestCode.REPORT else "", files)
        if judged is not finding:
            reason = next(t for t in judged.tags if t.startswith("policy:"))[7:]
            counts[reason] = counts.get(reason, 0) + 1
        out.append(judged)
    return PolicyOutcome(tuple(out), tuple(sorted(counts.items())), skipped, policy.test_code)


class _Files:
    """The files findings are in: each read at most once, when a rule needs its text."""

    def __init__(self, read: Reader) -> None:
        self.read = read
        self.contents: dict[str, bytes | None] = {}
        self.known: dict[str, str] = {}

    def content(self, path: str) -> bytes | None:
        if path not in self.contents:
            self.contents[path] = self.read(path)
        return self.contents[path]

    def why_test(self, path: str) -> str:
        if path not in self.known:
            self.known[path] = (why_test_code(path, None)
                                or why_test_code(path, self.content(path)))
        return self.known[path]

    def context(self, path: str, line: int) -> str:
        """The `def` line of the function around `line` and the lines near it."""
        content = self.content(path)
        if content is None:
            return ""
        lines = content.decode("utf-8", "replace").splitlines()
        above = lines[:line]
        head = next((t.strip() for t in reversed(above) if _DEF.match(t)), "")
        return "\n".join([head, *lines[max(0, line - 1 - CONTEXT_LINES) : line + CONTEXT_LINES]])


def _judge(finding: Finding, why_test: str, files: _Files) -> Finding:
    """The finding with the first rule that lowers it applied (or itself)."""
    if why_test:
        return lower(finding, Severity.LOW, "test-code",
                     f"In test code ({why_test}): reported, not blocking.")
    if finding.rule_id in SECRET_RULES or any(s.split(":", 1)[-1] in SECRET_RULES
                                               for s in finding.sources):
        single = finding.span.start_line == finding.span.end_line
        strength = finding_strength(finding.snippet, finding.span.start_col if single else None,
                                    finding.span.end_col if single else None)
        if strength is SecretStrength.WEAK:
            return lower(finding, Severity.LOW, "name-only-secret",
                         "Only the variable's name says this literal is a credential; the "
                         "value looks like a word, not a key: reported, not blocking.")
    if finding.cwe == WEAK_HASH_CWE:
        context = f"{finding.path}\n{finding.snippet}\n" \
            f"{files.context(finding.path, finding.span.start_line)}"
        if _NON_SECURITY_DIGEST.search(context):
            return lower(finding, Severity.LOW, "non-security-digest",
                         "The digest serves as a key or checksum, not as a security "
                         "control: reported, not blocking.")
    if finding.confidence is Confidence.LOW:
        return lower(finding, Severity.MEDIUM, "low-confidence",
                     "Its engine is not confident of it: reported, not blocking.")
    return finding


def lower(finding: Finding, ceiling: Severity, reason: str, why: str) -> Finding:
    """`finding` at most at `ceiling`, tagged with the reason and its former severity,
    the sentence `why` added to its rationale (itself when already at or below)."""
    if not finding.severity.at_least(ceiling) or finding.severity is ceiling:
        return finding
    tags = tuple(dict.fromkeys((*finding.tags, f"policy:{reason}",
                                f"was:{finding.severity.value}")))
    rationale = f"{finding.rationale} {why}".strip()
    return replace(finding, severity=ceiling, tags=tags, rationale=rationale)
