"""The severity policy: a deterministic finding blocks only when the tier is confident.

Applied to a run's findings after the engines' merge, before fingerprints. A finding
keeps its severity when the tier is confident: taint from a real source to a real sink,
a pattern dangerous wherever it appears, a credential recognized by its format or its
value. Otherwise its severity is lowered (at most `medium`, or `low`) so that it is
reported but does not block at the default threshold, and it says why: a tag
`policy:<reason>`, a tag `was:<severity>` and a sentence in its rationale. Nothing is
dropped, except test code under `test_code = "skip"`, an `assert` in test code
(Bandit's B101: how a test checks, not a weakness) and a credential a test made up (a
secret matched by its name or API; a provider's key format stays) in test code no
production file reaches, unless `test_code = "block"`, and a
pattern finding the taint rules did not confirm (`unconfirmed-by-taint`) on a line
whose flagged values are all constants (normalize/constant_args.py: positively not
attacker-controlled), and an unconfirmed check of a standard-library XML parser (Bandit's
B313-B319) in a file that switches no external entities on (since Python 3.7.1 none of
those parsers resolves one by default; the dataflow rules report a parser switched on
and fed request data), and an unconfirmed `urlopen` check (B310) whose URL can only be a
web URL or one of a constant set of remote hosts (normalize/url_checked.py), and an
unconfirmed subprocess check (B603, B607) of a call that runs a fixed program with a
list of arguments and no shell (normalize/fixed_program.py); the run records each by
count, and the summary line names them.

- **test code** (tests, fixtures, factories, test settings, by path; normalize/testcode.py)
  that no production file imports or names (normalize/testreach.py): `report` (default)
  lowers to `low`; `block` leaves it alone; `skip` leaves it out.
- **name-only secrets**: a literal that only its variable's name calls a credential
  (`new_password="newpassword"`, `SECRET_KEY = "secret key"`) is `low`; a random-looking
  value, or one passed to an API that takes a key, keeps its severity
  (normalize/secretvalue.py).
- **non-security digests**: a weak hash (CWE-328) whose function, neighbouring lines or
  path say it serves as a cache or rate-limit key, an ETag, a checksum or a Gravatar URL
  is `low`; any other keeps its severity (a pattern cannot see what a digest protects).
- **non-security randomness**: a predictable random value (CWE-330) whose line,
  neighbouring lines and function name no secret (a token, a password, a key, a nonce, a
  salt, a one-time code, a session or cookie value, ...), or name a cache key, is `low`:
  on six web applications these were shuffles, jitter, sample data and test fixtures.
- **low confidence**: a finding its engine marks low-confidence is at most `medium`.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from assay.model import Confidence, Finding, FindingKind, Severity
from assay.normalize import constant_args, folding, reaching, regex_guard, route_params
from assay.normalize.constant_args import ConstantLines
from assay.normalize.fixed_program import CHECKS as FIXED_PROGRAM_CHECKS
from assay.normalize.fixed_program import fixed_program
from assay.normalize.merge import UNCONFIRMED
from assay.normalize.secretvalue import SecretStrength, finding_strength
from assay.normalize.testcode import is_test_path, why_test_code
from assay.normalize.testreach import ProductionReach, ReachMemo
from assay.normalize.url_checked import url_checked

SECRET_RULES = frozenset({"assay.python.hardcoded-secret", "B105", "B106", "B107"})
# rules that report a literal because an API takes it as a key (its name aside): a
# finding one of them also reported is no name-only secret
KEY_API_RULES = frozenset({"assay.python.hardcoded-cipher-key",
                           "assay.python.hardcoded-signing-key"})
# checks whose every finding in test code is the test's own mechanism: `assert` is how a
# pytest test checks (on six web applications, 7,102 of 7,194 of these were in tests)
TEST_MECHANISM_RULES = frozenset({"B101"})
TEST_ASSERTS = "policy.test_asserts"  # the provenance key: how many were not reported
# credentials a test makes up (`client.login(password="Fr3d-pass!word")`, a test
# settings' key), matched by a name or an API: on six web applications, 208 findings,
# all in tests. A provider's key format (`AKIA...`, `sk_live_...`) is a leaked key
# wherever it is, and stays.
TEST_FIXTURE_RULES = frozenset({"assay.python.hardcoded-secret", "B105", "B106", "B107"})
TEST_CREDENTIALS = "policy.test_credentials"
CONSTANT_ARGUMENTS = "policy.constant_arguments"  # the same for constant-only lines
STDLIB_XML = "policy.stdlib_xml"  # the same for standard-library XML parsers left safe
CHECKED_URLS = "policy.checked_urls"  # the same for a URL that can only be a web URL
FIXED_PROGRAMS = "policy.fixed_programs"  # and for a fixed program's argument list
URL_OPEN_CHECKS = frozenset({"B310"})  # urlopen: `file:` and custom schemes too
STDLIB_XML_CHECKS = frozenset({"B313", "B314", "B315", "B316", "B317", "B318", "B319"})
# a feature that makes a SAX (or pulldom) parser resolve external entities, by its name
# or its URL; an expat parser told to read parameter entities or a foreign DTD
_ENTITY_FEATURE = re.compile(
    rb"external_[gp]es|http://xml\.org/sax/features/external-(?:general|parameter)"
    rb"-entities|SetParamEntityParsing|UseForeignDTD")
# any feature set to a value other than False, unless it is one that resolves nothing
# (a feature built at run time, `getattr(handler, "feature_" + name)`, may be one)
_FEATURE_SET = re.compile(rb"setFeature\(\s*([^,()]*(?:\([^()]*\))?[^,()]*),\s*([^()]*?)\s*\)")
_HARMLESS_FEATURE = re.compile(
    rb"feature_(?:namespaces|namespace_prefixes|string_interning|validation)\s*$")
# the feature switched off where it is named (`parser.setFeature(feature_external_ges,
# False)`), or only imported (under its own name: an alias may be switched on unseen)
_ENTITY_FEATURE_OFF = re.compile(
    rb"setFeature\(\s*(?:[\w.]*\.)?(?:feature_external_[gp]es|[\"']http://xml\.org/sax/"
    rb"features/external-(?:general|parameter)-entities[\"'])\s*,\s*(?:False|0)\s*\)"
    rb"|^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t](?![^\n]*\bas\b)[^\n(]*$",
    re.MULTILINE)
WEAK_HASH_CWE = 328
_NON_SECURITY_DIGEST = re.compile(
    r"(?i)gravatar|cache|etag|checksum|fingerprint|rate_?limit|throttle|dedup|"
    r"usedforsecurity|file_?hash|content_?hash|hash_?file|shard|bucket|unique_?key|"
    r"cache_?key|\bkey\(")
WEAK_RANDOM_CWE = 330
# what a predictable random value must not make: a value an attacker who predicts it
# gains by (an identifier of something private, a secret, a one-time code)
_SECRET_PURPOSE = re.compile(
    r"(?i)token|secret|passw|passphrase|nonce|salt|\botp\b|totp|hotp|csrf|xsrf|"
    # a web session's value, not a database session's call (`db.session.add(row)`)
    r"(?<!\.)\bsession(?!\.)|"
    r"cookie|api_?key|\bauth(?!or)|credential|verif|reset|invit|captcha|signature|"
    r"sign(ing)?_?key|private_?key|crypt|cipher|\biv\b|\bkey\b|\bcode\b|\bpin\b|"
    r"one_?time|activation|confirm|unsubscribe|magic_?link")
CONTEXT_LINES = 3  # lines either side of a digest or a random value that say what it is for
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
    test_asserts: int = 0
    constant: int = 0
    test_credentials: int = 0
    stdlib_xml: int = 0
    checked_urls: int = 0
    fixed_programs: int = 0

    def provenance(self) -> tuple[tuple[str, str], ...]:
        """Pairs for `Provenance.extra`."""
        lowered = ", ".join(f"{reason} x{n}" for reason, n in self.lowered)
        pairs = [("policy.test_code", self.test_code.value),
                 ("policy.lowered", lowered or "0")]
        if self.test_code is OnTestCode.SKIP:
            pairs.append(("policy.test_code_skipped", str(self.skipped_test_code)))
        if self.test_asserts:
            pairs.append((TEST_ASSERTS, str(self.test_asserts)))
        if self.test_credentials:
            pairs.append((TEST_CREDENTIALS, str(self.test_credentials)))
        if self.constant:
            pairs.append((CONSTANT_ARGUMENTS, str(self.constant)))
        if self.stdlib_xml:
            pairs.append((STDLIB_XML, str(self.stdlib_xml)))
        if self.checked_urls:
            pairs.append((CHECKED_URLS, str(self.checked_urls)))
        if self.fixed_programs:
            pairs.append((FIXED_PROGRAMS, str(self.fixed_programs)))
        return tuple(pairs)


class Tree(Protocol):
    """The files of the scanned tree, as the policy reads them: all of them, not only
    those in scope (a production file out of a diff's scope may import a test path)."""

    def paths(self) -> Sequence[str]:
        """Every readable file of the tree."""

    def read_many(self, paths: Iterable[str]) -> Mapping[str, bytes | None]:
        """Several files' contents (None for a file that cannot be read)."""

    def import_names(self, paths: Iterable[str]) -> Mapping[str, frozenset[str]]:
        """The names Python files may load (normalize/testreach.py `imported_names`)."""

    def reach_memo(self) -> ReachMemo | None:
        """Where the test-path files production reaches are kept for this tree state
        (None: worked out on every scan)."""

    def file_memo(self, kind: str) -> FileMemo | None:
        """Where documents about single files are kept, by each file's path and content
        (None: worked out on every scan)."""


class FileMemo(Protocol):
    """Documents about single files, kept by each file's path and content."""

    def get(self, paths: Iterable[str]) -> Mapping[str, str]:
        """The kept document of each of `paths` that has one."""

    def put(self, docs: Mapping[str, str]) -> None:
        """Keep a document for each file (by path)."""


@functools.cache
def constant_kind() -> str:
    """The memo's name for the constant-value verdicts on a file's lines, with a digest
    of the code that judges them: a changed judgement never reuses older verdicts."""
    digest = hashlib.sha256()
    for module in (constant_args, reaching, folding, regex_guard, route_params):
        digest.update(Path(str(module.__file__)).read_bytes())
    return f"constant-args/{digest.hexdigest()[:16]}"


def apply_policy(findings: Iterable[Finding], policy: Policy, tree: Tree) -> PolicyOutcome:
    """Apply `policy` to deterministic findings; LLM and human findings pass unchanged.
    Files are read only when a rule needs their text (the production files only when a
    finding on a test path would be lowered or skipped)."""
    files = _Files(tree)
    findings = list(findings)
    on_constants = files.on_constants([f for f in findings if UNCONFIRMED in f.tags
                                       and f.kind is FindingKind.DETERMINISTIC])
    out: list[Finding] = []
    counts: dict[str, int] = {}
    skipped = asserts = constant = credentials = xml = urls = programs = 0
    for finding in findings:
        if finding.kind is not FindingKind.DETERMINISTIC:
            out.append(finding)
            continue
        if id(finding) in on_constants:
            constant += 1  # positively not attacker-controlled
            continue
        if finding.rule_id in STDLIB_XML_CHECKS and UNCONFIRMED in finding.tags \
                and not files.entities_on(finding.path):
            xml += 1  # positively no external entity resolved
            continue
        if finding.rule_id in URL_OPEN_CHECKS and UNCONFIRMED in finding.tags \
                and files.url_checked(finding):
            urls += 1  # positively a web URL, or one of the remote hosts the code allows
            continue
        if finding.rule_id in FIXED_PROGRAM_CHECKS and UNCONFIRMED in finding.tags \
                and files.fixed_program(finding):
            programs += 1  # positively no shell and no command built from a value
            continue
        why_test, reached_by = files.why_test(finding, policy.test_code)
        if why_test and policy.test_code is OnTestCode.SKIP:
            skipped += 1
            continue
        own = _test_own(finding, why_test, policy, files)
        if own:
            asserts += own == TEST_ASSERTS  # a test's own check
            credentials += own == TEST_CREDENTIALS  # a test's made-up credential
            continue
        judged = _judge(finding, why_test, files)
        if reached_by:
            judged = _production_test_path(judged, reached_by)
        if judged.tags != finding.tags:
            reason = next(t for t in judged.tags if t.startswith("policy:"))[7:]
            counts[reason] = counts.get(reason, 0) + 1
        out.append(judged)
    return PolicyOutcome(tuple(out), tuple(sorted(counts.items())), skipped, policy.test_code,
                         asserts, constant, credentials, xml, urls, programs)


class _Files:
    """The files findings are in: each read at most once, when a rule needs its text."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.contents: dict[str, bytes | None] = {}
        # a module the judgement trusts by name, defined by the tree itself (`shlex.py`)
        parts = {part.removesuffix(".py") for path in tree.paths() for part in path.split("/")}
        self.shadowed = constant_args.TRUSTED_MODULES & parts
        self.reach = ProductionReach(tree.paths(), is_test_path, tree.read_many,
                                     tree.import_names, tree.reach_memo())

    def content(self, path: str) -> bytes | None:
        if path not in self.contents:
            self.contents[path] = self.tree.read_many([path]).get(path)
        return self.contents[path]

    def url_checked(self, finding: Finding) -> bool:
        """Whether the URL the finding's call opens can only be a web URL, or one of a
        constant set of remote hosts (normalize/url_checked.py)."""
        content = self.content(finding.path)
        return content is not None and url_checked(content, finding.span.start_line)

    def fixed_program(self, finding: Finding) -> bool:
        """Whether the subprocess call the finding flags runs a fixed program with a list
        of arguments and no shell (normalize/fixed_program.py)."""
        content = self.content(finding.path)
        return content is not None and fixed_program(content, finding.span.start_line)

    def entities_on(self, path: str) -> bool:
        """Whether the file may switch a parser's external entities on: it names such a
        feature other than to switch it off or import it, or sets a feature it cannot
        tell apart from one to anything but False (a file not read may)."""
        content = self.content(path)
        if content is None:
            return True
        named = len(_ENTITY_FEATURE.findall(content))
        if named > sum(len(_ENTITY_FEATURE.findall(m.group(0)))
                       for m in _ENTITY_FEATURE_OFF.finditer(content)):
            return True
        return any(value not in (b"False", b"0") and not _HARMLESS_FEATURE.search(feature)
                   for feature, value in _FEATURE_SET.findall(content))

    def on_constants(self, findings: Sequence[Finding]) -> set[int]:
        """The ids of those `findings` whose check flags constants only at their line;
        the verdicts are kept in the tree's file memo, so a rescan parses no file."""
        memo = self.tree.file_memo(f"{constant_kind()}/{','.join(sorted(self.shadowed))}")
        asked: dict[str, dict[str, list[Finding]]] = {}
        for finding in findings:
            question = f"{finding.span.start_line}:{finding.rule_id}:{finding.span.start_col}"
            asked.setdefault(finding.path, {}).setdefault(question, []).append(finding)
        kept = {p: _verdicts(d) for p, d in memo.get(asked).items()} if memo else {}
        fresh: dict[str, dict[str, bool]] = {}
        for path, questions in asked.items():
            known = kept.get(path, {})
            missing = [q for q in questions if q not in known]
            if missing:
                fresh[path] = {**known, **self._judge(path, [questions[q][0] for q in missing],
                                                         missing)}
        if memo is not None and fresh:
            memo.put({p: json.dumps(v, sort_keys=True) for p, v in fresh.items()})
        judged = {**kept, **fresh}
        return {id(f) for path, questions in asked.items() for q, same in questions.items()
                if judged[path][q] for f in same}

    def _judge(self, path: str, findings: list[Finding], questions: list[str],
               ) -> dict[str, bool]:
        content = self.content(path)
        lines = None if content is None else ConstantLines(content, self.shadowed)
        return {q: lines is not None and lines.constant(f.span.start_line, f.rule_id,
                                                         f.span.start_col)
                for q, f in zip(questions, findings, strict=True)}

    def why_test(self, finding: Finding, setting: OnTestCode) -> tuple[str, str]:
        """Why the finding is in test code ("" when it is not, or when that would change
        nothing), and the production file that reaches its test path ("" when none)."""
        why = why_test_code(finding.path)
        if not why or setting is OnTestCode.BLOCK:
            return "", ""
        if setting is OnTestCode.REPORT and not finding.severity.at_least(Severity.MEDIUM):
            return why, ""
        by = self.reach.by(finding.path)
        return ("", by) if by else (why, "")

    def context(self, path: str, line: int, own: bool = False) -> str:
        """The `def` line of the function around `line` and the lines near it (with `own`,
        those of that function only: not the end of the one before, not the next)."""
        content = self.content(path)
        if content is None:
            return ""
        lines = content.decode("utf-8", "replace").splitlines()
        start, end = max(0, line - 1 - CONTEXT_LINES), line + CONTEXT_LINES
        if own:  # from its own `def` to the next one's decorators or `def`
            start = max([start, *(n for n in range(start, min(line, len(lines)))
                                  if _DEF.match(lines[n]))])
            end = min([end, *(n for n in range(line, min(end, len(lines)))
                              if _DEF.match(lines[n]) or lines[n].lstrip().startswith("@"))])
        head = next((t.strip() for t in reversed(lines[:line]) if _DEF.match(t)), "")
        return "\n".join([head, *lines[start:end]])


def _judge(finding: Finding, why_test: str, files: _Files) -> Finding:
    """The finding with the first rule that lowers it applied (or itself)."""
    if why_test:
        return lower(finding, Severity.LOW, "test-code",
                     f"In test code ({why_test}): reported, not blocking.")
    keyed = finding.rule_id in KEY_API_RULES or any(s.split(":", 1)[-1] in KEY_API_RULES
                                                     for s in finding.sources)
    if not keyed and (finding.rule_id in SECRET_RULES or any(
            s.split(":", 1)[-1] in SECRET_RULES for s in finding.sources)):
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
    if finding.cwe == WEAK_RANDOM_CWE and _non_security_random(finding, files):
        return lower(finding, Severity.LOW, "non-security-random",
                     "Nothing near it says the value is a secret, a token or a one-time "
                     "code: reported, at low severity.")
    if finding.confidence is Confidence.LOW:
        return lower(finding, Severity.MEDIUM, "low-confidence",
                     "Its engine is not confident of it: reported, not blocking.")
    return finding


def _non_security_random(finding: Finding, files: _Files) -> bool:
    """Whether nothing near a predictable random value says it makes a secret, or what
    is near says it makes a cache key or a shard (`def new_key(): ...` in cache_key.py)."""
    context = f"{finding.snippet}\n{files.context(finding.path, finding.span.start_line, True)}"
    return not _SECRET_PURPOSE.search(context) or bool(
        _NON_SECURITY_DIGEST.search(f"{finding.path}\n{context}"))


def _test_own(finding: Finding, why_test: str, policy: Policy, files: _Files) -> str:
    """The provenance key counting `finding` when it is a test's own mechanism or
    fixture in a file no production code reaches (and test code is reported), else ""."""
    if not why_test or policy.test_code is not OnTestCode.REPORT:
        return ""
    key = TEST_ASSERTS if finding.rule_id in TEST_MECHANISM_RULES else \
        TEST_CREDENTIALS if finding.rule_id in TEST_FIXTURE_RULES else ""
    return key if key and not files.reach.by(finding.path) else ""


def _verdicts(doc: str) -> dict[str, bool]:
    """Kept verdicts (a document not read as such gives none: judged again)."""
    try:
        kept = json.loads(doc)
    except ValueError:
        return {}
    return {str(k): v for k, v in kept.items() if isinstance(v, bool)} \
        if isinstance(kept, dict) else {}


def _production_test_path(finding: Finding, by: str) -> Finding:
    """A finding on a test path that production code reaches, which says so."""
    why = (f"Its path follows test conventions, but production code reaches it ({by}): "
           "judged as production code.")
    return replace(finding, rationale=f"{finding.rationale} {why}".strip())


def lower(finding: Finding, ceiling: Severity, reason: str, why: str) -> Finding:
    """`finding` at most at `ceiling`, tagged with the reason and its former severity,
    the sentence `why` added to its rationale (itself when already at or below)."""
    if not finding.severity.at_least(ceiling) or finding.severity is ceiling:
        return finding
    tags = tuple(dict.fromkeys((*finding.tags, f"policy:{reason}",
                                f"was:{finding.severity.value}")))
    rationale = f"{finding.rationale} {why}".strip()
    return replace(finding, severity=ceiling, tags=tags, rationale=rationale)
