"""SARIF 2.1.0 output (and the reader used to import SARIF from other tools).

One SARIF run with driver `assay`; each engine appears as a tool extension and rule ids
are namespaced `<scanner>/<rule>`. Rules carry CWE tags, a CWE taxonomy relationship and
`security-severity`; results carry GitHub's `primaryLocationLineHash` and assay's own
fingerprint and, for LLM findings, their trust state (`assay/state`), with a level that
reads as a confirmed problem only for findings that may block; skipped files are tool
execution notifications; the invocation's
`executionSuccessful` is false when the run is incomplete. No time stamps: identical runs
give identical bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from assay import __version__
from assay.formats import trust_view as tv
from assay.formats.json import coverage_to_dict, provenance_to_dict
from assay.model import (
    Finding,
    FindingKind,
    FlowRole,
    FlowStep,
    Run,
    Severity,
    sorted_findings,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/assay-security/assay"
BASELINE_STATES = ("new", "unchanged", "updated", "absent")
_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
_LEVEL_RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}


def confirmed(f: Finding, trust: tv.States | None) -> bool:
    """True for a finding that may block: deterministic or human, or a proven LLM one."""
    if f.phantom:
        return False
    return f.kind is not FindingKind.LLM or tv.state_of(f, trust) == "proven"


def level(f: Finding, trust: tv.States | None = None) -> str:
    """The SARIF level: by severity for a finding that may block; `note` for an LLM
    finding no proof has demonstrated (code scanning shows `error` and `warning` as
    problems found); `none` for a phantom (its quoted code is not in the file)."""
    if f.phantom:
        return "none"
    return _LEVEL[f.severity] if confirmed(f, trust) else "note"


def sarif_rule_id(finding: Finding) -> str:
    """The namespaced rule id: `<scanner>/<rule>`."""
    return f"{finding.scanner}/{finding.rule_id}"


def _uri(path: str) -> str:
    return quote(path, safe="/")


def _rules(findings: Sequence[Finding], trust: tv.States | None,
           ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    first: dict[str, Finding] = {}
    levels: dict[str, str] = {}
    confirms: set[str] = set()
    for f in findings:
        rid = sarif_rule_id(f)
        current = first.get(rid)
        if current is None or f.severity.rank > current.severity.rank:
            first[rid] = f
        lv = level(f, trust)
        if _LEVEL_RANK[lv] >= _LEVEL_RANK[levels.get(rid, "none")]:
            levels[rid] = lv
        if confirmed(f, trust):
            confirms.add(rid)
    rules = []
    for rid in sorted(first):
        f = first[rid]
        tags = ["security", *([f"external/cwe/cwe-{f.cwe}"] if f.cwe else []), *f.tags]
        properties: dict[str, Any] = {
            "tags": sorted(set(tags)),
            "precision": {"high": "high", "medium": "medium", "low": "low"}[
                f.confidence.value],
            "assay/scanner": f.scanner,
            "assay/kind": f.kind.value,
        }
        if rid in confirms:  # code scanning fails a check on a high security-severity
            properties["security-severity"] = f.severity.security_severity
        rule: dict[str, Any] = {
            "id": rid,
            "name": rid.replace("/", ".").replace("-", "_"),
            "shortDescription": {"text": f.message.split(". ")[0][:200] or rid},
            "defaultConfiguration": {"level": levels[rid]},
            "properties": properties,
        }
        if f.cwe:
            rule["relationships"] = [{"target": {"id": str(f.cwe), "toolComponent": {
                "name": "CWE"}}, "kinds": ["superset"]}]
        rules.append(rule)
    return rules, {r["id"]: i for i, r in enumerate(rules)}


def _baseline(result: dict[str, Any], state: str | None) -> dict[str, Any]:
    """Record a baseline state: SARIF's own values in `baselineState`, others as a property."""
    if state in BASELINE_STATES:
        result["baselineState"] = state
    if state is not None:
        result["properties"]["assay/baselineState"] = state
    return result


def _result(f: Finding, index: dict[str, int], trust: tv.States | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": f.span.start_line, "endLine": f.span.end_line}
    if f.span.start_col:
        region["startColumn"] = f.span.start_col
    if f.span.end_col:
        region["endColumn"] = f.span.end_col
    if f.snippet:
        region["snippet"] = {"text": f.snippet}
    fingerprints: dict[str, str] = {"assay/v1": f.fingerprint}
    if f.line_hash:
        fingerprints["primaryLocationLineHash"] = f.line_hash
    rid = sarif_rule_id(f)
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": level(f, trust),
        "message": {"text": f.message or rid},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
            "region": region}}],
        "partialFingerprints": fingerprints,
        "properties": {
            "cwe": f.cwe,
            "severity": f.severity.value,
            "confidence": f.confidence.value,
            "kind": f.kind.value,
            "scanner": f.scanner,
            "sources": list(f.sources),
            "verification": f.verification.value,
            "tags": list(f.tags),
        },
    }
    if f.flow:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": _flow_location(step)} for step in f.flow]}]}]
        ends = [step for step in f.flow if step.role is not FlowRole.STEP]
        result["relatedLocations"] = [{"id": number, **_flow_location(step)}
                                      for number, step in enumerate(ends, start=1)]
    if f.rationale:
        result["properties"]["rationale"] = f.rationale
    state = tv.state_of(f, trust)
    if state:
        result["properties"]["assay/state"] = state
    return result


def flow_step_text(step: FlowStep) -> str:
    """What happens at one step of a flow, in words: `source: request.args`,
    `through: name`, `sink: cursor.execute(...)`."""
    what = "through" if step.role is FlowRole.STEP else step.role.value
    code = " ".join(step.code.split())
    return f"{what}: {code}" if code else what


def _flow_location(step: FlowStep) -> dict[str, Any]:
    return {"physicalLocation": {
                "artifactLocation": {"uri": _uri(step.path), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": step.line}},
            "message": {"text": flow_step_text(step)}}


def _notifications(run: Run) -> list[dict[str, Any]]:
    notes = []
    for skip in sorted(run.coverage.skipped):
        text = f"{skip.path} not analyzed ({skip.reason.value})"
        if skip.scanner:
            text += f" by {skip.scanner}"
        if skip.detail:
            text += f": {skip.detail}"
        notes.append({
            "level": "warning" if skip.reason.counts_against_coverage else "note",
            "message": {"text": text},
            "descriptor": {"id": f"skipped/{skip.reason.value}"},
            "locations": [{"physicalLocation": {"artifactLocation": {
                "uri": _uri(skip.path), "uriBaseId": "%SRCROOT%"}}}],
        })
    notes.extend({"level": "error", "message": {"text": reason},
                  "descriptor": {"id": "incomplete"}} for reason in run.reasons)
    return notes


def run_to_sarif(run: Run, baseline: Mapping[Finding, str] | None = None,
                 gone: Sequence[Finding] = (),
                 properties: Mapping[str, Any] | None = None,
                 trust: tv.States | None = None) -> dict[str, Any]:
    """The SARIF 2.1.0 log for a run.

    `baseline` optionally maps findings to their baseline state (`new`, `unchanged`,
    `updated`, `absent`, or `unknown`, which SARIF has no value for); `gone` are baseline
    findings no longer reported, written as results with their state; `properties` are
    added to the run's property bag. `trust` maps LLM findings' fingerprints to their
    lifecycle state (`unverified` when absent): each LLM result carries it as
    `properties["assay/state"]` and its level follows it (see `level`).
    """
    findings = sorted_findings(run.findings)
    absent = sorted_findings(gone)
    rules, index = _rules((*findings, *absent), trust)
    cwes = sorted({f.cwe for f in (*findings, *absent) if f.cwe})
    states = baseline or {}
    root = run.target.root.rstrip("/") + "/"
    sarif_run: dict[str, Any] = {
        "tool": {
            "driver": {"name": "assay", "version": __version__, "semanticVersion": __version__,
                       "informationUri": INFO_URI, "rules": rules},
            "extensions": [{"name": s.name, "version": s.version or "unknown"}
                           for s in run.provenance.scanners],
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + _uri(root)}},
        "invocations": [{
            "executionSuccessful": run.complete,
            "toolExecutionNotifications": _notifications(run),
        }],
        "results": [_baseline(_result(f, index, trust), states.get(f)) for f in findings]
        + [_baseline(_result(f, index, trust), states.get(f, "absent")) for f in absent],
        "properties": {
            "assay/status": run.status.value,
            "assay/reasons": list(run.reasons),
            "assay/notCounted": len(tv.phantoms(run.findings)),
            "assay/provenance": provenance_to_dict(run.provenance),
            "assay/coverage": {k: v for k, v in coverage_to_dict(run.coverage).items()
                               if k != "skipped"},
        },
    }
    sarif_run["properties"].update(properties or {})
    if cwes:
        sarif_run["taxonomies"] = [{
            "name": "CWE", "organization": "MITRE",
            "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
            "taxa": [{"id": str(c)} for c in cwes],
        }]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [sarif_run]}
