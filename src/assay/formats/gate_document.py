"""Documents of the gate workflow: `assay.tier/1`, `assay.gate/1`, and the gate's SARIF.

Like the scan document, each is a pure function of its inputs (the run id and timings
appear only with `with_metrics`). See docs/gate.md.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assay.formats.json import coverage_to_dict, finding_to_dict, run_to_document
from assay.formats.sarif import run_to_sarif
from assay.model import Finding, sorted_findings
from assay.workflow.decision import GateResult
from assay.workflow.tier import TierPlan, TierResult

TIER_SCHEMA = "assay.tier/1"
GATE_SCHEMA = "assay.gate/1"


def plan_to_dict(plan: TierPlan) -> dict[str, Any]:
    """The scanner plan."""
    return {"deterministic": list(plan.deterministic), "llm": list(plan.llm),
            "reason": plan.reason}


def tier_to_dict(result: TierResult) -> dict[str, Any]:
    """The classification of a change."""
    return {
        "base": result.base,
        "head": result.head,
        "files_changed": result.files_changed,
        "lines_changed": result.lines_changed,
        "classes": [{"name": c.name, "description": c.description, "llm": c.llm,
                     "total": c.total,
                     "triggers": [{"path": t.path, "line": t.line, "side": t.side,
                                   "text": t.text} for t in c.triggers]}
                    for c in result.classes],
        "plan": plan_to_dict(result.plan),
    }


def tier_to_document(result: TierResult) -> dict[str, Any]:
    """The `assay.tier/1` document."""
    return {"schema": TIER_SCHEMA, **tier_to_dict(result)}


def _states(result: GateResult) -> dict[Finding, str]:
    return {f: s.value for f, s in (*result.comparison.current, *result.comparison.gone)}


def _finding(f: Finding, result: GateResult, states: dict[Finding, str]) -> dict[str, Any]:
    entry = finding_to_dict(f)
    entry["baseline_state"] = states.get(f)  # None: not compared (proven earlier, still there)
    entry["blocking"] = f in result.decision.blocking
    lifecycle = next((i for i in result.llm if i.finding == f), None)
    if lifecycle is not None:
        entry["state"] = "unsupported" if f.phantom else lifecycle.state.value
        entry["seen"] = lifecycle.seen
    return entry


def decision_to_dict(result: GateResult) -> dict[str, Any]:
    """The decision part, shared by the JSON document and the SARIF property bag."""
    d = result.decision
    return {"decision": d.decision.value, "exit_code": result.exit_code,
            "reasons": list(d.reasons), "threshold": result.threshold,
            "blocking": [f.fingerprint for f in d.blocking],
            "needs_review": [f.fingerprint for f in d.needs_review],
            "config_review": list(d.config_review)}


def gate_to_document(result: GateResult, with_metrics: bool = False) -> dict[str, Any]:
    """The `assay.gate/1` document."""
    states = _states(result)
    run_doc = run_to_document(result.run, with_metrics)["run"]
    still = [i.finding for i in result.llm if i.seen != "reported"]
    comparison = result.comparison
    if with_metrics:
        run_doc["gate_timings"] = {name: seconds for name, seconds in result.timings}
    return {
        "schema": GATE_SCHEMA,
        **decision_to_dict(result),
        "tier": tier_to_dict(result.tier) if result.tier else None,
        "plan": plan_to_dict(result.plan),
        "baseline": {"source": comparison.baseline.source,
                     "complete": comparison.baseline.complete,
                     "counts": comparison.counts()},
        "findings": [_finding(f, result, states)
                     for f in sorted_findings((*result.run.findings, *still))],
        "absent": [_finding(f, result, states) for f, _ in comparison.gone],
        "run": run_doc,
        "coverage": coverage_to_dict(result.run.coverage),
        "warnings": list(result.warnings),
    }


def gate_to_sarif(result: GateResult) -> dict[str, Any]:
    """The run's SARIF with baseline states, and the decision in the run's property bag."""
    lifecycle: dict[str, str] = {i.finding.fingerprint: i.state.value for i in result.llm}
    properties = {"assay/gate": decision_to_dict(result),
                  "assay/plan": plan_to_dict(result.plan),
                  "assay/baseline": {"source": result.comparison.baseline.source,
                                     "complete": result.comparison.baseline.complete},
                  "assay/lifecycle": dict(sorted(lifecycle.items()))}
    still = tuple(i.finding for i in result.llm if i.seen != "reported")
    run = replace(result.run, findings=result.run.findings + still)
    log = run_to_sarif(run, _states(result), [f for f, _ in result.comparison.gone], properties,
                       trust=lifecycle)
    log["runs"][0]["results"] += _config_results(result)
    return log


def _config_results(result: GateResult) -> list[dict[str, Any]]:
    """A change to assay's own configuration, as a result a reviewer sees (never an
    error: it does not block; it asks for a person's review)."""
    tree = None if result.config is None else result.config.tree
    if not result.decision.config_review:
        return []
    path = tree.name.split(" at ", 1)[0] if tree is not None else "assay.toml"
    return [{"ruleId": "assay/config-change", "level": "note",
             "message": {"text": "; ".join(result.decision.config_review)},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": path}}}],
             "properties": {"assay/needs-review": True}}]
