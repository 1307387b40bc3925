"""Small builders of findings and runs for measurement tests."""

from __future__ import annotations

from collections.abc import Sequence

from assay.model import (
    Confidence,
    Coverage,
    Finding,
    Metrics,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    ScannerOutcome,
    Severity,
    Span,
    StageMetrics,
    Target,
)


def finding(path: str = "app.py", start: int = 10, end: int | None = None, cwe: int | None = 89,
            severity: Severity = Severity.HIGH, scanner: str = "llm", rule: str = "r1",
            message: str = "m") -> Finding:
    """A finding with the fields matching looks at."""
    return Finding(scanner=scanner, rule_id=rule, path=path,
                   span=Span(start, start if end is None else end), severity=severity,
                   confidence=Confidence.MEDIUM, message=message, cwe=cwe)


def run(run_id: str, findings: Sequence[Finding] = (), commit: str | None = "c0ffee",
        scanner: str = "llm", status: RunStatus = RunStatus.COMPLETE,
        reasons: Sequence[str] = (), seconds: float = 1.0, tokens_in: int = 0,
        tokens_out: int = 0, cost: float = 0.0) -> Run:
    """A run of one scanner at one commit."""
    stages = (StageMetrics("scan", seconds, tokens_in=tokens_in, tokens_out=tokens_out,
                           cost=cost),)
    return Run(
        id=RunId(run_id), status=status,
        provenance=Provenance("0.1.0", (ScannerInfo(scanner, "1"),), "cfg",
                              Target("/repo", commit=commit)),
        coverage=Coverage(), findings=tuple(findings),
        scanners=(ScannerOutcome(scanner, status, reasons[0] if reasons else ""),),
        reasons=tuple(reasons), metrics=Metrics("2026-01-01T00:00:00Z", seconds, stages))
