"""The merge of a pattern-only engine's findings (Bandit's) with a dataflow engine's (the
rule pack's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from assay.model import Confidence, Finding, FlowRole, FlowStep, Severity, Span
from assay.normalize.merge import Engines, MergeOutcome, MergePolicy, one_per_sink_call
from assay.normalize.merge import merge_findings as merge
from assay.scanners.bandit import GATED_BY_DATAFLOW, IMPORT_CHECKS

COVERED = (22, 78, 79, 89, 502, 611, 798, 918)
ENGINES = Engines("bandit", "semgrep", frozenset(GATED_BY_DATAFLOW))


def merge_findings(findings: Iterable[Finding], covered: Iterable[int],
                   policy: MergePolicy = MergePolicy.DROP) -> MergeOutcome:
    return merge(findings, covered, ENGINES, policy)


def bandit(rule: str, cwe: int, line: int, path: str = "app.py") -> Finding:
    return Finding(scanner="bandit", rule_id=rule, path=path, span=Span(line, line),
                   severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
                   message=f"bandit {rule}", cwe=cwe, sources=(f"bandit:{rule}",))


def semgrep(rule: str, cwe: int, line: int, path: str = "app.py") -> Finding:
    return Finding(scanner="semgrep", rule_id=rule, path=path, span=Span(line, line),
                   severity=Severity.HIGH, confidence=Confidence.HIGH,
                   message=f"semgrep {rule}", cwe=cwe, sources=(f"semgrep:{rule}",))


def test_unconfirmed_pattern_finding_is_dropped_and_counted() -> None:
    outcome = merge_findings([bandit("B608", 89, 10)], COVERED)
    assert outcome.findings == ()
    assert dict(outcome.provenance())["merge.bandit_unconfirmed"] == "1: B608 x1"


def test_demote_keeps_it_low_and_non_blocking() -> None:
    outcome = merge_findings([bandit("B602", 78, 3)], COVERED, MergePolicy.DEMOTE)
    (finding,) = outcome.findings
    assert (finding.severity, finding.confidence) == (Severity.LOW, Confidence.LOW)
    assert "unconfirmed-by-taint" in finding.tags


def test_keep_policy_changes_nothing() -> None:
    original = bandit("B602", 78, 3)
    assert merge_findings([original], COVERED, MergePolicy.KEEP).findings == (original,)


def test_agreeing_engines_give_one_finding_with_both_sources() -> None:
    outcome = merge_findings([bandit("B608", 89, 11), semgrep("assay.python.sqli.taint", 89, 13)],
                             COVERED)
    (finding,) = outcome.findings
    assert finding.scanner == "semgrep" and finding.span.start_line == 13
    assert finding.sources == ("semgrep:assay.python.sqli.taint", "bandit:B608")
    assert outcome.merged == 1


def test_taint_finding_too_far_away_does_not_confirm() -> None:
    outcome = merge_findings([bandit("B608", 89, 1), semgrep("assay.python.sqli.taint", 89, 40)],
                             COVERED)
    assert [f.scanner for f in outcome.findings] == ["semgrep"]


def test_other_file_or_cwe_does_not_confirm() -> None:
    findings = [bandit("B602", 78, 5), semgrep("assay.python.sqli.taint", 89, 5),
                semgrep("assay.python.command-injection.taint", 78, 5, path="other.py")]
    outcome = merge_findings(findings, COVERED)
    assert all(f.scanner == "semgrep" for f in outcome.findings) and len(outcome.findings) == 2


def test_first_class_bandit_findings_stand_alone_and_lead_a_merge() -> None:
    weak = bandit("B324", 328, 4)
    assert merge_findings([weak], COVERED).findings == (weak,)
    outcome = merge_findings([weak, semgrep("assay.python.weak-hash", 328, 4)], COVERED)
    (finding,) = outcome.findings
    assert finding.scanner == "bandit" and finding.rule_id == "B324"
    assert finding.sources == ("bandit:B324", "semgrep:assay.python.weak-hash")
    assert finding.severity is Severity.HIGH  # the higher of the two


def test_the_engines_are_whichever_the_results_name() -> None:
    """Nothing in the merge names a scanner: the same findings under other names merge
    alike, and the record names the pattern engine."""
    def renamed(f: Finding, name: str) -> Finding:
        return replace(f, scanner=name)

    findings = [bandit("B608", 89, 11), bandit("B602", 78, 30),
                semgrep("assay.python.sqli.taint", 89, 13)]
    original = merge_findings(findings, COVERED)
    other = merge([renamed(f, {"bandit": "lint", "semgrep": "flow"}[f.scanner])
                   for f in findings], COVERED, Engines("lint", "flow", ENGINES.gated),
                  MergePolicy.DROP)
    assert [(f.rule_id, f.sources) for f in other.findings] == [
        (f.rule_id, f.sources) for f in original.findings]
    assert dict(other.provenance())["merge.lint_unconfirmed"] == "1: B602 x1"
    assert dict(original.provenance())["merge.bandit_policy"] == "drop"


def test_without_taint_coverage_bandit_is_untouched() -> None:
    findings = (bandit("B608", 89, 10), bandit("B602", 78, 2))
    assert set(merge_findings(findings, covered=()).findings) == set(findings)


def test_every_gated_check_maps_to_the_cwe_bandit_findings_carry() -> None:
    from assay.normalize.cwe import BANDIT

    assert all(BANDIT[rule].cwe == cwe for rule, cwe in GATED_BY_DATAFLOW.items())


finding_strategy = st.builds(
    lambda scanner, rule, line, path: (bandit if scanner == "bandit" else semgrep)(
        rule, GATED_BY_DATAFLOW.get(rule, 328), line, path),
    st.sampled_from(["bandit", "semgrep"]),
    st.sampled_from(["B608", "B602", "B324", "B301", "B105"]),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["a.py", "b.py"]),
)


@given(st.lists(finding_strategy, max_size=12), st.sampled_from(list(MergePolicy)))
def test_merge_never_loses_a_pack_finding_or_invents_one(findings: list[Finding],
                                                       policy: MergePolicy) -> None:
    outcome = merge_findings(findings, COVERED, policy)
    pack = [f for f in findings if f.scanner == "semgrep"]
    sources = {s for f in outcome.findings for s in f.sources}
    assert all(f.sources[0] in sources for f in pack)
    assert len(outcome.findings) <= len(findings)
    assert merge_findings(reversed(findings), COVERED, policy).findings == outcome.findings


def test_by_default_an_unconfirmed_finding_stays_visible_with_its_reason() -> None:
    outcome = merge([bandit("B608", 89, 10)], COVERED, ENGINES)
    (finding,) = outcome.findings
    assert outcome.policy is MergePolicy.DEMOTE
    assert (finding.severity, finding.confidence) == (Severity.LOW, Confidence.LOW)
    assert finding.message.startswith("bandit B608 (not confirmed by taint analysis")
    assert "non-blocking" in finding.message


def test_a_check_no_taint_sink_models_passes_through_whatever_the_policy() -> None:
    mako = replace(bandit("B702", 79, 7), severity=Severity.HIGH)
    for policy in MergePolicy:
        outcome = merge([mako], COVERED, ENGINES, policy)
        assert outcome.findings == (mako,)
        assert dict(outcome.provenance())["merge.bandit_unmodelled"] == "1"


def test_a_secret_the_pack_judged_by_its_value_is_not_demoted_but_dropped() -> None:
    outcome = merge([bandit("B105", 798, 3)], COVERED, ENGINES)
    assert outcome.findings == ()
    assert dict(outcome.provenance())["merge.bandit_unconfirmed"] == "1: B105 x1"


def test_one_finding_per_sink_call_however_many_arguments_are_tainted() -> None:
    first = replace(semgrep("assay.python.sqli.taint", 89, 12), span=Span(12, 12, 17, 18))
    second = replace(first, span=Span(12, 12, 30, 34))
    other_line = semgrep("assay.python.sqli.taint", 89, 20)
    outcome = merge([second, other_line, first], COVERED, ENGINES)
    assert outcome.findings == (first, other_line)
    assert dict(outcome.provenance())["merge.same_sink_call"] == "1"


def _through(finding: Finding, *steps: tuple[str, int, str]) -> Finding:
    return replace(finding, flow=tuple(FlowStep(p, n, FlowRole(r)) for p, n, r in steps))


def test_a_flow_ending_at_the_sink_in_another_file_joins_its_pattern_finding() -> None:
    # the view calls a helper whose query Bandit flags: one bug, one finding at the view
    # (both engines' sources), for every view whose flow ends there
    sink = bandit("B608", 89, 10, path="db.py")
    views = [_through(semgrep("assay.python.sqli.taint", 89, line, path="views.py"),
                      ("views.py", line - 1, "source"), ("db.py", 10, "sink"))
             for line in (5, 20)]
    outcome = merge_findings([sink, *views], COVERED, MergePolicy.DEMOTE)
    assert [(f.path, f.span.start_line) for f in outcome.findings] == [
        ("views.py", 5), ("views.py", 20)]
    assert all(f.sources == ("semgrep:assay.python.sqli.taint", "bandit:B608")
               for f in outcome.findings)
    assert outcome.merged == 1 and outcome.unconfirmed == ()


def test_a_flow_ending_elsewhere_or_a_local_partner_leaves_the_cross_file_join() -> None:
    far = _through(semgrep("assay.python.sqli.taint", 89, 5, path="views.py"),
                   ("db.py", 40, "sink"))
    other_cwe = _through(semgrep("assay.python.command-injection.taint", 78, 7,
                                 path="views.py"), ("db.py", 10, "sink"))
    outcome = merge_findings([bandit("B608", 89, 10, path="db.py"), far, other_cwe],
                             COVERED, MergePolicy.DEMOTE)
    demoted = [f for f in outcome.findings if f.scanner == "bandit"]
    assert [(f.path, f.severity) for f in demoted] == [("db.py", Severity.LOW)]
    # a dataflow finding beside it in its own file is its partner, as before
    local = semgrep("assay.python.sqli.taint", 89, 11, path="db.py")
    joined = merge_findings([bandit("B608", 89, 10, path="db.py"), local,
                             _through(far, ("db.py", 10, "sink"))], COVERED)
    assert {(f.path, f.sources) for f in joined.findings} == {
        ("db.py", ("semgrep:assay.python.sqli.taint", "bandit:B608")),
        ("views.py", ("semgrep:assay.python.sqli.taint",))}


def test_an_unconfirmed_import_is_counted_not_reported_and_a_confirmed_one_merges() -> None:
    engines = replace(ENGINES, imports=IMPORT_CHECKS)
    imported = bandit("B404", 78, 1)
    call = bandit("B602", 78, 9)
    outcome = merge([imported, call], COVERED, engines)
    # the import can never be where a flow ends: it is not reported; the call is, low
    assert [f.rule_id for f in outcome.findings] == ["B602"]
    assert dict(outcome.provenance())["merge.bandit_imports"] == "1"
    # a taint finding near the import (a short module) still takes it in
    taint = semgrep("assay.python.command-injection.taint", 78, 3)
    (joined,) = merge([imported, taint], COVERED, engines).findings
    assert joined.sources == ("semgrep:assay.python.command-injection.taint", "bandit:B404")
    # `keep` keeps it as it is; where taint analysis did not run it stands
    assert merge([imported], COVERED, engines, MergePolicy.KEEP).findings == (imported,)
    assert merge([imported], COVERED, engines, analyzed=()).findings == (imported,)


def test_only_import_checks_are_import_checks() -> None:
    assert frozenset(GATED_BY_DATAFLOW) > IMPORT_CHECKS
    assert {"B301", "B313", "B602", "B608"}.isdisjoint(IMPORT_CHECKS)


def test_one_engine_reports_one_weakness_of_a_line_once() -> None:
    # two checks of one engine on one call (B308 and B703 on a mark_safe), or two rules
    # on one secret (its format, critical; its name, high): one finding, the most
    # severe, with every source; another CWE on the line, or another engine, stays apart
    key_format = replace(semgrep("assay.python.hardcoded-key-format", 798, 12),
                         severity=Severity.CRITICAL)
    by_name = semgrep("assay.python.hardcoded-secret", 798, 12)
    other_cwe = semgrep("assay.python.weak-hash", 328, 12)
    kept, dropped = one_per_sink_call([by_name, key_format, other_cwe])
    assert dropped == 1
    assert sorted((f.rule_id, f.severity.value) for f in kept) == [
        ("assay.python.hardcoded-key-format", "critical"), ("assay.python.weak-hash", "high")]
    (secret,) = [f for f in kept if f.cwe == 798]
    assert secret.sources == ("semgrep:assay.python.hardcoded-key-format",
                              "semgrep:assay.python.hardcoded-secret")
    outcome = merge([bandit("B308", 79, 17), bandit("B703", 79, 17)], COVERED,
                    replace(ENGINES, gated=frozenset()))
    (mark_safe,) = outcome.findings
    assert set(mark_safe.sources) == {"bandit:B308", "bandit:B703"}
