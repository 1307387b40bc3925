"""The SQLite ledger: storage, look-up, schema migrations, and refusal of bad files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assay.formats.json import dumps, run_to_document
from assay.ledger import LedgerError, SqliteLedger, migrations, open_ledger
from assay.model import (
    CacheStats,
    Confidence,
    Coverage,
    Finding,
    Metrics,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerInfo,
    Severity,
    SkippedFile,
    SkipReason,
    Span,
    StageMetrics,
    Target,
)


def make_run(run_id: str, commit: str = "c" * 40, started: str = "2026-01-01T00:00:00Z") -> Run:
    finding = Finding(scanner="bandit", rule_id="B324", path="a.py", span=Span(2, 2),
                      severity=Severity.HIGH, confidence=Confidence.HIGH, message="md5",
                      cwe=328, fingerprint="f" * 32)  # type: ignore[arg-type]
    return Run(
        id=RunId(run_id), status=RunStatus.INCOMPLETE,
        provenance=Provenance("0.1.0", (ScannerInfo("bandit", "1.9"),), "cfg",
                              Target(root="/r", commit=commit)),
        coverage=Coverage(2, 1, (SkippedFile("b.py", SkipReason.BINARY, "", "NUL"),)),
        findings=(finding,), reasons=("1 in-scope file(s) not analyzed (binary: 1)",),
        metrics=Metrics(started_at=started, wall_seconds=1.5,
                        stages=(StageMetrics("scan", 1.5),), cache=CacheStats(3, 4)),
    )


def test_record_get_and_list(tmp_path: Path) -> None:
    with open_ledger(tmp_path / "l.db") as store:
        store.record_run(make_run("20260101T000000Z-aaaa1111"))
        store.record_run(make_run("20260102T000000Z-bbbb2222", commit="d" * 40,
                                  started="2026-01-02T00:00:00Z"))
        assert store.get_run("20260101T000000Z-aaaa1111") == make_run("20260101T000000Z-aaaa1111")
        assert store.get_run("20260102").id == "20260102T000000Z-bbbb2222"
        assert [r.id for r in store.list_runs()] == ["20260102T000000Z-bbbb2222",
                                                     "20260101T000000Z-aaaa1111"]
        assert [r.id for r in store.list_runs(commit="ddd")] == ["20260102T000000Z-bbbb2222"]
        assert store.list_runs(scanner="semgrep") == []
        with pytest.raises(LedgerError, match="ambiguous"):
            store.get_run("2026")
        with pytest.raises(LedgerError, match="no run"):
            store.get_run("nope")
        rows = store.db.execute("SELECT path, reason FROM skipped").fetchall()
        assert rows == [("b.py", "binary")] * 2


def test_migration_from_core_v1(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = SqliteLedger(path, upto={"core": 1})
    run = make_run("20250101T000000Z-0ld00001")
    doc = run_to_document(run, with_metrics=True)
    old.db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (run.id, run.metrics.started_at, "incomplete", "bandit", "/r", ".", None,
                    "c" * 40, 0, 1.5, dumps(doc)))
    assert old.versions()["core"] == 1
    old.close()
    with open_ledger(path) as store:
        assert store.versions()["core"] == len(migrations.MIGRATIONS["core"])
        assert store.get_run(run.id) == run
        assert store.db.execute("SELECT path, reason, detail FROM skipped").fetchall() == [
            ("b.py", "binary", "NUL")]
        assert store.db.execute("SELECT cache_hits, cache_misses FROM runs").fetchone() == (3, 4)
        assert store.db.execute("SELECT name FROM stages").fetchall() == [("scan",)]


def test_ledger_from_a_newer_assay_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_ledger(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99 WHERE component = 'core'")
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer assay"):
        open_ledger(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(LedgerError, match="not a usable SQLite database") as info:
        open_ledger(path)
    assert "never overwrites" in info.value.hint
    assert path.read_bytes() == b"garbage" * 1000


def test_truncated_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with open_ledger(path) as store:
        store.record_run(make_run("20260101T000000Z-aaaa1111"))
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\x00" * 100)
    with pytest.raises(LedgerError), open_ledger(path) as store:
        store.get_run("20260101T000000Z-aaaa1111")


def test_unsupported_url_scheme(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="unsupported ledger URL scheme"):
        open_ledger("postgresql://db/assay")
    with open_ledger(f"sqlite:///{tmp_path}/u.db") as store:
        assert store.path == tmp_path / "u.db"


def test_stored_document_is_the_json_document(tmp_path: Path) -> None:
    run = make_run("20260101T000000Z-aaaa1111")
    with open_ledger(tmp_path / "l.db") as store:
        store.record_run(run)
        (text,) = store.db.execute("SELECT document FROM runs").fetchone()
    assert json.loads(text) == run_to_document(run, with_metrics=True)


def test_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "fresh.db"

    def open_and_close(_: int) -> dict[str, int]:
        store = open_ledger(path)
        try:
            return store.versions()
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(open_and_close, range(16)))
    expected = {c: len(steps) for c, steps in migrations.MIGRATIONS.items()}
    assert all(v == expected for v in versions)
