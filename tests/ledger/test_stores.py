"""The stores a ledger carries, checked through the interface only (a second backend runs
the same tests by adding itself to the `ledger` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from assay.ledger import Ledger, open_ledger
from assay.ledger.interface import (
    AuditRecord,
    CacheEntry,
    ProofRecord,
    ScanQuery,
    Sighting,
    TraceEvent,
)
from assay.model import FindingKind, RunId, Target
from tests.workflow.factories import finding, llm_finding, run

FP = "ab" * 16


@pytest.fixture(params=["sqlite"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    store = open_ledger(tmp_path / "ledger.db")
    yield store
    store.close()


def _enter(seen: Sighting) -> AuditRecord:
    return AuditRecord(seen.fingerprint, None, "new", "test", seen.seen, "seen",
                       (("run", seen.run_id),))


def test_traces_keep_events_in_order_per_scanner(ledger: Ledger) -> None:
    events = [TraceEvent(i, "tool", "plan", i, f'{{"n": {i}}}') for i in range(3)]
    ledger.traces.append("r1", "llm-b", events[:2])
    ledger.traces.append("r1", "llm-b", events[2:])
    ledger.traces.append("r1", "llm-a", events[:1])
    assert ledger.traces.events("r1", "llm-b") == events
    assert ledger.traces.scanners("r1") == ["llm-a", "llm-b"]
    assert ledger.traces.events("r2", "llm-b") == [] and ledger.traces.scanners("r2") == []


def test_traces_from_threads_sharing_one_ledger(ledger: Ledger) -> None:
    def write(n: int) -> None:
        for seq in range(20):
            ledger.traces.append("r1", f"s{n}", [TraceEvent(seq, "k", "", 0, "{}")])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert [len(ledger.traces.events("r1", f"s{n}")) for n in range(4)] == [20] * 4


def test_llm_cache_replaces_an_entry(ledger: Ledger) -> None:
    assert ledger.llm_cache.get("k") is None
    first = CacheEntry("llm", "r1", "2026-01-01T00:00:00Z", 10, '{"a": 1}')
    ledger.llm_cache.put("k", first)
    assert ledger.llm_cache.get("k") == first
    ledger.llm_cache.put("k", replace(first, run_id="r2"))
    assert ledger.llm_cache.get("k") == replace(first, run_id="r2")


def test_lifecycle_sync_tracks_llm_findings_once(ledger: Ledger) -> None:
    ledger.record_run(run([llm_finding(FP), finding(fp="cd" * 16)], started_at=""))
    assert ledger.lifecycle.sync(_enter, lambda: "2026-01-02T00:00:00Z") == 1
    assert ledger.lifecycle.sync(_enter, lambda: "never") == 0
    [tracked] = ledger.lifecycle.tracked()
    assert (tracked.fingerprint, tracked.state, tracked.first_seen) == (
        FP, "new", "2026-01-02T00:00:00Z")
    assert [e.evidence for e in ledger.lifecycle.history(FP)] == [(("run", "r1"),)]


def test_lifecycle_prefixes_are_literal(ledger: Ledger) -> None:
    ledger.record_run(run([llm_finding(FP)]))
    ledger.lifecycle.sync(_enter, lambda: "")
    assert [t.fingerprint for t in ledger.lifecycle.tracked("abab")] == [FP]
    assert ledger.lifecycle.tracked("a_") == [] and ledger.lifecycle.tracked("%") == []


def test_a_refused_entry_leaves_no_trace(ledger: Ledger) -> None:
    ledger.record_run(run([llm_finding(FP)]))
    ledger.lifecycle.sync(_enter, lambda: "")

    def refuse(current: str | None) -> AuditRecord:
        raise ValueError(f"not from {current}")

    with pytest.raises(ValueError, match="not from new"):
        ledger.lifecycle.append(FP, refuse)
    moved = ledger.lifecycle.append(
        FP, lambda current: AuditRecord(FP, current, "done", "me", "2026-01-01T02:00:00Z",
                                        "why", ()))
    assert moved.seq > 0 and moved.from_state == "new"
    assert [e.to_state for e in ledger.lifecycle.history(FP)] == ["new", "done"]
    assert [(r.scanner, r.at) for r in ledger.lifecycle.reached("done")] == [
        ("llm", "2026-01-01T02:00:00Z")]


def test_proofs_are_returned_oldest_first(ledger: Ledger) -> None:
    ledger.record_run(run([llm_finding(FP)]))
    ledger.lifecycle.sync(_enter, lambda: "")
    later = ProofRecord("p2", FP, "2026-01-02T00:00:00Z", "ci", "file", "t.py", "0" * 64, "",
                        None, True, "proven", "", True, False, 1.5, "{}")
    earlier = replace(later, id="p1", at="2026-01-01T00:00:00Z", dirty=False)
    ledger.proofs.record(later)
    ledger.proofs.record(earlier)
    assert ledger.proofs.of(FP) == [earlier, later]


def test_latest_scan_matches_provenance(ledger: Ledger) -> None:
    base = run([finding()], run_id="20260101T000000Z-aaaa")
    ledger.record_run(base)
    dirty = run([], run_id="20260102T000000Z-bbbb", started_at="2026-01-02T00:00:00Z")
    prov = dirty.provenance
    ledger.record_run(replace(dirty, provenance=replace(
        prov, target=Target(root="/r", commit="c" * 40, dirty=True))))
    query = ScanQuery("c" * 40, "cfg", "0", frozenset({("bandit", "1")}))
    assert ledger.clean_runs("c" * 40, 20) == [RunId("20260101T000000Z-aaaa")]
    found = ledger.latest_scan(query)
    assert found is not None and found.id == base.id
    assert ledger.latest_scan(replace(query, config_hash="other")) is None
    assert ledger.latest_scan(replace(query, scanners=frozenset({("semgrep", "1")}))) is None


def test_finding_kinds_by_fingerprint_prefix(ledger: Ledger) -> None:
    ledger.record_run(run([llm_finding(FP), finding(fp="abcd" * 8)]))
    assert ledger.finding_kinds("ab") == {FindingKind.LLM, FindingKind.DETERMINISTIC}
    assert ledger.finding_kinds("abab") == {FindingKind.LLM}
    assert ledger.finding_kinds("ff") == frozenset()
