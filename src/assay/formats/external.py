"""Findings from external review commands: SARIF, claude-code-security-review's JSON, or
any JSON with a field mapping.

Every parser takes the decoded document and returns findings (FormatError when the
document is not what the format says). Paths are made repo-relative against the directory
the command ran in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict

from assay.formats.errors import FormatError
from assay.formats.reading import NestingError, parse_json
from assay.formats.sarif_read import sarif_to_runs
from assay.model import Confidence, Finding, FindingKind, RunStatus, Severity, Span
from assay.normalize.cwe import parse_cwe

CATEGORY_CWE: dict[str, int] = {
    "sql_injection": 89, "sqli": 89, "command_injection": 78, "os_command_injection": 78,
    "code_injection": 94, "rce": 94, "xss": 79, "cross_site_scripting": 79,
    "path_traversal": 22, "directory_traversal": 22, "ssrf": 918, "xxe": 611,
    "deserialization": 502, "insecure_deserialization": 502, "open_redirect": 601,
    "csrf": 352, "idor": 639, "authentication_bypass": 287, "auth_bypass": 287,
    "authorization_bypass": 285, "broken_access_control": 285, "hardcoded_secrets": 798,
    "hardcoded_credentials": 798, "weak_crypto": 327, "crypto": 327, "weak_hash": 328,
    "template_injection": 1336, "ssti": 1336, "ldap_injection": 90, "xpath_injection": 643,
    "nosql_injection": 943, "race_condition": 362, "log_injection": 117, "redos": 1333,
    "insecure_random": 330, "sensitive_data_exposure": 200, "information_disclosure": 200,
}
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class FieldMap(BaseModel):
    """Where each finding field is in a generic JSON document (dotted paths, `a.0.b`): the
    `[scanners.NAME.mapping]` table of a command scanner, validated where it is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    line: str
    findings: str = ""
    end_line: str = ""
    rule_id: str = ""
    message: str = ""
    severity: str = ""
    cwe: str = ""
    confidence: str = ""
    severity_values: dict[str, str] = {}


def relative_path(path: str, root: str) -> str:
    """A repo-relative path for one a tool wrote (absolute under `root`, `./x`, `file://`)."""
    text = path.removeprefix("file://")
    prefix = root.rstrip("/") + "/"
    if root and text.startswith(prefix):
        text = text[len(prefix):]
    return text.removeprefix("./")


def lookup(doc: Any, dotted: str) -> Any:
    """The value at a dotted path ('' is the document itself); None when absent."""
    value = doc
    for part in (p for p in dotted.split(".") if p):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def confidence_of(value: Any) -> Confidence:
    """A confidence from a word or a number (0..1, or 1..10)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        score = value / 10 if value > 1 else value
        return (Confidence.HIGH if score >= 0.8 else Confidence.MEDIUM if score >= 0.5
                else Confidence.LOW)
    text = str(value or "").strip().lower()
    return Confidence(text) if text in ("high", "medium", "low") else Confidence.MEDIUM


def severity_of(value: Any, table: Mapping[str, str] | None = None) -> Severity:
    """A severity from a tool's word (through `table` first); medium when unknown."""
    text = str(value or "").strip()
    if table and text in table:
        text = table[text]
    try:
        return Severity.parse(text)
    except ValueError:
        return {"error": Severity.HIGH, "warning": Severity.MEDIUM,
                "note": Severity.LOW}.get(text.lower(), Severity.MEDIUM)


def _line(value: Any, what: str) -> int:
    try:
        line = int(value)
    except (TypeError, ValueError):
        raise FormatError(f"{what}: line {value!r} is not a number") from None
    return max(line, 1)


def sarif_findings(doc: Any, root: str, scanner: str,
                   kind: FindingKind) -> tuple[list[Finding], list[str]]:
    """Findings of every run of a SARIF log, and the reasons of runs that were incomplete."""
    runs = sarif_to_runs(doc, root=root, name="command output")
    findings = [replace(f, scanner=scanner, kind=kind, path=relative_path(f.path, root))
                for run in runs for f in run.findings]
    reasons = [r for run in runs if run.status is RunStatus.INCOMPLETE for r in run.reasons]
    return findings, reasons


def _embedded_json(doc: Any) -> Any:
    """The review JSON inside a CLI wrapper (`{"result": "...```json {...}```"}`)."""
    if isinstance(doc, Mapping) and isinstance(doc.get("result"), str) and "findings" not in doc:
        text = doc["result"]
        fenced = _FENCE.search(text)
        body = fenced.group(1) if fenced else text[text.find("{"): text.rfind("}") + 1]
        try:
            return parse_json(body, "the findings JSON in the result text")
        except NestingError:
            raise
        except FormatError:
            raise FormatError("the result text holds no findings JSON") from None
    return doc


def claude_review_findings(doc: Any, root: str, scanner: str,
                           kind: FindingKind) -> tuple[list[Finding], list[str]]:
    """Findings of claude-code-security-review's JSON (`findings` of `file, line, severity,
    category, description, exploit_scenario, recommendation, confidence`)."""
    doc = _embedded_json(doc)
    items = doc if isinstance(doc, list) else doc.get("findings") if isinstance(doc, Mapping) \
        else None
    if not isinstance(items, list):
        raise FormatError("no 'findings' array in the review output")
    findings = [_claude_finding(i, item, root, scanner, kind) for i, item in enumerate(items)]
    summary = doc.get("analysis_summary") if isinstance(doc, Mapping) else None
    reasons = (["the review reports review_completed: false"]
               if isinstance(summary, Mapping) and summary.get("review_completed") is False
               else [])
    return findings, reasons


def _claude_finding(index: int, item: Any, root: str, scanner: str,
                    kind: FindingKind) -> Finding:
    if not isinstance(item, Mapping) or not item.get("file"):
        raise FormatError(f"findings[{index}] has no 'file'")
    category = str(item.get("category") or "security-review")
    slug = re.sub(r"[^a-z0-9]+", "_", category.lower()).strip("_")
    line = _line(item.get("line", 1), f"findings[{index}]")
    parts = [f"Exploit scenario: {item['exploit_scenario']}" if item.get("exploit_scenario")
             else "", f"Recommendation: {item['recommendation']}"
             if item.get("recommendation") else ""]
    return Finding(
        scanner=scanner, rule_id=slug or "security-review",
        path=relative_path(str(item["file"]), root), span=Span(line, line),
        severity=severity_of(item.get("severity")),
        confidence=confidence_of(item.get("confidence")),
        message=str(item.get("description") or category),
        cwe=parse_cwe(item.get("cwe")) or CATEGORY_CWE.get(slug), kind=kind,
        rationale="\n".join(p for p in parts if p))


def mapped_findings(doc: Any, fields: FieldMap, root: str, scanner: str,
                    kind: FindingKind) -> list[Finding]:
    """Findings of any JSON document, located by a field mapping."""
    items = lookup(doc, fields.findings)
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise FormatError(f"no findings array at {fields.findings or 'the top level'!r}")
    table = fields.severity_values
    out = []
    for i, item in enumerate(items):
        path = lookup(item, fields.path)
        if not isinstance(path, str) or not path:
            raise FormatError(f"finding {i}: no path at {fields.path!r}")
        start = _line(lookup(item, fields.line), f"finding {i}")
        end = _line(lookup(item, fields.end_line), f"finding {i}") if fields.end_line \
            and lookup(item, fields.end_line) is not None else start
        rule = lookup(item, fields.rule_id) if fields.rule_id else None
        out.append(Finding(
            scanner=scanner, rule_id=str(rule or "finding"),
            path=relative_path(path, root), span=Span(start, max(start, end)),
            severity=severity_of(lookup(item, fields.severity), table)
            if fields.severity else Severity.MEDIUM,
            confidence=confidence_of(lookup(item, fields.confidence))
            if fields.confidence else Confidence.MEDIUM,
            message=str(lookup(item, fields.message) or "") if fields.message else "",
            cwe=parse_cwe(lookup(item, fields.cwe)) if fields.cwe else None, kind=kind))
    return out
