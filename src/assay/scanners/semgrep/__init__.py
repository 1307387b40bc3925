"""Semgrep CE with assay's own rule pack, extended per scan by a cross-file pre-pass.

`SemgrepScanner` is the scanner; the rest is what benchmarks and tools read of the pack:
its files, their rules (`load_rules(rule_files())`, with each rule's metadata and the
CWEs the pack gates) and the mark of a rule's copy for a group of files.
"""

from assay.scanners.semgrep._pack import (
    COPY_MARK,
    RULES_DIR,
    RuleMeta,
    Rules,
    load_rules,
    rule_files,
)
from assay.scanners.semgrep._process import find_semgrep
from assay.scanners.semgrep._scanner import SemgrepScanner

__all__ = ["COPY_MARK", "RULES_DIR", "RuleMeta", "Rules", "SemgrepScanner", "find_semgrep",
           "load_rules", "rule_files"]
