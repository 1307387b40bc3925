"""Fixtures of the report tests."""

from tests.report.browser import browser

__all__ = ["browser"]
