"""Semgrep's JSON output translated into findings and per-file outcomes."""

from __future__ import annotations

import json
from typing import Any

from assay.ledger.result_cache import FileOutcome
from assay.model import Confidence, Finding, SkippedFile, SkipReason, Span
from assay.normalize.cwe import parse_cwe
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep._pack import COPY_MARK, RuleMeta, severity_of

NAME = "semgrep"  # the scanner's name, on its findings and skips


def fail(analysis: Analysis, files: list[str], reason: SkipReason, detail: str) -> None:
    """Record that `files` could not be analyzed, and why."""
    analysis.failed.extend(SkippedFile(p, reason, NAME, detail) for p in files)
    analysis.error = detail


def translate(doc: dict[str, Any], chunk: list[str], meta: dict[str, RuleMeta],
              analysis: Analysis) -> None:
    """Add the outcomes one Semgrep run (`doc`) reports for the files of `chunk`."""
    wanted = set(chunk)
    broken = _rule_errors(doc)
    if broken:  # a rule that did not run leaves every file of the run unanalyzed by it
        fail(analysis, chunk, SkipReason.SCANNER_ERROR, broken)
        return
    errors = _file_errors(doc, wanted)
    scanned = {p for p in doc.get("paths", {}).get("scanned", []) if p in wanted}
    findings: dict[str, list[Finding]] = {p: [] for p in chunk}
    for result in doc.get("results", []):
        path = result.get("path")
        if path in findings:
            findings[path].append(_finding(result, meta))
    for path in chunk:
        if path in errors:
            reason, detail = errors[path]
            if reason is SkipReason.TIMEOUT:
                analysis.failed.append(SkippedFile(path, reason, NAME, detail))
            else:
                analysis.outcomes[path] = FileOutcome(
                    skip=SkippedFile(path, reason, NAME, detail))
        elif path in scanned:
            analysis.outcomes[path] = FileOutcome(tuple(findings[path]))
        else:
            analysis.failed.append(SkippedFile(path, SkipReason.SCANNER_ERROR, NAME,
                                               "semgrep did not scan the file"))


def _file_errors(doc: dict[str, Any], wanted: set[str]) -> dict[str, tuple[SkipReason, str]]:
    errors: dict[str, tuple[SkipReason, str]] = {}
    for error in doc.get("errors", []):
        if error.get("level") != "error":
            continue
        path = error.get("path") or next(
            (s.get("file") for s in error.get("spans", []) if s.get("file")), None)
        if path not in wanted:
            continue
        kind = str(error.get("type", ""))
        kind_text = kind if isinstance(error.get("type"), str) else json.dumps(error.get("type"))
        if "Timeout" in kind_text:
            reason = SkipReason.TIMEOUT
        elif "Syntax" in kind_text or "Parse" in kind_text or "Lexical" in kind_text:
            reason = SkipReason.SYNTAX_ERROR
        else:
            reason = SkipReason.SCANNER_ERROR
        errors[path] = (reason, (error.get("message") or kind_text).strip()[:300])
    return errors


def _rule_errors(doc: dict[str, Any]) -> str:
    """What went wrong when Semgrep could not read a rule ("" when every rule ran): such
    an error names no file, and the rule's files would otherwise look analyzed."""
    for error in doc.get("errors", []):
        kind = error.get("type")
        kind_text = kind if isinstance(kind, str) else json.dumps(kind)
        if error.get("level") == "error" and "Rule" in kind_text and not error.get("path"):
            first = str(error.get("message") or kind_text).strip().splitlines()[:1]
            return f"semgrep could not read a rule: {(first or [kind_text])[0][:200]}"
    return ""


def rule_id(check_id: str, meta: dict[str, RuleMeta]) -> str:
    """A rule's id as the pack names it: Semgrep prefixes rule ids with the config's
    directory, stripped back off (and the mark of a rule's copy for a group of files)."""
    check_id = check_id.split(COPY_MARK, 1)[0]
    if check_id in meta:
        return check_id
    for known in meta:
        if check_id.endswith("." + known):
            return known
    return check_id


def _finding(result: dict[str, Any], meta: dict[str, RuleMeta]) -> Finding:
    found = rule_id(str(result["check_id"]), meta)
    info = meta.get(found)
    extra = result.get("extra", {})
    start, end = result["start"], result["end"]
    cwe = info.cwe if info else parse_cwe(extra.get("metadata", {}).get("cwe"))
    return Finding(
        scanner=NAME,
        rule_id=found,
        path=str(result["path"]),
        span=Span(int(start["line"]), max(int(start["line"]), int(end["line"])),
                  int(start.get("col", 1)), int(end.get("col", 1))),
        severity=info.severity if info else severity_of(extra.get("severity")),
        confidence=info.confidence if info else Confidence.MEDIUM,
        message=str(extra.get("message", "")).strip(),
        cwe=cwe,
        sources=(f"semgrep:{found}",),
    )
