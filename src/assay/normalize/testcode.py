"""Recognizing test code: test suites, fixtures, factories and test settings.

A finding in test code (a password in a fixture, `@override_settings(SECRET_KEY=...)`,
a `subprocess` call in a conftest) does not ship to users. It is recognized by its path
(the conventions pytest, unittest and Django follow) and, for a file whose path says
nothing, by what the source holds (pytest fixtures, `unittest.TestCase` classes,
Django's test tools).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_TEST_DIRS = frozenset({"test", "tests", "testing", "fixtures", "factories", "testdata",
                        "test_data", "testutils", "test_utils", "e2e", "functional_tests",
                        "integration_tests", "unit_tests"})
# `factory.py` is left out on purpose: Flask's application factory is production code
_TEST_FILES = re.compile(r"^(test_.*|.*_tests?|conftest|tests?|fixtures?|(.*_)?factories)\.py$")
# settings modules used only to run the test suite (Django's settings/test.py, ci.py)
_TEST_SETTINGS = re.compile(r"(^|/)settings/(test|tests|testing|ci)\.py$")
_TEST_SOURCE = re.compile(
    rb"^\s*(@pytest\.fixture\b|@override_settings\b|class \w+\((unittest\.)?TestCase\)|"
    rb"class \w+\(\w*(TestCase|TransactionTestCase|APITestCase)\)|"
    rb"def test_\w*\(|"
    rb"class \w+\(factory\.[\w.]*Factory\))",
    re.MULTILINE)
_SOURCE_EVIDENCE = 2  # at least this many test marks in a file whose path says nothing


def is_test_path(path: str) -> bool:
    """True for a repository path that test conventions reserve for tests: a `tests/`,
    `fixtures/` or `factories/` folder, `test_*.py`, `*_test.py`, `conftest.py`, ..."""
    parts = PurePosixPath(path).parts
    if any(p.lower() in _TEST_DIRS for p in parts[:-1]):
        return True
    return bool(parts) and (_TEST_FILES.match(parts[-1].lower()) is not None
                            or _TEST_SETTINGS.search(path) is not None)


def is_test_source(content: bytes) -> bool:
    """True when a file's source carries test marks (pytest fixtures, TestCase classes,
    Django's test tools, factory_boy factories) at least twice."""
    return len(_TEST_SOURCE.findall(content[:200_000])) >= _SOURCE_EVIDENCE


def why_test_code(path: str, content: bytes | None) -> str:
    """Why `path` is test code (its path or its source), or "" when it is not."""
    if is_test_path(path):
        return "its path follows test conventions"
    if content is not None and is_test_source(content):
        return "its source is a test module (fixtures, TestCase classes, test tools)"
    return ""
