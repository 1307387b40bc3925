"""The public library API of assay: the use cases (`assay.app`) and the values they take
and return. The command line is a thin layer over the same functions.

    from assay.api import scan, drift
    result = scan("path/to/repo", rev="HEAD~1", scanners=["bandit", "semgrep"])
    print(result.run.status, len(result.run.findings))
"""

from __future__ import annotations

from assay.app.gate import gate, tier
from assay.app.measure import compare, consensus_scan, drift, evaluate_runs, load_runs
from assay.app.prove import prove, set_state
from assay.app.replay import replay
from assay.app.report import memo_for
from assay.app.scan import ScanResult, scan
from assay.choices import LlmMode
from assay.project import Project, default_ledger, locate_project

__all__ = [
    "LlmMode", "Project", "ScanResult", "compare", "consensus_scan", "default_ledger", "drift",
    "evaluate_runs", "gate", "load_runs", "locate_project", "memo_for", "prove", "replay",
    "scan", "set_state", "tier",
]
