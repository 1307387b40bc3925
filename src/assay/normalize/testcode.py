"""Recognizing test code: test suites, fixtures, factories and test settings.

A finding in test code (a password in a fixture, `@override_settings(SECRET_KEY=...)`,
a `subprocess` call in a conftest) does not ship to users. It is recognized by its path
only (the conventions pytest, unittest and Django follow), and only when no production
file reaches it (normalize/testreach.py). What a module holds (fixtures, `TestCase`
classes) is no evidence: a pull request can add test marks to a production module.
"""

from __future__ import annotations

import functools
import re

_TEST_DIRS = frozenset({"test", "tests", "testing", "fixtures", "factories", "testdata",
                        "test_data", "testutils", "test_utils", "e2e", "functional_tests",
                        "integration_tests", "unit_tests"})
# `factory.py` is left out on purpose: Flask's application factory is production code
_TEST_FILES = re.compile(r"^(test_.*|.*_tests?|conftest|tests?|fixtures?|(.*_)?factories)\.py$")
# settings modules used only to run the test suite (Django's settings/test.py, ci.py)
_TEST_SETTINGS = re.compile(r"(^|/)settings/(test|tests|testing|ci)\.py$")

@functools.lru_cache(maxsize=65536)
def is_test_path(path: str) -> bool:
    """True for a repository path that test conventions reserve for tests: a `tests/`,
    `fixtures/` or `factories/` folder, `test_*.py`, `*_test.py`, `conftest.py`, ..."""
    parts = [p for p in path.split("/") if p and p != "."]
    if any(p.lower() in _TEST_DIRS for p in parts[:-1]):
        return True
    return bool(parts) and (_TEST_FILES.match(parts[-1].lower()) is not None
                            or _TEST_SETTINGS.search(path) is not None)


def why_test_code(path: str) -> str:
    """Why `path` is test code by its path, or "" when it is not."""
    return "its path follows test conventions" if is_test_path(path) else ""
