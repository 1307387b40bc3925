"""Small hand-made runs for the report tests."""

from __future__ import annotations

from collections.abc import Sequence

from assay.measure.truth import Granularity, Truth, TruthItem
from assay.model import (
    Confidence,
    Coverage,
    Finding,
    FindingKind,
    Metrics,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    ScannerOutcome,
    Severity,
    SkippedFile,
    SkipReason,
    Span,
    StageMetrics,
    Target,
)

COMMIT_A = "a" * 40
COMMIT_B = "b" * 40


def finding(scanner: str, path: str, line: int, cwe: int = 89,
            severity: Severity = Severity.HIGH) -> Finding:
    kind = FindingKind.LLM if scanner == "llm" else FindingKind.DETERMINISTIC
    return Finding(scanner=scanner, rule_id=f"{scanner}-rule", path=path,
                   span=Span(line, line), severity=severity, confidence=Confidence.MEDIUM,
                   message=f"{scanner} says CWE-{cwe}", cwe=cwe, kind=kind)


def make_run(run_id: str, scanner: str, commit: str, findings: Sequence[Finding],
             complete: bool = True, seconds: float = 1.0, tokens: int = 0,
             cost: float = 0.0, reason: str = "", root: str = "/srv/repo") -> Run:
    kind = FindingKind.LLM if scanner == "llm" else FindingKind.DETERMINISTIC
    extra = (("model", "test-model-2025-01-01"), ("prompt", "review@1.0.0")) if scanner == "llm" \
        else ()
    info = ScannerInfo(scanner, "1.2.3", rules_hash="f" * 64, kind=kind, extra=extra)
    skipped = () if complete else (SkippedFile("app/big.py", SkipReason.TIMEOUT, scanner),)
    stages = (StageMetrics("snapshot", wall_seconds=0.1),
              StageMetrics(f"scan:{scanner}", wall_seconds=seconds, tokens_in=tokens,
                           tokens_out=tokens // 10, cost=cost))
    return Run(
        id=RunId(run_id),
        status=RunStatus.COMPLETE if complete else RunStatus.INCOMPLETE,
        provenance=Provenance("0.1.0", (info,), "c" * 64, Target(root, commit=commit),
                              python="3.12"),
        coverage=Coverage(in_scope=3, analyzed=3 if complete else 2, skipped=skipped),
        findings=tuple(findings),
        scanners=(ScannerOutcome(scanner, RunStatus.COMPLETE if complete
                                 else RunStatus.INCOMPLETE, reason),),
        reasons=() if complete else (reason or "timeout",),
        metrics=Metrics(started_at="2025-01-01T00:00:00Z", wall_seconds=seconds + 0.1,
                        stages=stages),
    )


def mixed_runs() -> list[Run]:
    """Three bandit runs that agree, four llm runs that drift, on two commits, one incomplete."""
    base = [finding("bandit", "app/db.py", 10), finding("bandit", "app/hash.py", 4, cwe=328)]
    runs = [make_run(f"bandit-{c[0]}{i}", "bandit", c, base) for c in (COMMIT_A, COMMIT_B)
            for i in range(3)]
    llm_sets = [
        [finding("llm", "app/db.py", 10), finding("llm", "app/views.py", 22, cwe=79)],
        [finding("llm", "app/db.py", 11), finding("llm", "app/auth.py", 5, cwe=287,
                                                  severity=Severity.MEDIUM)],
        [finding("llm", "app/db.py", 10, severity=Severity.CRITICAL)],
        [finding("llm", "app/db.py", 9), finding("llm", "app/auth.py", 5, cwe=287)],
    ]
    runs += [make_run(f"llm-a{i}", "llm", COMMIT_A, fs, seconds=20.0, tokens=10_000, cost=0.25)
             for i, fs in enumerate(llm_sets)]
    runs.append(make_run("llm-a9", "llm", COMMIT_A, [], complete=False, seconds=60.0,
                         tokens=2_000, cost=0.05, reason="model refused to answer"))
    return runs


def small_truth() -> Truth:
    """db.py:10 is SQL injection, views.py:22 is XSS, hash.py:4 is a false alarm."""
    return Truth((TruthItem("app/db.py", 89, True, Span(10, 10)),
                  TruthItem("app/hash.py", 328, False, Span(4, 4)),
                  TruthItem("app/views.py", 79, True, Span(22, 22))),
                 Granularity.FINDING, "truth.yaml")
