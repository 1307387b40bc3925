"""The corpus is the golden file: `assay scan` over it must give the labeled result.

One scan with the deterministic tier (Bandit and Semgrep, merged). For a vulnerable
case, the rule named in the manifest reports the case's CWE in that file (alone or
merged with Bandit's finding). For a safe look-alike, no finding of that CWE is left in
the file but, at most, a Bandit pattern finding the taint rules did not confirm, kept
visible at low severity and confidence (non-blocking, tagged `unconfirmed-by-taint`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.scanners.semgrep import rule_files
from assay.scanners.semgrep._pack import load_rules
from assay.scanners.semgrep._prefilter import requirements
from assay.scanners.semgrep._slicing import SliceSpec, slice_for_words, slice_source
from tests.rules.corpus import Case, findings_in, load_cases, scan_corpus

CASES = load_cases()


@pytest.fixture(scope="module")
def tier_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `assay scan` (bandit and semgrep) over the whole corpus."""
    return scan_corpus(tmp_path_factory.mktemp("golden"), "bandit", "semgrep")


def test_manifest_is_big_enough_with_enough_safe_cases() -> None:
    assert len({c.file for c in CASES}) == len(CASES) >= 200
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


def test_scan_is_complete_and_records_the_pre_pass(tier_scan: dict[str, Any]) -> None:
    assert tier_scan["run"]["status"] == "complete"
    extra = tier_scan["run"]["provenance"]["extra"]
    assert "helpers.params.get_param" in extra["semgrep.summaries.source"]
    assert "helpers.safe.report_table" in extra["semgrep.summaries.constant"]
    assert extra["merge.bandit_policy"] == "demote"


def test_slicing_changes_no_finding_of_the_pack(tier_scan: dict[str, Any],
                                                 tmp_path_factory: pytest.TempPathFactory,
                                                 ) -> None:
    """The taint rules run on copies with the functions that hold no source blanked;
    without that the pack reports exactly the same."""
    whole = scan_corpus(tmp_path_factory.mktemp("whole"), "bandit", "semgrep",
                        config="[scanners.semgrep]\nslicing = false\n")

    def keys(document: dict[str, Any]) -> set[tuple[str, str, int, int]]:
        return {(f["rule_id"], f["path"], f["start_line"], f["start_col"])
                for f in document["findings"]}

    assert keys(tier_scan) == keys(whole)
    # the comparison means something: corpus files lose functions when sliced
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    data = [p.read_bytes() for p in sorted(corpus.rglob("*.py"))]
    assert sum(slice_source(d, SliceSpec()) not in (d, None) for d in data) >= 10
    # and so do the pattern rules' copies (functions without the text the rules require)
    required = list(requirements(load_rules(rule_files()).all()).values())
    assert sum(slice_for_words(d, lambda w: any(e.search(w) for e in required)) != d
               for d in data) >= 3
    assert tier_scan["run"]["provenance"]["extra"]["semgrep.slicing"] == "on"
    assert whole["run"]["provenance"]["extra"]["semgrep.slicing"] == "off"


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_case_result(case: Case, tier_scan: dict[str, Any]) -> None:
    found = [f for f in findings_in(tier_scan, case.file) if f["cwe"] == case.cwe]
    if case.vulnerable:
        assert any(f"semgrep:{case.rule}" in f["sources"] for f in found), found
    else:
        assert not [f for f in found if "unconfirmed-by-taint" not in f["tags"]], found
        assert all(f["severity"] == "low" for f in found), found
