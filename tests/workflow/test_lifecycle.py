"""The lifecycle of LLM findings: the state machine, the append-only audit log, tracking
by fingerprint across runs, and proof latency."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.ledger import SqliteLedger, open_ledger
from assay.workflow.errors import FindingNotFound, TransitionError
from assay.workflow.latency import percentile, summarize
from assay.workflow.lifecycle import Lifecycle, ProofRecord
from assay.workflow.states import ALLOWED, State, check_transition
from tests.workflow.factories import finding, llm_finding, run

FP = "ab" * 16
FP2 = "cd" * 16


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def ledger(tmp_path: Path) -> SqliteLedger:
    store = open_ledger(tmp_path / "ledger.db")
    yield store
    store.close()


def proof(fp: str, verdict: str, proof_id: str = "p1", at: str = "2026-01-01T01:00:00Z",
          ) -> ProofRecord:
    return ProofRecord(proof_id, fp, at, "tester", "file", "test_p.py", "0" * 64, "def t(): ...",
                       "c" * 40, False, verdict, "", True, False, 0.5, "{}")


def tracked(ledger: SqliteLedger, *findings: object, clock: Clock | None = None) -> Lifecycle:
    ledger.record_run(run(list(findings)))  # type: ignore[arg-type]
    life = Lifecycle(ledger, clock)
    life.sync()
    return life


def test_llm_findings_enter_as_unverified_and_deterministic_ones_do_not(
        ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding(FP), finding(fp=FP2))
    assert [(f.fingerprint, f.state) for f in life.findings()] == [(FP, State.UNVERIFIED)]
    entry = life.history(FP)[0]
    assert (entry.from_state, entry.to_state, entry.actor) == (None, State.UNVERIFIED, "assay")
    assert entry.at == "2026-01-01T00:00:00Z" and dict(entry.evidence) == {"run": "r1"}
    with pytest.raises(FindingNotFound, match="no LLM finding") as err:
        life.resolve(FP2)
    assert "deterministic" in err.value.hint


def test_state_follows_the_fingerprint_across_runs(ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding(FP, line=3))
    life.transition(FP, State.ACCEPTED_RISK, "alice", "internal tool only")
    ledger.record_run(run([llm_finding(FP, line=40)], run_id="r2",
                          started_at="2026-02-01T00:00:00Z"))
    assert life.sync() == 0
    again = life.resolve(FP[:8])
    assert again.state is State.ACCEPTED_RISK
    assert (again.first_run, again.last_run, again.start_line) == ("r1", "r2", 40)


def test_unknown_and_ambiguous_ids(ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding("abcd" + "0" * 28), llm_finding("abce" + "0" * 28, line=9))
    with pytest.raises(FindingNotFound, match="ambiguous"):
        life.resolve("abc")
    with pytest.raises(FindingNotFound, match="no LLM finding 'zz-not-hex'"):
        life.resolve("zz-not-hex")
    assert life.resolve("abcd").fingerprint.startswith("abcd")


def test_proven_needs_a_proving_proof_record(ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding(FP))
    with pytest.raises(TransitionError, match="only a proof"):
        life.transition(FP, State.PROVEN, "alice", "I am sure")
    life.record_proof(proof(FP, "not-reproduced", "p0"))
    with pytest.raises(TransitionError, match="only a proof"):
        life.transition(FP, State.PROVEN, "alice", "proof", proof_id="p0")
    life.record_proof(proof(FP, "proven", "p1"))
    entry = life.transition(FP, State.PROVEN, "alice", "proof failed", proof_id="p1")
    assert dict(entry.evidence) == {"proof": "p1"}
    assert life.resolve(FP).state is State.PROVEN
    assert [p.id for p in life.proofs(FP)] == ["p0", "p1"]


def test_a_reason_is_required_and_refused_transitions_leave_no_trace(
        ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding(FP))
    with pytest.raises(TransitionError, match="reason"):
        life.transition(FP, State.REFUTED, "alice", "   ")
    life.transition(FP, State.REFUTED, "alice", "input is a constant")
    with pytest.raises(TransitionError, match="cannot move a finding from refuted to fixed"):
        life.transition(FP, State.FIXED, "alice", "fixed")
    assert [e.to_state for e in life.history(FP)] == [State.UNVERIFIED, State.REFUTED]


def test_the_audit_log_and_proofs_cannot_be_rewritten(ledger: SqliteLedger) -> None:
    life = tracked(ledger, llm_finding(FP))
    life.record_proof(proof(FP, "proven"))
    life.transition(FP, State.PROVEN, "alice", "proof failed", proof_id="p1")
    attempts = [
        "UPDATE lifecycle_audit SET to_state = 'refuted'",
        "UPDATE lifecycle_audit SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM lifecycle_audit",
        "UPDATE proofs SET verdict = 'not-reproduced'",
        "DELETE FROM proofs WHERE id = 'p1'",
        "DELETE FROM lifecycle_findings",
    ]
    for statement in attempts:
        with pytest.raises(sqlite3.DatabaseError):
            ledger.db.execute(statement)
    assert [e.to_state for e in life.history(FP)] == [State.UNVERIFIED, State.PROVEN]
    assert life.proofs(FP)[0].verdict == "proven"
    raw = sqlite3.connect(ledger.path)  # a second, unrelated connection is refused as well
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE lifecycle_audit SET reason = 'rewritten'")
    raw.close()


def test_proof_latency_median_and_p90_per_scanner(ledger: SqliteLedger) -> None:
    clock = Clock()
    life = tracked(ledger, llm_finding(FP), llm_finding(FP2, line=8, scanner="llm-b"),
                   clock=clock)
    for fp, hours, proof_id in ((FP, 2, "p1"), (FP2, 5, "p2")):
        clock.now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
        life.record_proof(proof(fp, "proven", proof_id))
        life.transition(fp, State.PROVEN, "ci", "proof failed", proof_id=proof_id)
    stats = {s.scanner: s for s in summarize(life.proof_latencies())}
    assert stats["llm"].median == 7200 and stats["llm-b"].p90 == 18000


def test_percentile_interpolates() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    assert percentile(values, 50) == 55.0
    assert percentile(values, 90) == pytest.approx(91.0)
    assert percentile([3.0], 90) == 3.0
    [stats] = summarize(("s", v) for v in values)
    assert (stats.count, stats.median) == (10, 55.0)


# --- the state machine, as a property ------------------------------------------------------

STATES = list(State)
EVENTS = st.lists(st.tuples(st.sampled_from(STATES), st.sampled_from(["proven", "passed", None]),
                            st.sampled_from(["because", ""])), max_size=12)


@given(EVENTS)
def test_check_transition_accepts_exactly_the_table(events: list[tuple[State, str | None, str]],
                                                    ) -> None:
    current: State | None = State.UNVERIFIED
    for target, verdict, reason in events:
        expected = bool(reason) and target in ALLOWED[current] and (
            target is not State.PROVEN or verdict == "proven")
        try:
            check_transition(current, target, reason, verdict)
            accepted = True
        except TransitionError:
            accepted = False
        assert accepted == expected
        if accepted:
            current = target


def test_no_state_is_a_dead_end_and_nothing_returns_to_new() -> None:
    for state in State:
        assert ALLOWED[state], state
        assert state not in ALLOWED[state]
    assert ALLOWED[None] == {State.UNVERIFIED}


@settings(max_examples=25, deadline=None)
@given(EVENTS)
def test_the_stored_history_is_exactly_the_accepted_transitions(
        tmp_path_factory: pytest.TempPathFactory,
        events: list[tuple[State, str | None, str]]) -> None:
    store = open_ledger(tmp_path_factory.mktemp("life") / "ledger.db")
    try:
        life = tracked(store, llm_finding(FP))
        expected = [State.UNVERIFIED]
        for n, (target, verdict, reason) in enumerate(events):
            proof_id = None
            if verdict is not None:
                proof_id = f"p{n}"
                life.record_proof(proof(FP, "proven" if verdict == "proven" else
                                        "not-reproduced", proof_id))
            try:
                life.transition(FP, target, "prop", reason, proof_id=proof_id)
                expected.append(target)
            except TransitionError:
                pass
        history = life.history(FP)
        assert [e.to_state for e in history] == expected
        assert [e.from_state for e in history] == [None, *expected[:-1]]
        assert life.resolve(FP).state is expected[-1]
        assert all(e.to_state is not State.PROVEN or dict(e.evidence).get("proof")
                   for e in history)
    finally:
        store.close()


def test_the_latest_finding_of_a_fingerprint_is_the_llm_one_beside_its_twin(
        ledger: SqliteLedger) -> None:
    # a deterministic finding at the same place shares the fingerprint and comes first
    life = tracked(ledger, finding(fp=FP), llm_finding(FP))
    latest = life.latest_finding(FP)
    assert latest is not None and latest.scanner == "llm"
