"""Finding fingerprints that survive line shifts and unrelated edits.

A fingerprint is derived from the repo-relative path, the finding's family (CWE, else
rule id), the code at the finding with all whitespace removed, and an occurrence index
that tells apart identical code in one file. Nothing a model chose to write enters it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from assay.model import Finding, Fingerprint

MAX_CODE_LINES = 3
_SPACE = re.compile(r"\s+")


def normalize_code(lines: Sequence[str]) -> str:
    """The code of a finding as it enters the fingerprint: whitespace removed."""
    return _SPACE.sub("", "\n".join(lines[:MAX_CODE_LINES]))


def fingerprint(path: str, family: str, code: str, occurrence: int) -> Fingerprint:
    """The fingerprint of one finding (versioned so the recipe can change later)."""
    material = "\0".join(("assay-fp/1", path, family, code, str(occurrence)))
    return Fingerprint(hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32])


def snippet_at(source_lines: Sequence[str], start_line: int, end_line: int) -> str:
    """The source lines start..end (1-based, inclusive, capped) of a file, as stored."""
    last = min(end_line, start_line + MAX_CODE_LINES - 1)
    return "\n".join(source_lines[start_line - 1 : last])


def assign_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Give every finding its fingerprint, from its path, family and `snippet`.

    Findings of one scanner with the same path, family and code are numbered in line
    order, so that inserting lines above them, or editing other code, changes nothing.
    Two scanners reporting the same code get the same fingerprint (they can be merged).
    """
    items = sorted(findings, key=lambda f: (f.path, f.span.start_line, f.span.start_col or 0,
                                            f.family, f.rule_id, f.scanner))
    counters: dict[tuple[str, str, str, str], int] = {}
    out = []
    for item in items:
        code = normalize_code(item.snippet.splitlines())
        group = (item.path, item.family, code, item.scanner)
        index = counters.get(group, 0)
        counters[group] = index + 1
        out.append(replace(item, fingerprint=fingerprint(item.path, item.family, code, index)))
    return out
