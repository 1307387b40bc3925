"""`assay prove --generate`: ask the LLM scanner that reported a finding to write its proof.

The generation is a stage of the LLM harness (`prove`) with its own budget (`[proof]
generate_*`), traced in the ledger under the proof's id and scanner `<name>#prove`. The
proof it returns is unverified like any other: it runs in the sandbox, and only a failing
assertion in the proof itself makes the finding `proven`.
"""

from __future__ import annotations

from typing import Any, Protocol

from assay.config import Config
from assay.ledger.interface import Ledger
from assay.model import Finding
from assay.repo.interface import Snapshot
from assay.scanners.interface import ScannerError
from assay.scanners.registry import build_scanner
from assay.workflow.errors import ProofError
from assay.workflow.lifecycle import TrackedFinding
from assay.workflow.proof import ProofSource

STAGE = "prove"
PROOF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "test_code": {"type": "string",
                      "description": "a complete pytest module asserting the secure behaviour"},
        "expected_failure": {"type": "string",
                             "description": "which assertion fails on the vulnerable code, "
                                            "and why"},
    },
    "required": ["test_code", "expected_failure"],
}
INSTRUCTIONS = """\
You write executable security proofs. Given a reported vulnerability and the source of the
affected file, write one pytest module whose test asserts the SECURE behaviour, so that it
fails with an AssertionError on the vulnerable code and passes once the code is fixed.
Rules: import the code under test by its module path relative to the repository root (the
root is on sys.path); use only the standard library and pytest; no network; write files
only under pytest's tmp_path; keep it short and deterministic; the failure must be a plain
`assert` in the test about the vulnerable behaviour, never an import error or an exception
from a typo."""


class GenerationFailed(ProofError):
    """The LLM scanner did not produce a proof (budget, refusal, provider error)."""

    exit_code = 3


class _Generating(Protocol):
    name: str

    def generate(self, task: Any, *, run_id: str = "", ledger: Any = None) -> Any: ...


def _scanner(finding: TrackedFinding, config: Config) -> _Generating:
    try:
        scanner = build_scanner(finding.scanner, config)
    except ScannerError as exc:
        raise ProofError(f"cannot rebuild scanner {finding.scanner!r} to write the proof: "
                         f"{exc.message}", "write the proof yourself and pass --proof FILE"
                         ) from None
    if not hasattr(scanner, "generate"):
        raise ProofError(f"scanner {finding.scanner!r} cannot write proofs",
                         "write the proof yourself and pass --proof FILE")
    return scanner


def _prompt(finding: TrackedFinding, reported: Finding | None) -> str:
    lines = [f"Finding {finding.fingerprint} reported by {finding.scanner}:",
             f"- rule: {finding.rule_id}; CWE: {finding.cwe or 'unknown'}; severity: "
             f"{finding.severity}",
             f"- location: {finding.path} lines {finding.start_line}-{finding.end_line}"]
    if reported is not None:
        lines.append(f"- summary: {reported.message}")
        if reported.rationale:
            lines.append(f"- rationale: {reported.rationale}")
        if reported.proof_sketch is not None:
            sketch = reported.proof_sketch
            lines += [f"- attacker inputs: {sketch.inputs}",
                      f"- trust boundary: {sketch.trust_boundary}",
                      f"- a failing test would: {sketch.failing_test}"]
    module = finding.path.removesuffix(".py").replace("/", ".")
    lines.append(f"The file is importable as `{module}`. Write the proof now.")
    return "\n".join(lines)


def generate_proof(finding: TrackedFinding, reported: Finding | None, snapshot: Snapshot,
                   config: Config, ledger: Ledger, proof_id: str) -> ProofSource:
    """A proof written by the finding's LLM scanner (GenerationFailed when none came)."""
    from assay.scanners.llm.budget import Limits
    from assay.scanners.llm.generate import GenerationTask

    scanner = _scanner(finding, config)
    source = snapshot.read(finding.path).decode("utf-8", "replace") \
        if snapshot.get(finding.path) else ""
    settings = config.proof
    task = GenerationTask(
        stage=STAGE, instructions=INSTRUCTIONS, prompt=_prompt(finding, reported),
        schema=PROOF_SCHEMA, documents=((finding.path, source),) if source else (),
        limits=Limits(max_steps=settings.generate_max_steps,
                      max_output_tokens=settings.generate_max_output_tokens,
                      time_box=settings.generate_time_box))
    result = scanner.generate(task, run_id=proof_id, ledger=ledger)
    trace = f"{scanner.name}#{STAGE}"
    if result.value is None:
        raise GenerationFailed(f"{scanner.name} did not write a proof: {result.reason}",
                               f"open its trace ({trace}) with `assay replay {proof_id}`")
    info = (("trace_run", proof_id), ("trace_scanner", trace),
            ("expected_failure", str(result.value.get("expected_failure", ""))),
            ("model", result.model_reported), ("tokens_in", str(result.stage.tokens_in)),
            ("tokens_out", str(result.stage.tokens_out)), ("cost", str(result.stage.cost)))
    return ProofSource(str(result.value.get("test_code", "")),
                       f"test_generated_{finding.fingerprint[:8]}.py", True, info)
