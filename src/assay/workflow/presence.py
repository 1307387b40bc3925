"""Whether a finding's code is still where it was reported."""

from __future__ import annotations

from assay.model import Finding
from assay.normalize.fingerprint import normalize_code
from assay.repo.interface import Snapshot


def still_present(snapshot: Snapshot, finding: Finding) -> bool:
    """True when the finding's code (whitespace-insensitive) is still in its file."""
    code = normalize_code(finding.snippet.splitlines())
    if not code or snapshot.get(finding.path) is None:
        return False
    text = snapshot.read(finding.path).decode("utf-8", "replace")
    return code in "".join(text.split())
