"""The Semgrep scanner: Semgrep CE as a subprocess with local rules only.

Each run plans the scan (the pack, extended by the pre-pass; see _plan), then runs
Semgrep over the files the per-file cache does not know (see _engine). A missing,
broken or hanging Semgrep makes the run incomplete; it never makes it silently weaker.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from assay.model import Finding, FindingKind, ScannerInfo
from assay.normalize.merge import MergePolicy
from assay.scanners.filescan import FileScanner, utf8_copy
from assay.scanners.interface import ScanContext, ScannerError, ScannerResult
from assay.scanners.semgrep._copies import SliceStats
from assay.scanners.semgrep._engine import analyze
from assay.scanners.semgrep._pack import Pack, rule_files
from assay.scanners.semgrep._plan import Options, plan_scan
from assay.scanners.semgrep._process import Invocation, find_semgrep, semgrep_version
from assay.scanners.semgrep._results import with_flows
from assay.scanners.semgrep._template_flow import relocate, templates_to_read, with_templates
from assay.scanners.semgrep._templates import is_template


class SemgrepScanner(FileScanner):
    """Semgrep with assay's own rule pack (and, per scan, generated extensions)."""

    name = "semgrep"
    kind = FindingKind.DETERMINISTIC

    def __init__(self, timeout: float = 1800.0, file_timeout: float = 30.0,
                 summaries: bool = True, slicing: bool = True,
                 bandit_policy: str = "demote") -> None:
        """`timeout`: seconds for a whole Semgrep process; `file_timeout`: per file and
        rule; `summaries`: the cross-file pre-pass; `slicing`: taint rules on sliced
        copies; `bandit_policy`: what becomes of Bandit's gated findings no taint
        finding confirms (demote, drop or keep)."""
        try:
            policy = MergePolicy(bandit_policy)
        except ValueError:
            choices = ", ".join(p.value for p in MergePolicy)
            raise ScannerError(f"[scanners.semgrep] bandit_findings must be one of {choices}",
                               f"got {bandit_policy!r}; see docs/rules.md") from None
        self.options = Options(timeout, file_timeout, summaries, slicing, policy)
        self._binary = find_semgrep()

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Plan the scan, then scan with the planned rules.

        The result says for which CWEs the pack gates a pattern-only scanner's findings
        (and what becomes of those it does not confirm) and, with summaries on, records
        what the pre-pass found.
        """
        plan = plan_scan(ctx, self.options)
        stats = SliceStats()
        # without a binary `scan_files` never calls the engine (see `unavailable`)
        invocation = Invocation(self._binary or "", self.options.timeout,
                                self.options.file_timeout)
        result = self.scan_files(ctx, self._identity(plan.key), with_templates(
            functools.partial(analyze, plan, invocation, stats)))
        findings = with_flows(result.findings, plan.wrappers,
                              _flow_texts(ctx, result.findings) if plan.wrappers else None)
        if plan.templates.outputs:
            read = ctx.snapshot.read_many(templates_to_read(findings, plan.templates))
            findings = relocate(findings, plan.templates, read)
        return replace(result, findings=findings, extra=(*result.extra, *plan.record),
                       stages=(*plan.stages, *result.stages), gated_cwes=plan.gated_cwes,
                       merge_policy=self.options.policy, slicing=stats.metrics())

    def info(self) -> ScannerInfo:
        """Semgrep's version and the hash of the pack (a run reports the hash of the
        rules it planned)."""
        return self._identity(Pack(tuple(rule_files())).hash)

    def applies_to(self, path: str) -> bool:
        """Python files, and templates (see _templates): a view's flow into a template
        is reported at the template line."""
        return path.endswith(".py") or is_template(path)

    def unavailable(self) -> str:
        """Why Semgrep cannot run ('' when it can)."""
        if self._binary is None:
            return "semgrep is not installed (pip install semgrep, or set ASSAY_SEMGREP)"
        return ""

    def engine_bytes(self, path: str, data: bytes, text: str) -> bytes | None:
        """Semgrep reads every file as UTF-8: a file whose coding declaration makes Python
        read it otherwise is given to it as a UTF-8 copy of the text Python runs."""
        return utf8_copy(data, text)

    def _identity(self, rules_hash: str) -> ScannerInfo:
        version = semgrep_version(self._binary) if self._binary else "missing"
        return ScannerInfo(self.name, version, rules_hash)

    def _cache_key(self, info: ScannerInfo) -> ScannerInfo:
        """The identity results are cached under, with a digest of the code that makes
        them (slicing, the Semgrep runs and the reading of their output): results of
        other code — without the flows a newer reading adds, say — are never reused."""
        key = super()._cache_key(info)
        return replace(key, version=f"{key.version}+code/{_results_code_digest()}")


def _flow_texts(ctx: ScanContext, findings: Sequence[Finding]) -> dict[str, str]:
    """The text of each file with a finding that has a flow (a call of a helper written
    over several lines opens above the finding's line)."""
    paths = sorted({f.path for f in findings if f.flow})
    return {path: data.decode("utf-8", "replace")
            for path, data in ctx.snapshot.read_many(paths).items()}


@functools.cache
def _results_code_digest() -> str:
    """A short hash of the code between the files and the findings (the prefilter among
    it: a file it leaves out of a rule gets that rule's silence, kept under the same key)."""
    from assay.scanners.semgrep import _prefilter, _process, _results, _slicing

    digest = hashlib.sha256()
    for module in (_prefilter, _slicing, _process, _results):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]
