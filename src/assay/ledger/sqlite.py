"""The SQLite ledger (by default in the project's per-user state directory)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from assay.formats.errors import FormatError
from assay.formats.json import compact, run_from_document, run_to_document
from assay.ledger import migrations
from assay.ledger.interface import (
    LabelStore,
    Ledger,
    LedgerError,
    LifecycleStore,
    LlmCache,
    ProofStore,
    RunSummary,
    TraceStore,
)
from assay.ledger.sqlite_db import Database, prefix_range
from assay.ledger.sqlite_labels import SqliteLabels
from assay.ledger.sqlite_lifecycle import SqliteLifecycle, SqliteProofs
from assay.ledger.sqlite_llm import SqliteLlmCache, SqliteTraces
from assay.model import FindingKind, Run, RunId, sorted_findings

LOCK_WAIT = 30.0  # seconds to wait for a lock SQLite does not wait for itself


def storable(text: str) -> str:
    """`text` as SQLite can store it: a lone surrogate (a file name that is not UTF-8, read
    with surrogateescape) becomes its `\\udcXX` escape instead of failing the write."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# Every text parameter of every statement goes through `storable`: file names, messages
# and snippets come from the scanned tree, and one of them must not fail a whole write.
sqlite3.register_adapter(str, storable)
_MOVE_ASIDE = "move the file aside (assay never overwrites it) or pass --ledger PATH"


def ledger_path(url: str | Path) -> Path:
    """The file a ledger URL names: a plain path, or `sqlite:///relative.db` and
    `sqlite:////absolute/path.db` as SQLAlchemy spells them."""
    text = str(url)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise LedgerError(f"unsupported ledger URL scheme {scheme!r}",
                          "use a file path or sqlite:///path/to/ledger.db")
    return Path(text)


def default_ledger_file(directory: Path) -> Path:
    """The ledger file assay keeps in a project's state directory."""
    return directory / "ledger.db"


def open_ledger(url: str | Path) -> SqliteLedger:
    """Open (creating if needed) the ledger at `url`, migrating its schema."""
    return SqliteLedger(ledger_path(url))


class SqliteLedger(Ledger):
    """A ledger in one SQLite file; safe to share between threads of one process."""

    def __init__(self, path: Path, upto: dict[str, int] | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        if path.exists() and path.is_dir():
            raise LedgerError(f"ledger path is a directory: {path}", _MOVE_ASIDE)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, autocommit=True, check_same_thread=False,
                                      timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"cannot open ledger {path}: {exc}") from None
        try:
            self._prepare_when_unlocked(upto)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise LedgerError(f"ledger {path} is not a usable SQLite database ({exc})",
                              _MOVE_ASIDE) from None
        database = Database(self.db, self._lock, str(path))
        self._lifecycle = SqliteLifecycle(database)
        self._proofs = SqliteProofs(database)
        self._labels = SqliteLabels(database)
        self._traces = SqliteTraces(database)
        self._llm_cache = SqliteLlmCache(database)

    @property
    def location(self) -> str:
        """The ledger's file."""
        return str(self.path)

    @property
    def lifecycle(self) -> LifecycleStore:
        """Findings under review and their audit log."""
        return self._lifecycle

    @property
    def proofs(self) -> ProofStore:
        """Proof records."""
        return self._proofs

    @property
    def labels(self) -> LabelStore:
        """Blind-labeling samples and labels."""
        return self._labels

    @property
    def traces(self) -> TraceStore:
        """LLM traces."""
        return self._traces

    @property
    def llm_cache(self) -> LlmCache:
        """The LLM result cache."""
        return self._llm_cache

    def _prepare_when_unlocked(self, upto: dict[str, int] | None) -> None:
        """`_prepare`, again while another connection holds a lock SQLite does not wait
        for (switching to WAL as several processes open a new ledger at once)."""
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                self._prepare(upto)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _prepare(self, upto: dict[str, int] | None) -> None:
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.execute("PRAGMA quick_check").fetchone()
        newer = migrations.newer_than_known(self.db)
        if newer:
            raise LedgerError(f"ledger {self.path} was written by a newer assay "
                              f"({', '.join(newer)})", "upgrade assay to read it")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode = WAL")
        migrations.migrate(self.db, upto)

    def versions(self) -> dict[str, int]:
        """Schema version of each component."""
        with self._lock:
            return migrations.current_versions(self.db)

    def record_run(self, run: Run) -> None:
        """Store a run: its full document plus queryable rows."""
        doc = run_to_document(run, with_metrics=True)
        with self._lock, migrations.transaction(self.db) as db:
            db.execute(
                "INSERT INTO runs (id, started_at, status, scanners, root, scope, rev, commit_id,"
                " dirty, wall_seconds, document, cache_hits, cache_misses, diff_base, files)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.id, run.metrics.started_at, run.status.value,
                 ",".join(run.scanner_names), run.target.root, run.target.scope,
                 run.target.rev, run.target.commit, int(run.target.dirty),
                 run.metrics.wall_seconds, compact(doc), run.metrics.cache.hits,
                 run.metrics.cache.misses, run.target.diff_base, "\n".join(run.target.files)))
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run.id, i, f.fingerprint, f.scanner, f.kind.value, f.rule_id, f.cwe,
                  f.severity.value, f.path, f.span.start_line, f.span.end_line)
                 for i, f in enumerate(sorted_findings(run.findings))])
            db.executemany(
                "INSERT INTO skipped VALUES (?, ?, ?, ?, ?)",
                [(run.id, s.path, s.reason.value, s.scanner, s.detail)
                 for s in sorted(run.coverage.skipped)])
            db.executemany(
                "INSERT INTO stages VALUES (?, ?, ?, ?, ?, ?)",
                [(run.id, s.name, s.wall_seconds, s.tokens_in, s.tokens_out, s.cost)
                 for s in run.metrics.stages])

    def resolve_id(self, run_id: str) -> RunId:
        """The full id of a run given its id or a unique prefix of it."""
        with self._lock:
            rows = self.db.execute("SELECT id FROM runs WHERE id = ? OR id LIKE ? LIMIT 2",
                                   (run_id, _escape_like(run_id) + "%")).fetchall()
        exact = [r[0] for r in rows if r[0] == run_id]
        if exact:
            return RunId(exact[0])
        if not rows:
            raise LedgerError(f"no run {run_id!r} in ledger {self.path}",
                              "list runs with `assay runs`")
        if len(rows) > 1:
            raise LedgerError(f"run id prefix {run_id!r} is ambiguous",
                              "give more characters of the id")
        return RunId(rows[0][0])

    def get_run(self, run_id: str) -> Run:
        """A stored run, rebuilt from its document."""
        full = self.resolve_id(run_id)
        with self._lock:
            row = self.db.execute("SELECT document FROM runs WHERE id = ?", (full,)).fetchone()
        try:
            return run_from_document(json.loads(row[0]), default_id=full)
        except (ValueError, FormatError) as exc:
            raise LedgerError(f"run {full} in {self.path} is unreadable: {exc}") from None

    def list_runs(self, limit: int = 50, scanner: str | None = None,
                  commit: str | None = None) -> list[RunSummary]:
        """Recent runs, newest first."""
        query = ("SELECT r.id, r.started_at, r.status, r.scanners, r.commit_id, r.dirty,"
                 " (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id), r.wall_seconds,"
                 " r.scope, r.diff_base, r.files FROM runs r WHERE 1=1")
        args: list[object] = []
        if scanner:
            query += " AND (',' || r.scanners || ',') LIKE ?"
            args.append(f"%,{scanner},%")
        if commit:
            query += " AND r.commit_id LIKE ?"
            args.append(_escape_like(commit) + "%")
        query += " ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self.db.execute(query, args).fetchall()
        return [RunSummary(RunId(r[0]), r[1], r[2], tuple(r[3].split(",")) if r[3] else (),
                           r[4], bool(r[5]), r[6], r[7], r[8], r[9],
                           len(r[10].split("\n")) if r[10] else 0) for r in rows]

    def clean_runs(self, commit: str, limit: int) -> list[RunId]:
        """Ids of the newest complete runs of a clean tree at `commit`, newest first."""
        with self._lock:
            rows = self.db.execute(
                "SELECT id FROM runs WHERE commit_id = ? AND status = 'complete' AND dirty = 0"
                " ORDER BY started_at DESC, rowid DESC LIMIT ?", (commit, limit)).fetchall()
        return [RunId(r[0]) for r in rows]

    def finding_kinds(self, prefix: str) -> frozenset[FindingKind]:
        """The kinds of the recorded findings whose fingerprint starts with `prefix`."""
        with self._lock:
            rows = self.db.execute("SELECT DISTINCT kind FROM findings"
                                   " WHERE fingerprint >= ? AND fingerprint < ?",
                                   prefix_range(prefix)).fetchall()
        return frozenset(FindingKind(r[0]) for r in rows)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self.db.close()


def _escape_like(text: str) -> str:
    """Ids and commits are plain words: drop LIKE wildcards rather than escape them."""
    return text.replace("%", "").replace("_", "")
