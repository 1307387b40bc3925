"""Bandit, run in-process through its Python API, sharded across processes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from assay.ledger.result_cache import FileOutcome
from assay.model import (
    Confidence,
    Finding,
    FindingKind,
    ScannerInfo,
    Severity,
    SkippedFile,
    SkipReason,
    Span,
)
from assay.normalize.cwe import BANDIT, bandit_cwe
from assay.scanners.filescan import Analysis, FileScanner
from assay.scanners.interface import ScanContext, ScannerResult
from assay.scanners.workers import quiet_source_warnings

SHARD_SIZE = 40
IN_PROCESS_LIMIT = 60  # below this many files, worker start-up costs more than it saves

_SEVERITY = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW,
               "UNDEFINED": Confidence.LOW}

# Checks that match a code pattern whatever data reaches it, with the CWE by which a
# dataflow scanner decides them (normalize/cwe.py maps them the same way).
GATED_BY_DATAFLOW: dict[str, int] = {
    **{t: 78 for t in ("B404", "B601", "B602", "B603", "B604", "B605", "B606", "B607",
                       "B609")},
    **{t: 89 for t in ("B608", "B610", "B611")},
    **{t: 94 for t in ("B102", "B307")},
    **{t: 502 for t in ("B301", "B302", "B403", "B506")},
    **{f"B{n}": 611 for n in (*range(313, 320), *range(405, 412))},
    **{t: 79 for t in ("B308", "B701", "B702", "B703", "B704")},
    "B310": 918,
    # Hard-coded password checks match on names alone (`PASSWORD_FIELD = "password"`);
    # the pack's secret rules also filter placeholders and empty values.
    **{t: 798 for t in ("B105", "B106", "B107")},
}
# Of those, the checks that report the import of a module (`import pickle`), not a use:
# the checks of its calls (B301, B313-B320, B602-B607) report where it is used.
IMPORT_CHECKS = frozenset({"B403", "B404", *(f"B{n}" for n in range(405, 412))})


class Rating(NamedTuple):
    """The severity assay reports for a Bandit check by default, and why it differs."""

    severity: Severity
    why: str


# Bandit's own severity, changed where a web project's real code showed it to be noise
# (measured on six open-source web applications, see docs/rules.md): checks that match
# development scripts and clients, and checks that name a library rather than a flaw.
# `[scanners.bandit] severity = {B108 = "medium"}` (operator configuration) overrides.
DEFAULT_RATINGS: dict[str, Rating] = {
    "B101": Rating(Severity.INFO, "asserts: test code and internal invariants"),
    "B108": Rating(Severity.LOW, "fixed /tmp paths: scripts, defaults and ssl_context "
                                 "files; a risk on shared hosts only"),
    "B110": Rating(Severity.INFO, "try/except/pass is a code-quality pattern"),
    "B112": Rating(Severity.INFO, "try/except/continue is a code-quality pattern"),
    "B113": Rating(Severity.LOW, "no timeout: the client waits, nothing is exposed"),
    "B201": Rating(Severity.MEDIUM, "debug=True is in app.run, the development server"),
    "B413": Rating(Severity.MEDIUM, "the import names an unmaintained library, not a flaw"),
}


class BanditScanner(FileScanner):
    """Bandit's AST checks with assay's CWE mapping."""

    name = "bandit"
    kind = FindingKind.DETERMINISTIC
    in_process = True  # its checks run in assay's interpreter (or in worker processes)

    def __init__(self, skip_tests: Sequence[str] = (),
                 severity: Mapping[str, str] | None = None) -> None:
        self.skip_tests = tuple(sorted(skip_tests))
        self.ratings = ratings(severity or {})

    def info(self) -> ScannerInfo:
        """Bandit's version; the rules hash covers skipped tests and the CWE table."""
        try:
            version = importlib.metadata.version("bandit")
        except importlib.metadata.PackageNotFoundError:
            version = "missing"
        table = {k: v.cwe for k, v in sorted(BANDIT.items())}
        rated = {k: v.value for k, v in sorted(self.ratings.items())}
        material = json.dumps({"skip": self.skip_tests, "cwe": table, "severity": rated},
                              sort_keys=True)
        return ScannerInfo(self.name, version, hashlib.sha256(material.encode()).hexdigest())

    def unavailable(self) -> str:
        """Bandit is a dependency; report it if the install is broken."""
        try:
            importlib.metadata.version("bandit")
        except importlib.metadata.PackageNotFoundError:
            return "bandit is not installed"
        return ""

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Bandit over the files of `ctx`: a pattern-only engine, some of whose checks a
        dataflow scanner decides (`GATED_BY_DATAFLOW`)."""
        result = self.scan_files(ctx, self.info(), self.analyze)
        return replace(result, pattern_rules=frozenset(GATED_BY_DATAFLOW),
                       import_rules=IMPORT_CHECKS)

    def rate(self, finding: Finding) -> Finding:
        """`finding` at the severity assay's table (or the operator) gives its check."""
        severity = self.ratings.get(finding.rule_id)
        return finding if severity is None else replace(finding, severity=severity)

    def analyze(self, root: Path, paths: Sequence[str], ctx: ScanContext,
                report: Callable[[int], None]) -> Analysis:
        """Run Bandit over `paths`, in worker processes when there are many."""
        shards = [list(paths[i : i + SHARD_SIZE]) for i in range(0, len(paths), SHARD_SIZE)]
        analysis = Analysis()
        done = 0
        if ctx.jobs <= 1 or len(paths) < IN_PROCESS_LIMIT:
            for shard in shards:
                _merge(analysis, scan_files(str(root), shard, self.skip_tests), self.rate)
                done += len(shard)
                report(done)
            return analysis
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=ctx.jobs, mp_context=context,
                                 initializer=quiet_source_warnings) as pool:
            futures = {pool.submit(scan_files, str(root), s, self.skip_tests): s for s in shards}
            for future in as_completed(futures):
                try:
                    _merge(analysis, future.result(), self.rate)
                except Exception as exc:  # a worker died: its files are not analyzed
                    analysis.failed.extend(
                        SkippedFile(p, SkipReason.SCANNER_ERROR, self.name, f"worker: {exc}")
                        for p in futures[future])
                done += len(futures[future])
                report(done)
        return analysis


def ratings(overrides: Mapping[str, str]) -> dict[str, Severity]:
    """The severity of each re-rated check: the defaults, then the operator's overrides
    (`{"B201": "high"}`); ValueError names a severity that is not one."""
    table = {k: v.severity for k, v in DEFAULT_RATINGS.items()}
    for test_id, name in overrides.items():
        table[str(test_id)] = Severity.parse(str(name))
    return table


def _merge(analysis: Analysis, shard: dict[str, dict[str, Any]],
           rate: Callable[[Finding], Finding]) -> None:
    for path, raw in shard.items():
        skip = raw.get("skip")
        analysis.outcomes[path] = FileOutcome(
            tuple(rate(_finding(path, item)) for item in raw["issues"]),
            None if skip is None else SkippedFile(path, SkipReason(skip[0]), "bandit", skip[1]),
        )


def _finding(path: str, item: dict[str, Any]) -> Finding:
    start = int(item["line"])
    end = max(start, int(item["end_line"]))
    test_id = str(item["test_id"])
    return Finding(
        scanner="bandit",
        rule_id=test_id,
        path=path,
        span=Span(start, end, item["col"], None),
        severity=_SEVERITY.get(item["severity"], Severity.LOW),
        confidence=_CONFIDENCE.get(item["confidence"], Confidence.LOW),
        message=str(item["text"]),
        cwe=bandit_cwe(test_id, item["cwe"]),
        sources=(f"bandit:{test_id}",),
        tags=(str(item["test_name"]),),
    )


def scan_files(root: str, paths: list[str], skip_tests: tuple[str, ...]) -> dict[str, Any]:
    """Run Bandit on repo-relative `paths` under `root` (runs in a worker process).

    Returns plain data (picklable): per path, the issues and an optional skip.
    """
    from bandit.core import config as b_config
    from bandit.core import manager as b_manager

    for noisy in ("bandit", "stevedore"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    profile = {"exclude": list(skip_tests)} if skip_tests else None
    conf = b_config.BanditConfig()
    # `# nosec` comments are the scanned tree's own word: they never hide a finding
    mgr = b_manager.BanditManager(conf, "file", quiet=True, profile=profile,
                                  ignore_nosec=True)
    full = {os.path.join(root, p): p for p in paths}
    mgr.files_list = sorted(full)
    mgr.run_tests()
    out: dict[str, Any] = {p: {"issues": [], "skip": None} for p in paths}
    for fname, reason in mgr.skipped:
        rel = full.get(fname, fname)
        kind = SkipReason.SYNTAX_ERROR if "syntax error" in reason else SkipReason.SCANNER_ERROR
        out[rel]["skip"] = (kind.value, str(reason))
    for issue in mgr.get_issue_list():
        rel = full.get(issue.fname, issue.fname)
        out[rel]["issues"].append({
            "test_id": issue.test_id,
            "test_name": issue.test,
            "severity": issue.severity,
            "confidence": issue.confidence,
            "cwe": issue.cwe.id if issue.cwe else None,
            "text": issue.text,
            "line": issue.lineno,
            "end_line": max(issue.linerange) if issue.linerange else issue.lineno,
            "col": (issue.col_offset or 0) + 1,
        })
    return out
