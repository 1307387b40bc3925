"""How the Semgrep scanner splits its work: chunks of paths per process, and the outcomes
of the run on whole files joined with the run on sliced copies."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from assay.model import Confidence, Finding, Severity, SkippedFile, SkipReason, Span
from assay.scanners.cache import FileOutcome
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep import _chunks, _merge


@given(st.lists(st.text(alphabet="abc/é.", min_size=1, max_size=30), max_size=60),
       st.integers(min_value=1, max_value=80))
def test_chunks_keep_every_path_in_order_within_the_limit(paths: list[str], limit: int) -> None:
    chunks = _chunks(paths, limit)
    assert [p for chunk in chunks for p in chunk] == paths
    for chunk in chunks:
        assert chunk
        assert len(chunk) == 1 or sum(len(p.encode()) + 1 for p in chunk) <= limit


def _finding(path: str, rule: str) -> Finding:
    return Finding(scanner="semgrep", rule_id=rule, path=path, span=Span(1, 1, 1, 1),
                   severity=Severity.HIGH, confidence=Confidence.HIGH, message=rule)


def test_outcomes_of_both_runs_are_joined_and_a_failure_wins() -> None:
    whole = Analysis(outcomes={
        "a.py": FileOutcome((_finding("a.py", "weak-hash"),)),
        "b.py": FileOutcome(),
        "c.py": FileOutcome(skip=SkippedFile("c.py", SkipReason.SYNTAX_ERROR, "semgrep", "x")),
        "d.py": FileOutcome()})
    part = Analysis(outcomes={"a.py": FileOutcome((_finding("a.py", "sqli"),)),
                              "c.py": FileOutcome()},
                    failed=[SkippedFile("d.py", SkipReason.TIMEOUT, "semgrep", "slow")],
                    error="slow")
    joined = Analysis()
    _merge(whole, part, joined)
    assert [f.rule_id for f in joined.outcomes["a.py"].findings] == ["weak-hash", "sqli"]
    assert joined.outcomes["b.py"] == FileOutcome()
    assert joined.outcomes["c.py"].skip is not None
    assert "d.py" not in joined.outcomes and [s.path for s in joined.failed] == ["d.py"]
    assert joined.error == "slow"


def test_gated_cwes_are_kept_by_the_rules_hash(tmp_path: Path) -> None:
    from assay.repo import open_snapshot
    from assay.scanners.cache import ResultCache
    from assay.scanners.interface import ScanContext
    from assay.scanners.semgrep import (
        GATED_KIND,
        _kept_gated_cwes,
        gated_cwes,
        rule_files,
        rules_hash,
    )

    (tmp_path / "a.py").write_text("x = 1\n")
    cache = ResultCache(tmp_path / "cache.db")
    ctx = ScanContext(snapshot=open_snapshot(tmp_path), files=(), state_dir=tmp_path,
                      cache=cache)
    expected = ",".join(str(c) for c in gated_cwes(rule_files()))
    assert "89" in expected.split(",")
    assert _kept_gated_cwes(ctx, rule_files()) == expected
    assert cache.get_docs(GATED_KIND, [rules_hash(rule_files())]) == {
        rules_hash(rule_files()): expected}
    # a damaged record is computed again
    cache.put_docs(GATED_KIND, [(rules_hash(rule_files()), "89,x")])
    assert _kept_gated_cwes(ctx, rule_files()) == expected
