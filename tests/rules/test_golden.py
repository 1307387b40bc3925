"""The corpus is the golden file: `assay scan` over it must give the labeled result.

For a vulnerable case, the rule named in the manifest reports the case's CWE in that
file. For a safe look-alike, no engine reports that CWE in that file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.rules.corpus import Case, findings_in, load_cases, scan_corpus

CASES = load_cases()


@pytest.fixture(scope="module")
def semgrep_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `assay scan --scanner semgrep` over the whole corpus."""
    return scan_corpus(tmp_path_factory.mktemp("golden"), "semgrep")


def test_manifest_labels_each_file_once_with_enough_safe_cases() -> None:
    assert len({c.file for c in CASES}) == len(CASES)
    assert sum(not c.vulnerable for c in CASES) / len(CASES) >= 0.40


def test_every_labeled_file_exists_and_every_case_file_is_labeled() -> None:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    for case in CASES:
        assert (corpus / case.file).is_file(), case.file
    labeled = {c.file for c in CASES}
    families = {c.file.split("/", 1)[0] for c in CASES}
    on_disk = {p.relative_to(corpus).as_posix() for fam in families
               for p in (corpus / fam).glob("*.py")}
    assert on_disk == labeled


def test_scan_is_complete(semgrep_scan: dict[str, Any]) -> None:
    assert semgrep_scan["run"]["status"] == "complete"


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_rule_result(case: Case, semgrep_scan: dict[str, Any]) -> None:
    found = findings_in(semgrep_scan, case.file)
    if case.vulnerable:
        assert any(f["rule_id"] == case.rule and f["cwe"] == case.cwe for f in found), found
    else:
        assert not [f for f in found if f["cwe"] == case.cwe], found
