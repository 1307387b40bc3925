"""Which regular expressions hold a value to plain characters: the forms read, the forms
refused, and a property: whatever a pattern judged plain accepts is plain."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.normalize.constant_args import ConstantLines
from assay.normalize.regex_guard import PLAIN, plain_pattern

PLAIN_PATTERNS = [
    (r"[a-z0-9_-]+", "fullmatch"),
    (r"^[A-Za-z0-9.]{1,32}$", "match"),
    (r"^[\w.-]+\Z", "search"),
    (r"^[a-z]+(-[a-z]+)*$", "match"),
    (r"(?:json|csv)", "fullmatch"),
    (r"\d{4}-\d{2}-\d{2}", "fullmatch"),
    (r"v\d+|latest", "fullmatch"),
]


@pytest.mark.parametrize(("pattern", "method"), PLAIN_PATTERNS)
def test_patterns_of_plain_characters(pattern: str, method: str) -> None:
    assert plain_pattern(pattern, method)


@pytest.mark.parametrize(("pattern", "method"), [
    (r"[a-z]+", "match"),             # a prefix only: "abc; rm -rf /" matches
    (r"[a-z]+$", "search"),           # a suffix only
    (r"^[a-z]+", "search"),
    (r"^v\d+|latest$", "match"),      # each alternative holds one end only
    (r".+", "fullmatch"),
    (r"[^;'\"]+", "fullmatch"),       # a negated class allows spaces and operators
    (r"[a-z ]+", "fullmatch"),
    (r"\S+", "fullmatch"),
    (r"[a-z]+\$", "fullmatch"),
    (r"(?=a)[a-z]+", "fullmatch"),
    (r"(?P<n>[a-z]+)", "fullmatch"),
    (r"[a-\x7e]+", "fullmatch"),
    (r"[!-~]+", "fullmatch"),
    (r"", "fullmatch"),
    (r"[a-z]+(", "fullmatch"),
    (r"[a-z", "fullmatch"),
    (r"[]", "fullmatch"),
    (r"\\", "fullmatch"),
    (r"a{1,x}", "fullmatch"),
])
def test_patterns_that_allow_more_or_hold_part(pattern: str, method: str) -> None:
    assert not plain_pattern(pattern, method)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PLAIN_PATTERNS), st.data())
def test_what_a_plain_pattern_accepts_is_plain(case: tuple[str, str], data: st.DataObject,
                                               ) -> None:
    pattern, method = case
    text = data.draw(st.from_regex(pattern, fullmatch=True))
    assert getattr(re, method)(pattern, text)
    # `$` also matches before a final newline: a line break ends the value, nothing
    # after it; `\d` and `\w` also match letters and digits of other scripts
    assert all(c in PLAIN or c.isalnum() for c in text.rstrip("\n"))


GUARDED = b"""\
import re

from flask import abort, request

SLUG = re.compile(r"[a-z0-9-]+")


def view(cursor, slug):
    if not SLUG.fullmatch(slug):
        abort(404)
    cursor.execute("SELECT * FROM pages WHERE slug = '%s'" % slug)
"""


def test_a_regular_expression_module_of_the_tree_or_the_file_is_no_evidence() -> None:
    # attack: a pull request adds its own `re.py` (a `compile` whose `fullmatch` is
    # always true), or binds `re` in the file; the guard then proves nothing
    line = GUARDED.count(b"\n")
    assert ConstantLines(GUARDED).constant(line, "B608")
    assert not ConstantLines(GUARDED, frozenset({"re"})).constant(line, "B608")
    rebound = GUARDED.replace(b"import re\n", b"import re\nimport fake as re\n")
    assert not ConstantLines(rebound).constant(line + 1, "B608")
