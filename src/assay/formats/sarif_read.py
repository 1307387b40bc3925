"""Reading SARIF 2.1.0 logs (from assay or any other tool) into runs.

Each SARIF run becomes one assay `Run`. Severity comes from `security-severity` when the
rule or result has one, else from the level; the CWE from the result or rule properties,
`external/cwe/cwe-N` tags, or CWE taxonomy relationships; paths are made repo-relative
against `%SRCROOT%`-style base ids or the given root. Malformed input is a FormatError.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from assay.formats.errors import FormatError
from assay.formats.json import provenance_from_dict
from assay.formats.reading import parse_json, read_text
from assay.model import (
    Confidence,
    Coverage,
    Finding,
    FindingKind,
    Fingerprint,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    Severity,
    Span,
    Target,
    Verification,
)
from assay.normalize.cwe import parse_cwe

_LEVEL = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "note": Severity.LOW,
          "none": Severity.INFO}


def severity_from_score(score: float) -> Severity:
    """GitHub's mapping of `security-severity` scores to levels."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def load_sarif(path: Path) -> dict[str, Any]:
    """Parse a SARIF file and check its outline (FormatError when it is not SARIF 2.1.0)."""
    doc = parse_json(read_text(path, what="SARIF file"), str(path))
    check_outline(doc, str(path))
    return dict(doc)


def check_outline(doc: Any, name: str = "document") -> None:
    """The structural checks that make the rest of the reader safe."""
    if not isinstance(doc, Mapping) or "runs" not in doc:
        raise FormatError(f"{name} is not a SARIF log (no 'runs')")
    if doc.get("version") != "2.1.0":
        raise FormatError(f"{name} is SARIF version {doc.get('version')!r}; assay reads 2.1.0")
    runs = doc["runs"]
    if not isinstance(runs, list):
        raise FormatError(f"{name}: 'runs' must be an array")
    for i, run in enumerate(runs):
        if not isinstance(run, Mapping) or not isinstance(run.get("tool", {}).get("driver"),
                                                          Mapping):
            raise FormatError(f"{name}: runs[{i}] has no tool.driver")
        if not isinstance(run.get("results", []), list):
            raise FormatError(f"{name}: runs[{i}].results must be an array")


def sarif_to_runs(doc: Mapping[str, Any], root: str = "", run_id: str = "",
                  name: str = "document") -> list[Run]:
    """Every SARIF run of a log as an assay run."""
    check_outline(doc, name)
    runs = []
    for index, sarif_run in enumerate(doc["runs"]):
        rid = run_id if len(doc["runs"]) == 1 else f"{run_id}#{index}"
        runs.append(_run(sarif_run, root, RunId(rid)))
    return runs


def read_sarif(path: Path, root: str = "", run_id: str = "") -> list[Run]:
    """Read a SARIF file into runs (ids default to the file name)."""
    return sarif_to_runs(load_sarif(path), root, run_id or path.name, str(path))


def _run(sarif_run: Mapping[str, Any], root: str, run_id: RunId) -> Run:
    driver = sarif_run["tool"]["driver"]
    tool = str(driver.get("name", "sarif"))
    rules = {str(r.get("id")): r for r in driver.get("rules", []) if isinstance(r, Mapping)}
    rules_by_index = [r for r in driver.get("rules", []) if isinstance(r, Mapping)]
    bases = _bases(sarif_run, root)
    findings = []
    for i, result in enumerate(sarif_run.get("results", [])):
        if isinstance(result, Mapping) and result.get("baselineState") == "absent":
            continue  # reported as gone relative to a baseline: not a finding of this run
        try:
            findings.append(_finding(result, tool, rules, rules_by_index, bases))
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError(f"results[{i}] is not a valid SARIF result: {exc}") from None
    invocations = sarif_run.get("invocations") or [{}]
    success = all(bool(inv.get("executionSuccessful", True)) for inv in invocations)
    props = sarif_run.get("properties", {}) or {}
    provenance = _provenance(sarif_run, tool, props, root)
    reasons = tuple(str(r) for r in props.get("assay/reasons", ())) or (
        () if success else ("the tool reported executionSuccessful: false",))
    return Run(id=run_id, status=RunStatus.COMPLETE if success else RunStatus.INCOMPLETE,
               provenance=provenance, coverage=Coverage(), findings=tuple(findings),
               reasons=reasons)


def _provenance(sarif_run: Mapping[str, Any], tool: str, props: Mapping[str, Any],
                root: str) -> Provenance:
    own = props.get("assay/provenance")
    if isinstance(own, Mapping):
        return provenance_from_dict(own)
    driver = sarif_run["tool"]["driver"]
    version = str(driver.get("semanticVersion") or driver.get("version") or "")
    vcs = (sarif_run.get("versionControlProvenance") or [{}])[0]
    return Provenance(assay_version="", scanners=(ScannerInfo(tool, version),), config_hash="",
                      target=Target(root=root, commit=vcs.get("revisionId")))


def _bases(sarif_run: Mapping[str, Any], root: str) -> dict[str, str]:
    bases = {}
    for key, value in (sarif_run.get("originalUriBaseIds") or {}).items():
        uri = value.get("uri", "") if isinstance(value, Mapping) else ""
        bases[key] = unquote(urlparse(uri).path) if uri.startswith("file:") else uri
    if root:
        bases.setdefault("%SRCROOT%", root)
    return bases


def _path(location: Mapping[str, Any], bases: Mapping[str, str], root: str) -> str:
    artifact = location["physicalLocation"]["artifactLocation"]
    uri = str(artifact["uri"])
    path = unquote(urlparse(uri).path) if uri.startswith("file:") else unquote(uri)
    for prefix in (bases.get(str(artifact.get("uriBaseId", "")), ""), root):
        if prefix and path.startswith(prefix.rstrip("/") + "/"):
            path = path[len(prefix.rstrip("/")) + 1 :]
    return path.removeprefix("./")


def _cwe(result: Mapping[str, Any], rule: Mapping[str, Any]) -> int | None:
    for props in (result.get("properties") or {}, rule.get("properties") or {}):
        for key in ("cwe", "CWE", "cwe_id"):
            if key in props and parse_cwe(props[key]) is not None:
                return parse_cwe(props[key])
        for tag in props.get("tags", ()) or ():
            text = str(tag).lower()
            if "cwe" in text:
                found = parse_cwe(text.rsplit("/", 1)[-1])
                if found is not None:
                    return found
    for rel in rule.get("relationships", ()) or ():
        target = rel.get("target", {})
        if str(target.get("toolComponent", {}).get("name", "")).upper() == "CWE":
            return parse_cwe(target.get("id"))
    return None


def _severity(result: Mapping[str, Any], rule: Mapping[str, Any]) -> Severity:
    props = result.get("properties") or {}
    if "severity" in props:
        try:
            return Severity.parse(str(props["severity"]))
        except ValueError:
            pass
    for source in (props, rule.get("properties") or {}):
        if "security-severity" in source:
            try:
                return severity_from_score(float(source["security-severity"]))
            except (TypeError, ValueError):
                pass
    level = result.get("level") or (rule.get("defaultConfiguration") or {}).get("level")
    return _LEVEL.get(str(level), Severity.MEDIUM)


def _finding(result: Mapping[str, Any], tool: str, rules: Mapping[str, Any],
             rules_by_index: list[Any], bases: Mapping[str, str]) -> Finding:
    rule_id = str(result.get("ruleId") or (result.get("rule") or {}).get("id") or "")
    rule: Mapping[str, Any] = rules.get(rule_id, {})
    if not rule and isinstance(result.get("ruleIndex"), int) \
            and 0 <= result["ruleIndex"] < len(rules_by_index):
        rule = rules_by_index[result["ruleIndex"]]
        rule_id = rule_id or str(rule.get("id", ""))
    props = result.get("properties") or {}
    scanner = str(props.get("scanner") or tool)
    if scanner != tool and rule_id.startswith(scanner + "/"):
        rule_id = rule_id[len(scanner) + 1 :]
    location = result["locations"][0]
    region = location["physicalLocation"].get("region") or {}
    start = int(region.get("startLine", 1))
    prints = result.get("partialFingerprints") or {}
    confidence = str(props.get("confidence", "medium")).lower()
    return Finding(
        scanner=scanner,
        rule_id=rule_id or "unknown",
        path=_path(location, bases, bases.get("%SRCROOT%", "")),
        span=Span(start, max(start, int(region.get("endLine", start))),
                  region.get("startColumn"), region.get("endColumn")),
        severity=_severity(result, rule),
        confidence=Confidence(confidence) if confidence in ("high", "medium", "low")
        else Confidence.MEDIUM,
        message=str((result.get("message") or {}).get("text", "")),
        cwe=_cwe(result, rule),
        kind=FindingKind(props["kind"]) if props.get("kind") in ("deterministic", "llm", "human")
        else FindingKind.DETERMINISTIC,
        fingerprint=Fingerprint(str(prints.get("assay/v1", ""))),
        line_hash=str(prints.get("primaryLocationLineHash", "")),
        snippet=str((region.get("snippet") or {}).get("text", "")),
        sources=tuple(str(s) for s in props.get("sources", ())),
        tags=tuple(str(t) for t in props.get("tags", ())) if scanner != tool else (),
        rationale=str(props.get("rationale", "")),
        verification=Verification(props["verification"])
        if props.get("verification") in ("n/a", "supported", "unsupported")
        else Verification.NOT_APPLICABLE,
    )
