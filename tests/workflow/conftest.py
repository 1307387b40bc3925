"""Fixtures of the workflow tests: the scripted LLM provider server (tests/llm/fakeserver.py)."""

from tests.llm.fakeserver import fake_llm  # noqa: F401 - the fixture
