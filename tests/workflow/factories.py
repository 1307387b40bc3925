"""Plain findings and runs for workflow tests (real values, no mocks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assay.model import (
    Confidence,
    Coverage,
    Finding,
    FindingKind,
    Fingerprint,
    Metrics,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    Severity,
    Span,
    Target,
)


def finding(path: str = "app.py", line: int = 3, *, fp: str = "", scanner: str = "bandit",
            cwe: int | None = 89, rule: str = "B608", kind: FindingKind = FindingKind.DETERMINISTIC,
            severity: Severity = Severity.HIGH, end: int | None = None) -> Finding:
    return Finding(scanner=scanner, rule_id=rule, path=path, span=Span(line, end or line),
                   severity=severity, confidence=Confidence.HIGH, message="m", cwe=cwe,
                   kind=kind, fingerprint=Fingerprint(fp))


def llm_finding(fp: str, path: str = "app.py", line: int = 3, scanner: str = "llm") -> Finding:
    return finding(path, line, fp=fp, scanner=scanner, rule="sqli", kind=FindingKind.LLM)


def run(findings: Sequence[Finding], *, run_id: str = "r1", complete: bool = True,
        started_at: str = "2026-01-01T00:00:00Z",
        scanners: Sequence[str] | None = None) -> Run:
    names = scanners or sorted({f.scanner for f in findings}) or ["bandit"]
    kinds = {f.scanner: f.kind for f in findings}
    infos = tuple(ScannerInfo(n, "1", kind=kinds.get(n, FindingKind.DETERMINISTIC))
                  for n in names)
    provenance = Provenance("0", infos, "cfg", Target(root="/r", commit="c" * 40))
    status = RunStatus.COMPLETE if complete else RunStatus.INCOMPLETE
    return Run(id=RunId(run_id), status=status, provenance=provenance, coverage=Coverage(),
               findings=tuple(findings), reasons=() if complete else ("x: timeout",),
               metrics=Metrics(started_at=started_at))


def moved(f: Finding, lines: int) -> Finding:
    return replace(f, span=Span(f.span.start_line + lines, f.span.end_line + lines))
