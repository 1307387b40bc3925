"""Baselines: new, unchanged, updated, absent, and unknown when a run was incomplete."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.formats.json import dumps
from assay.formats.sarif import run_to_sarif
from assay.workflow.baseline import Baseline, BaselineState, compare, read_sarif_baseline
from assay.workflow.errors import BaselineError
from tests.helpers import SARIF_SCHEMA
from tests.workflow.factories import finding, moved, run

S = BaselineState


def test_each_state() -> None:
    kept = finding("a.py", 3, fp="f-kept")
    shifted = finding("a.py", 10, fp="f-moved")
    edited = finding("b.py", 5, fp="f-old", cwe=78)
    dropped = finding("c.py", 1, fp="f-gone", cwe=22)
    base = Baseline.from_run(run([kept, shifted, edited, dropped]), "rev:base")
    fresh = finding("d.py", 2, fp="f-new")
    current = run([kept, moved(shifted, 4), finding("b.py", 6, fp="f-edited", cwe=78), fresh])
    result = compare(current, base)
    assert {f.fingerprint: s for f, s in result.current} == {
        "f-kept": S.UNCHANGED, "f-moved": S.UPDATED, "f-edited": S.UPDATED, "f-new": S.NEW}
    assert [(f.fingerprint, s) for f, s in result.gone] == [("f-gone", S.ABSENT)]
    assert result.counts() == {"new": 1, "unchanged": 1, "updated": 2, "absent": 1, "unknown": 0}
    assert result.with_state(S.NEW) == (fresh,)


def test_an_incomplete_baseline_cannot_mark_anything_absent() -> None:
    gone = finding("c.py", 1, fp="f-gone")
    base = Baseline.from_run(run([gone], complete=False), "run:old")
    result = compare(run([finding("d.py", 1, fp="f-new")]), base)
    assert result.gone == ((gone, S.UNKNOWN),)
    assert result.with_state(S.NEW)[0].fingerprint == "f-new"
    also = compare(run([], complete=False), Baseline.from_run(run([gone]), "run:old"))
    assert also.gone == ((gone, S.UNKNOWN),)


def test_matching_is_one_to_one_and_prefers_the_same_scanner() -> None:
    twin_a = finding("a.py", 3, fp="same", scanner="bandit")
    twin_b = finding("a.py", 3, fp="same", scanner="semgrep", rule="sqli")
    base = Baseline.from_run(run([twin_b]), "x")
    result = compare(run([twin_a, twin_b]), base)
    states = {f.scanner: s for f, s in result.current}
    assert states == {"semgrep": S.UNCHANGED, "bandit": S.NEW}


def test_baseline_findings_are_limited_to_the_scanners_and_paths_in_scope() -> None:
    base = Baseline.from_run(run([finding("a.py", fp="x1"), finding("b.py", fp="x2"),
                                  finding("a.py", fp="x3", scanner="llm")]), "x")
    result = compare(run([], scanners=["bandit"]), base, in_scope=lambda p: p == "a.py")
    assert [(f.fingerprint, s) for f, s in result.gone] == [("x1", S.ABSENT)]


@given(st.lists(st.tuples(st.sampled_from(["a.py", "b.py"]), st.integers(1, 30),
                          st.sampled_from([22, 78, 89])), max_size=8, unique=True),
       st.integers(-5, 5))
def test_a_run_compared_with_itself_shifted_has_nothing_new_or_absent(
        items: list[tuple[str, int, int]], shift: int) -> None:
    findings = [finding(p, line, fp=f"{p}{line}{cwe}", cwe=cwe) for p, line, cwe in items]
    shifted = [moved(f, shift) if f.span.start_line + shift >= 1 else f for f in findings]
    result = compare(run(shifted), Baseline.from_run(run(findings), "self"))
    assert result.gone == ()
    assert all(s in (S.UNCHANGED, S.UPDATED) for _, s in result.current)
    assert len(result.current) == len(findings)


def test_sarif_carries_baseline_states_and_reads_back(tmp_path: Path) -> None:
    kept, gone = finding("a.py", 3, fp="f-kept"), finding("c.py", 1, fp="f-gone", cwe=22)
    fresh = finding("d.py", 2, fp="f-new", cwe=78)
    current = run([kept, fresh])
    result = compare(current, Baseline.from_run(run([kept, gone]), "x"))
    log = run_to_sarif(current, result.sarif_states(), [f for f, _ in result.gone],
                       {"assay/gate": {"decision": "block"}})
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    results = log["runs"][0]["results"]
    assert {r["partialFingerprints"]["assay/v1"]: r["baselineState"] for r in results} == {
        "f-kept": "unchanged", "f-new": "new", "f-gone": "absent"}
    assert log["runs"][0]["properties"]["assay/gate"] == {"decision": "block"}
    path = tmp_path / "base.sarif"
    path.write_text(dumps(log))
    again = read_sarif_baseline(path)
    assert sorted(f.fingerprint for f in again.findings) == ["f-kept", "f-new"]
    assert again.complete


def test_unknown_has_no_sarif_value_and_is_a_property() -> None:
    gone = finding("c.py", 1, fp="f-gone")
    result = compare(run([], complete=False), Baseline.from_run(run([gone]), "x"))
    log = run_to_sarif(run([], complete=False), result.sarif_states(), [gone])
    [entry] = log["runs"][0]["results"]
    assert "baselineState" not in entry
    assert entry["properties"]["assay/baselineState"] == "unknown"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"version": "2.1.0"}', "no 'runs'"),
    ('{"version": "1.0.0", "runs": []}', "SARIF version '1.0.0'"),
    ('{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": '
     '[{"ruleId": "r", "locations": [{}]}]}]}', "not a valid SARIF result"),
])
def test_malformed_sarif_baselines_are_refused(tmp_path: Path, content: str, message: str,
                                               ) -> None:
    path = tmp_path / "bad.sarif"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message) as err:
        read_sarif_baseline(path)
    assert "\n" not in err.value.message
    with pytest.raises(BaselineError, match="not found"):
        read_sarif_baseline(tmp_path / "missing.sarif")
