"""A pytest plugin loaded into every proof run (copied next to the proof, loaded with -p).

It records, for each test, the outcome of each phase and, for a failure, the exception
type, whether it is an AssertionError and whether it was raised in the proof file itself,
then prints one JSON report between marker lines at the very end of the output (the
sandbox has no writable place the host can read afterwards). The markers carry a nonce
the runner chose, so output that merely looks like a report is not taken for one.

This module must import only the standard library and pytest: it runs in the
interpreter that runs the proof, which need not have assay installed.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

MARKER = "@@assay-proof-report"
_NONCE = os.environ.pop("ASSAY_PROOF_NONCE", "")
_PROOF = os.environ.pop("ASSAY_PROOF_FILE", "")
_state: dict[str, Any] = {"tests": {}, "collect_errors": [], "exitstatus": None}


def _short(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _test(nodeid: str) -> dict[str, Any]:
    tests: dict[str, dict[str, Any]] = _state["tests"]
    return tests.setdefault(nodeid, {"phases": {}, "exception": None})


def pytest_collectreport(report: Any) -> None:
    """Collection errors (syntax errors, failing imports) make the proof broken."""
    if report.failed:
        _state["collect_errors"].append({"nodeid": report.nodeid,
                                         "message": _short(str(report.longreprtext))})


def pytest_exception_interact(node: Any, call: Any, report: Any) -> None:
    """The exception behind a failure: its type and where it was raised."""
    excinfo = getattr(call, "excinfo", None)
    if excinfo is None or getattr(report, "when", None) is None:
        return
    raised_in = ""
    with contextlib.suppress(IndexError, AttributeError):
        raised_in = str(excinfo.traceback[-1].path)
    _test(report.nodeid)["exception"] = {
        "type": excinfo.typename,
        "assertion": isinstance(excinfo.value, AssertionError),
        "in_proof": bool(_PROOF) and os.path.realpath(raised_in) == os.path.realpath(_PROOF),
        "message": _short(str(excinfo.exconly()), 1000),
        "when": report.when,
    }


def pytest_runtest_logreport(report: Any) -> None:
    """The outcome of each phase (setup, call, teardown) of each test."""
    outcome = report.outcome
    if getattr(report, "wasxfail", None) is not None:
        outcome = "xfailed" if report.skipped else "xpassed"
    _test(report.nodeid)["phases"][report.when] = outcome


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    """pytest's own exit status, for the record."""
    _state["exitstatus"] = int(exitstatus)


def pytest_unconfigure(config: Any) -> None:
    """Print the report last, straight to file descriptor 1."""
    text = json.dumps(_state, sort_keys=True)
    os.write(1, f"\n{MARKER}-begin-{_NONCE}\n{text}\n{MARKER}-end-{_NONCE}\n".encode())
