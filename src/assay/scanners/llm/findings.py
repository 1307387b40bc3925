"""`report_finding`: from the model's arguments to a verified, structured Finding.

Arguments are validated field by field; a bad field is a tool error the model sees (it
may send the call again). A finding on a path the sandbox refuses is refused; a finding
whose file does not exist or whose quote is not in the file is kept as `unsupported`.
The code snippet and line hash that fingerprint a finding come from the file, never from
the model's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assay.model import (
    Confidence,
    Finding,
    FindingKind,
    ProofSketch,
    Severity,
    Span,
    Verification,
)
from assay.normalize.cwe import parse_cwe
from assay.normalize.fingerprint import snippet_at
from assay.normalize.linehash import line_hash
from assay.scanners.llm.sandbox import Refused, Sandbox
from assay.scanners.llm.verify import verify_quote

REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "cwe": {"type": "string", "description": "CWE id, e.g. CWE-89"},
        "path": {"type": "string", "description": "file path relative to the repository root"},
        "start_line": {"type": "integer", "minimum": 1},
        "end_line": {"type": "integer", "minimum": 1},
        "severity": {"type": "string", "enum": [s.value for s in Severity]},
        "confidence": {"type": "string", "enum": [c.value for c in Confidence]},
        "title": {"type": "string", "description": "one-line summary of the vulnerability"},
        "rationale": {"type": "string", "description": "why this is exploitable"},
        "quote": {"type": "string",
                  "description": "the vulnerable code, copied verbatim from the file"},
        "proof_sketch": {
            "type": "object",
            "properties": {
                "inputs": {"type": "string", "description": "attacker-controlled inputs"},
                "trust_boundary": {"type": "string", "description": "boundary crossed"},
                "failing_test": {"type": "string",
                                 "description": "what a test demonstrating it would do"},
            },
            "required": ["inputs", "trust_boundary", "failing_test"],
        },
    },
    "required": ["cwe", "path", "start_line", "severity", "confidence", "title", "rationale",
                 "quote", "proof_sketch"],
}


MAX_CWE = 1_000_000
MAX_CWE_TEXT = 200
_NUMBER = re.compile(r"\s*([0-9]{1,12})\s*")


class Invalid(Exception):
    """A report_finding argument is missing or malformed; the message goes to the model."""


def _text(args: Mapping[str, Any], key: str, required: bool = True) -> str:
    value = args.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"missing {key!r}")
        return ""
    if not isinstance(value, (str, int, float)):
        raise Invalid(f"{key!r} must be a string")
    return str(value).strip()


def _cwe(value: Any) -> int | None:
    """The CWE of the arguments (None when absent); Invalid for anything odd."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) > MAX_CWE_TEXT:
        raise Invalid(f"'cwe' must be a CWE id such as CWE-89, at most {MAX_CWE_TEXT} "
                      "characters")
    try:
        cwe = parse_cwe(value)
    except (ValueError, RecursionError):
        cwe = -1
    if cwe is not None and not 0 < cwe < MAX_CWE:
        raise Invalid("'cwe' must be a CWE id such as CWE-89")
    return cwe


def _line(args: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = args.get(key, default)
    if isinstance(value, str) and (digits := _NUMBER.fullmatch(value)):
        value = int(digits.group(1))
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid(f"{key!r} must be a line number >= 1")
    return value


def _choice[E: (Severity, Confidence)](args: Mapping[str, Any], key: str, enum: type[E]) -> E:
    text = _text(args, key).lower()
    try:
        return enum(text)
    except ValueError:
        names = ", ".join(e.value for e in enum)
        raise Invalid(f"{key!r} must be one of {names}") from None


def _sketch(value: Any) -> ProofSketch:
    if not isinstance(value, Mapping):
        raise Invalid("'proof_sketch' must be an object with inputs, trust_boundary, "
                      "failing_test")
    return ProofSketch(_text(value, "inputs"), _text(value, "trust_boundary"),
                       _text(value, "failing_test"))


@dataclass
class FindingReporter:
    """Collects the findings one run reports."""

    scanner: str
    sandbox: Sandbox
    findings: list[Finding] = field(default_factory=list)
    unsupported: int = 0
    invented_paths: int = 0
    """Findings on a file that does not exist (kept as phantoms)."""
    invented_lines: int = 0
    """Findings starting past the end of their file (kept as phantoms)."""

    def report(self, args: Mapping[str, Any], stage: str) -> str:
        """Record one finding; returns the tool's answer (raises Invalid or Refused)."""
        return self.add(self.build(args, stage))

    def add(self, finding: Finding) -> str:
        """Record a built finding unless it is an exact duplicate; says which it was."""
        for number, known in enumerate(self.findings, 1):
            if known.key() == finding.key() and known.quote == finding.quote:
                return f"duplicate of finding #{number}; not recorded again"
        self.findings.append(finding)
        if finding.verification is Verification.UNSUPPORTED:
            self.unsupported += 1
        return f"recorded finding #{len(self.findings)}"

    def build(self, args: Mapping[str, Any], stage: str) -> Finding:
        """The Finding for a report_finding call, verified against the snapshot."""
        path = self.sandbox.normalize(args.get("path"))
        if not path:
            raise Invalid("missing 'path'")
        cwe = _cwe(args.get("cwe"))
        start = _line(args, "start_line")
        end = max(start, _line(args, "end_line", start))
        quote = _text(args, "quote")
        finding = Finding(
            scanner=self.scanner, rule_id=f"llm/cwe-{cwe}" if cwe else "llm/uncategorized",
            path=path, span=Span(start, end), severity=_choice(args, "severity", Severity),
            confidence=_choice(args, "confidence", Confidence), message=_text(args, "title"),
            cwe=cwe, kind=FindingKind.LLM, rationale=_text(args, "rationale"),
            proof_sketch=_sketch(args.get("proof_sketch")), quote=quote,
            tags=(f"stage:{stage}",))
        return self._verified(finding)

    def _verified(self, finding: Finding) -> Finding:
        try:
            self.sandbox.file(finding.path)
            text = self.sandbox.text(finding.path)
        except Refused as exc:
            if self.sandbox.snapshot.get(finding.path) is not None or "no such" not in str(exc):
                raise
            self.invented_paths += 1
            return replace(finding, verification=Verification.UNSUPPORTED)
        verdict = verify_quote(finding.quote, (text.raw, text.masked))
        if finding.span.start_line > len(text.raw):
            self.invented_lines += 1
            verdict = Verification.UNSUPPORTED
        return replace(
            finding, verification=verdict,
            snippet=snippet_at(text.raw, finding.span.start_line, finding.span.end_line),
            line_hash=line_hash(text.source, finding.span.start_line)
            if finding.span.start_line <= len(text.raw) else "")
