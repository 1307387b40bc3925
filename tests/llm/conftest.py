"""Fixtures of the LLM harness tests: the fake provider server (see fakeserver.py)."""

from tests.llm.fakeserver import fake_llm  # noqa: F401 - the fixture
