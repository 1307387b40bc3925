"""assay's own JSON documents: the `assay.scan/1` schema, and (de)serialization of values.

The document is a pure function of the run, so identical inputs give byte-identical
output. The volatile part (run id, start time, wall times, cache statistics, tokens) is
written only when asked for (`with_metrics`), under `run.id`, `run.started_at` and
`run.metrics`. See docs/json-schema.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from assay.formats.errors import FormatError
from assay.formats.escape import json_text
from assay.model import (
    CacheStats,
    Confidence,
    Coverage,
    Finding,
    FindingKind,
    Fingerprint,
    FlowRole,
    FlowStep,
    Metrics,
    ProofSketch,
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
    Verification,
    sorted_findings,
)

SCAN_SCHEMA = "assay.scan/1"


def dumps(document: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, trailing newline.

    Characters that could drive a terminal or reorder text (C1 controls, DEL,
    bidirectional controls) and undecodable bytes of paths are written as escapes.
    """
    return json_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def compact(document: Any) -> str:
    """Compact canonical JSON (sorted keys, no spaces) for storage, escaped like `dumps`."""
    return json_text(json.dumps(document, sort_keys=True, separators=(",", ":"),
                                ensure_ascii=False))


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """A finding as a JSON object (`flow` only when the finding has one: a finding
    without a flow is written as before flows existed)."""
    doc: dict[str, Any] = {
        "fingerprint": f.fingerprint,
        "line_hash": f.line_hash,
        "scanner": f.scanner,
        "kind": f.kind.value,
        "rule_id": f.rule_id,
        "cwe": f.cwe,
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "path": f.path,
        "start_line": f.span.start_line,
        "end_line": f.span.end_line,
        "start_col": f.span.start_col,
        "end_col": f.span.end_col,
        "message": f.message,
        "snippet": f.snippet,
        "sources": list(f.sources),
        "rationale": f.rationale,
        "proof_sketch": None if f.proof_sketch is None else {
            "inputs": f.proof_sketch.inputs,
            "trust_boundary": f.proof_sketch.trust_boundary,
            "failing_test": f.proof_sketch.failing_test,
        },
        "quote": f.quote,
        "verification": f.verification.value,
        "tags": list(f.tags),
    }
    if f.flow:
        doc["flow"] = [flow_step_to_dict(step) for step in f.flow]
    return doc


def flow_step_to_dict(step: FlowStep) -> dict[str, Any]:
    """One step of a finding's flow as a JSON object."""
    return {"path": step.path, "line": step.line, "role": step.role.value, "code": step.code}


def _flow(steps: Any) -> tuple[FlowStep, ...]:
    if not isinstance(steps, list):
        raise TypeError("flow must be a list")
    return tuple(FlowStep(str(s["path"]), int(s["line"]), FlowRole(str(s["role"])),
                          str(s.get("code", ""))) for s in steps)


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    """A finding from its JSON object (FormatError when a field is missing or invalid)."""
    try:
        sketch = d.get("proof_sketch")
        return Finding(
            scanner=str(d["scanner"]),
            rule_id=str(d["rule_id"]),
            path=str(d["path"]),
            span=Span(int(d["start_line"]), int(d.get("end_line") or d["start_line"]),
                      _opt_int(d.get("start_col")), _opt_int(d.get("end_col"))),
            severity=Severity.parse(str(d["severity"])),
            confidence=Confidence(str(d.get("confidence", "medium"))),
            message=str(d.get("message", "")),
            cwe=_opt_int(d.get("cwe")),
            kind=FindingKind(str(d.get("kind", "deterministic"))),
            fingerprint=Fingerprint(str(d.get("fingerprint", ""))),
            line_hash=str(d.get("line_hash", "")),
            snippet=str(d.get("snippet", "")),
            sources=tuple(str(s) for s in d.get("sources", ())),
            rationale=str(d.get("rationale", "")),
            proof_sketch=None if not sketch else ProofSketch(
                str(sketch.get("inputs", "")), str(sketch.get("trust_boundary", "")),
                str(sketch.get("failing_test", ""))),
            quote=str(d.get("quote", "")),
            verification=Verification(str(d.get("verification", "n/a"))),
            tags=tuple(str(t) for t in d.get("tags", ())),
            flow=_flow(d.get("flow", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(f"invalid finding object: {exc}") from None


def _opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def skipped_to_dict(s: SkippedFile) -> dict[str, str]:
    """A skipped file as a JSON object."""
    return {"path": s.path, "reason": s.reason.value, "scanner": s.scanner, "detail": s.detail}


def coverage_to_dict(c: Coverage) -> dict[str, Any]:
    """Coverage as a JSON object (skips sorted, counts per reason)."""
    return {
        "in_scope": c.in_scope,
        "analyzed": c.analyzed,
        "complete": c.complete,
        "skipped": [skipped_to_dict(s) for s in sorted(c.skipped)],
        "skipped_by_reason": c.skipped_by_reason(),
    }


def coverage_from_dict(d: Mapping[str, Any]) -> Coverage:
    """Coverage from its JSON object."""
    return Coverage(
        in_scope=int(d.get("in_scope", 0)),
        analyzed=int(d.get("analyzed", 0)),
        skipped=tuple(SkippedFile(str(s["path"]), SkipReason(s["reason"]),
                                  str(s.get("scanner", "")), str(s.get("detail", "")))
                      for s in d.get("skipped", ())),
    )


def provenance_to_dict(p: Provenance) -> dict[str, Any]:
    """Provenance as a JSON object."""
    return {
        "assay_version": p.assay_version,
        "python": p.python,
        "config_hash": p.config_hash,
        "rules_hash": p.rules_hash,
        "scanners": [
            {"name": s.name, "version": s.version, "rules_hash": s.rules_hash,
             "kind": s.kind.value, "extra": dict(s.extra)}
            for s in p.scanners
        ],
        "extra": dict(p.extra),
        "target": target_to_dict(p.target),
    }


def target_to_dict(t: Target) -> dict[str, Any]:
    """A target as a JSON object."""
    doc: dict[str, Any] = {"root": t.root, "scope": t.scope, "rev": t.rev, "commit": t.commit,
           "dirty": t.dirty, "diff_base": t.diff_base}
    if t.files:  # a run limited to some files (a diff's or a path set) lists them
        doc["files"] = list(t.files)
    return doc


def provenance_from_dict(d: Mapping[str, Any]) -> Provenance:
    """Provenance from its JSON object."""
    t = d.get("target", {})
    return Provenance(
        assay_version=str(d.get("assay_version", "")),
        python=str(d.get("python", "")),
        config_hash=str(d.get("config_hash", "")),
        scanners=tuple(
            ScannerInfo(str(s["name"]), str(s.get("version", "")), str(s.get("rules_hash", "")),
                        FindingKind(s.get("kind", "deterministic")),
                        tuple(sorted((str(k), str(v)) for k, v in s.get("extra", {}).items())))
            for s in d.get("scanners", ())),
        extra=tuple(sorted((str(k), str(v)) for k, v in d.get("extra", {}).items())),
        target=Target(root=str(t.get("root", "")), scope=str(t.get("scope", ".")),
                      rev=t.get("rev"), commit=t.get("commit"), dirty=bool(t.get("dirty")),
                      diff_base=t.get("diff_base"),
                      files=tuple(str(f) for f in t.get("files", ()))),
    )


def metrics_to_dict(m: Metrics) -> dict[str, Any]:
    """The volatile measurements of a run."""
    return {
        "started_at": m.started_at,
        "wall_seconds": round(m.wall_seconds, 6),
        "cache": {"hits": m.cache.hits, "misses": m.cache.misses,
                  "saved_tokens": m.cache.saved_tokens},
        "tokens_in": m.tokens_in,
        "tokens_out": m.tokens_out,
        "cost": round(m.cost, 6),
        "stages": [
            {"name": s.name, "wall_seconds": round(s.wall_seconds, 6), "requests": s.requests,
             "tokens_in": s.tokens_in, "tokens_out": s.tokens_out,
             "tokens_cached": s.tokens_cached, "tool_calls": dict(s.tool_calls),
             "cost": round(s.cost, 6)}
            for s in m.stages
        ],
    }


def metrics_from_dict(d: Mapping[str, Any]) -> Metrics:
    """Metrics from their JSON object."""
    cache = d.get("cache", {})
    return Metrics(
        started_at=str(d.get("started_at", "")),
        wall_seconds=float(d.get("wall_seconds", 0.0)),
        cache=CacheStats(int(cache.get("hits", 0)), int(cache.get("misses", 0)),
                         int(cache.get("saved_tokens", 0))),
        stages=tuple(
            StageMetrics(str(s["name"]), float(s.get("wall_seconds", 0.0)),
                         int(s.get("requests", 0)), int(s.get("tokens_in", 0)),
                         int(s.get("tokens_out", 0)), int(s.get("tokens_cached", 0)),
                         tuple(sorted((str(k), int(v))
                                      for k, v in s.get("tool_calls", {}).items())),
                         float(s.get("cost", 0.0)))
            for s in d.get("stages", ())),
    )


def summary(findings: Sequence[Finding]) -> dict[str, Any]:
    """Counts of findings by severity (every level present, zeros included)."""
    by_severity = {s.value: 0 for s in Severity}
    for f in findings:
        by_severity[f.severity.value] += 1
    return {"findings": len(findings), "by_severity": by_severity}


def run_to_document(run: Run, with_metrics: bool = False) -> dict[str, Any]:
    """The `assay.scan/1` document for a run."""
    findings = sorted_findings(run.findings)
    body: dict[str, Any] = {
        "status": run.status.value,
        "reasons": list(run.reasons),
        "target": target_to_dict(run.target),
        "provenance": provenance_to_dict(run.provenance),
        "scanners": [{"name": s.name, "status": s.status.value, "reason": s.reason}
                     for s in run.scanners],
        "summary": summary(findings),
        "properties": dict(run.properties),
    }
    if with_metrics:
        body["id"] = run.id
        body["metrics"] = metrics_to_dict(run.metrics)
    return {
        "schema": SCAN_SCHEMA,
        "run": body,
        "findings": [finding_to_dict(f) for f in findings],
        "coverage": coverage_to_dict(run.coverage),
    }


def run_from_document(doc: Mapping[str, Any], default_id: str = "") -> Run:
    """A run from an `assay.scan/1` document (FormatError for any other schema)."""
    if not isinstance(doc, Mapping) or doc.get("schema") != SCAN_SCHEMA:
        found = doc.get("schema") if isinstance(doc, Mapping) else type(doc).__name__
        raise FormatError(f"not an {SCAN_SCHEMA} document (schema: {found!r})")
    try:
        body = doc["run"]
        return Run(
            id=RunId(str(body.get("id") or default_id)),
            status=RunStatus(body["status"]),
            provenance=provenance_from_dict(body["provenance"]),
            coverage=coverage_from_dict(doc.get("coverage", {})),
            findings=tuple(finding_from_dict(f) for f in doc.get("findings", ())),
            scanners=tuple(ScannerOutcome(str(s["name"]), RunStatus(s["status"]),
                                          str(s.get("reason", "")))
                           for s in body.get("scanners", ())),
            reasons=tuple(str(r) for r in body.get("reasons", ())),
            metrics=metrics_from_dict(body.get("metrics", {})),
            properties=tuple(sorted((str(k), str(v))
                                    for k, v in body.get("properties", {}).items())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"invalid {SCAN_SCHEMA} document: {exc}") from None
