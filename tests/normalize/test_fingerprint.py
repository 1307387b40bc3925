"""Fingerprints survive line shifts and unrelated edits, and tell identical code apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.model import Confidence, Finding, Severity, Span
from assay.normalize.fingerprint import assign_fingerprints, normalize_code, snippet_at

SOURCE = [
    "import hashlib",
    "def digest(x):",
    "    return hashlib.md5(x).hexdigest()",
    "def other(y):",
    "    return hashlib.md5(y).hexdigest()",
]
ANCHOR_CODE = {"    return hashlib.md5(x).hexdigest()", "    return hashlib.md5(y).hexdigest()"}


def _finding_at(lines: list[str], line: int, path: str = "app.py", cwe: int = 328) -> Finding:
    return Finding(scanner="bandit", rule_id="B324", path=path, span=Span(line, line),
                   severity=Severity.HIGH, confidence=Confidence.HIGH, message="weak hash",
                   cwe=cwe, snippet=snippet_at(lines, line, line))


def _fingerprints(lines: list[str]) -> list[str]:
    anchors = [i + 1 for i, text in enumerate(lines) if text in ANCHOR_CODE]
    found = assign_fingerprints(_finding_at(lines, n) for n in anchors)
    return [f.fingerprint for f in sorted(found, key=lambda f: f.span.start_line)]


unrelated_line = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e"
                                                "\x85\u2028\u2029"),
                         max_size=40).filter(lambda t: t not in ANCHOR_CODE)


@settings(max_examples=200, deadline=None)
@given(above=st.lists(unrelated_line, max_size=30), between=st.lists(unrelated_line, max_size=5))
def test_inserting_lines_keeps_fingerprints(above: list[str], between: list[str]) -> None:
    shifted = [*above, *SOURCE[:3], *between, *SOURCE[3:]]
    assert _fingerprints(shifted) == _fingerprints(SOURCE)


@settings(max_examples=100, deadline=None)
@given(indent=st.integers(min_value=0, max_value=12))
def test_reindenting_keeps_fingerprint(indent: int) -> None:
    moved = [(" " * indent) + line.strip() if line in ANCHOR_CODE else line for line in SOURCE]
    original = _fingerprints(SOURCE)
    anchors = [i + 1 for i, text in enumerate(moved) if text.strip().startswith("return")]
    found = sorted(assign_fingerprints(_finding_at(moved, n) for n in anchors),
                   key=lambda f: f.span.start_line)
    assert [f.fingerprint for f in found] == original


def test_identical_code_gets_distinct_occurrences() -> None:
    lines = ["x = hashlib.md5(a)", "y = 1", "x = hashlib.md5(a)"]
    found = assign_fingerprints([_finding_at(lines, 1), _finding_at(lines, 3)])
    assert len({f.fingerprint for f in found}) == 2


def test_path_family_and_code_change_the_fingerprint() -> None:
    base = assign_fingerprints([_finding_at(SOURCE, 3)])[0].fingerprint
    assert assign_fingerprints([_finding_at(SOURCE, 3, path="b.py")])[0].fingerprint != base
    assert assign_fingerprints([_finding_at(SOURCE, 3, cwe=327)])[0].fingerprint != base
    edited = [*SOURCE[:2], "    return hashlib.md5(x + b'salt').hexdigest()", *SOURCE[3:]]
    assert assign_fingerprints([_finding_at(edited, 3)])[0].fingerprint != base


def test_normalize_code_ignores_whitespace_only() -> None:
    assert normalize_code(["a = f( x )"]) == normalize_code(["a=f(x)"])
    assert normalize_code(["a = f(x)"]) != normalize_code(["a = g(x)"])
