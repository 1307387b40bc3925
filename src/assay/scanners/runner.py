"""Run several scanners over one snapshot and assemble one `Run`.

Scanners run concurrently (each shards its own work across cores). Their results are
normalized into one run: fingerprints assigned, coverage merged (a file skipped for the
same reason by every scanner is listed once), and the status decided: a run is
`complete` only if every scanner completed and no in-scope file was left unanalyzed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from assay import __version__
from assay.ledger.result_cache import ResultCache
from assay.model import (
    CacheStats,
    Coverage,
    Finding,
    Metrics,
    Provenance,
    Run,
    RunId,
    RunStatus,
    ScannerOutcome,
    SkippedFile,
    SkipReason,
    StageMetrics,
)
from assay.normalize import testcode, testreach
from assay.normalize.fingerprint import assign_fingerprints
from assay.normalize.merge import Engines, MergeOutcome, merge_findings
from assay.normalize.policy import Policy, apply_policy
from assay.normalize.testcode import is_test_path
from assay.normalize.testreach import ProductionReach, imports_by_reading
from assay.repo.interface import Snapshot
from assay.scanners import children
from assay.scanners.interface import ScanContext, Scanner, ScannerResult, SliceMetrics


@dataclass(frozen=True)
class RunSettings:
    """Everything about a run that is not the snapshot or the scanners."""

    run_id: RunId
    config_hash: str
    ctx: ScanContext
    is_excluded: Callable[[str], bool]
    started_at: datetime
    extra_provenance: tuple[tuple[str, str], ...] = ()
    policy: Policy = field(default_factory=Policy)


def partition(snapshot: Snapshot, scanners: Sequence[Scanner],
              is_excluded: Callable[[str], bool]) -> tuple[tuple[str, ...], list[SkippedFile]]:
    """Files the scanners will see, and the excluded files and symlinks they will not."""
    files: list[str] = []
    skipped: list[SkippedFile] = []
    for entry in snapshot.files:
        relevant = any(s.applies_to(entry.path) for s in scanners)
        if is_excluded(entry.path):
            if relevant:
                skipped.append(SkippedFile(entry.path, SkipReason.EXCLUDED, "", "exclude pattern"))
        elif entry.symlink:
            if relevant:
                skipped.append(entry.skipped())
        else:
            files.append(entry.path)
    return tuple(files), skipped


@dataclass(frozen=True)
class ScanOutcome:
    """A run, and what its scanners asked to tell the user."""

    run: Run
    warnings: tuple[str, ...] = ()


def run_scanners(snapshot: Snapshot, scanners: Sequence[Scanner], settings: RunSettings) -> Run:
    """Scan `snapshot` with every scanner and assemble the run."""
    return scan_outcome(snapshot, scanners, settings).run


def scan_outcome(snapshot: Snapshot, scanners: Sequence[Scanner],
                 settings: RunSettings) -> ScanOutcome:
    """Scan `snapshot` with every scanner: the run, and the scanners' warnings."""
    started = time.perf_counter()
    files, skipped = partition(snapshot, scanners, settings.is_excluded)
    # the whole tree, as the severity policy reads it; which test paths production reaches
    # is worked out once, when a scanner or the policy first asks (the policy's own reading
    # takes it from the tree's memo)
    tree = _SnapshotTree(snapshot, settings.ctx.cache)
    reach = ProductionReach(tree.paths(), is_test_path, tree.read_many, tree.import_names,
                            tree.reach_memo())
    ctx = replace(settings.ctx, snapshot=snapshot, files=files, reached_by=reach.by)
    results = _run_all(scanners, ctx)
    in_scope = sorted({p for s in scanners for p in s.select(files)})
    run = assemble(snapshot, scanners, results, skipped, in_scope, settings,
                   time.perf_counter() - started, tree)
    return ScanOutcome(run, tuple(w for r in results for w in r.warnings))


def _run_all(scanners: Sequence[Scanner], ctx: ScanContext) -> list[ScannerResult]:
    """Every scanner's result, the scanners run at once. Stopped while waiting (Ctrl-C,
    SIGTERM: only this thread hears them), the scanners' processes are killed, so that
    their threads end now rather than when those processes would have."""
    pool = ThreadPoolExecutor(max_workers=max(1, len(scanners)))
    try:
        started = children.spawned()
        handing = {i: pool.submit(_safe_run, s, ctx) for i, s in enumerate(scanners)
                   if not s.in_process}
        waiting = replace(ctx, hand_off=functools.partial(
            _wait_for_hand_off, started, list(handing.values())))
        futures = [handing[i] if i in handing else pool.submit(_safe_run, s, waiting)
                   for i, s in enumerate(scanners)]
        results = [f.result() for f in futures]
    except BaseException:
        with children.stopping():
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


HAND_OFF_WAIT = 0.5  # seconds an in-process scanner waits for the others' processes


def _wait_for_hand_off(started: int, others: Sequence[Future[ScannerResult]]) -> None:
    """Return once the other scanners have handed their work to a process of their own
    (more than `started` processes started), or ended, or half a second has passed.

    An in-process scanner (Bandit) waits here before analyzing: Python threads take
    turns on one core, so its analysis run while Semgrep's pre-pass prepares the rules
    only delays the Semgrep process, which would run on a second core alongside it (a
    one-file rescan of a small project: 0.1 s of 1 s). A scanner with nothing to
    analyze (every result cached) does not wait."""
    deadline = time.monotonic() + HAND_OFF_WAIT
    while others and not all(f.done() for f in others):
        left = deadline - time.monotonic()
        if left <= 0 or children.wait_for_spawn(started, min(left, 0.01)):
            return


def _safe_run(scanner: Scanner, ctx: ScanContext) -> ScannerResult:
    """A scanner that raises still yields a result: incomplete, with the reason."""
    try:
        return scanner.run(ctx)
    except Exception as exc:
        files = scanner.select(ctx.files)
        detail = f"{type(exc).__name__}: {exc}"
        return ScannerResult(
            info=scanner.info(), status=RunStatus.INCOMPLETE, reason=detail,
            skipped=tuple(SkippedFile(p, SkipReason.SCANNER_ERROR, scanner.name, detail)
                          for p in files))


def merge_skips(scanners: Sequence[Scanner], results: Sequence[ScannerResult],
                central: list[SkippedFile]) -> tuple[SkippedFile, ...]:
    """Skips of all scanners; one entry when every applicable scanner skipped a file alike."""
    by_file: dict[tuple[str, SkipReason], list[SkippedFile]] = {}
    for result in results:
        for skip in result.skipped:
            by_file.setdefault((skip.path, skip.reason), []).append(skip)
    merged: list[SkippedFile] = list(central)
    for (path, reason), skips in by_file.items():
        applicable = [s for s in scanners if s.applies_to(path)]
        if len(applicable) > 1 and len({s.scanner for s in skips}) == len(applicable):
            merged.append(SkippedFile(path, reason, "", skips[0].detail))
        else:
            merged.extend(skips)
    return tuple(sorted(set(merged)))


def assemble(snapshot: Snapshot, scanners: Sequence[Scanner], results: Sequence[ScannerResult],
             central: list[SkippedFile], in_scope: Sequence[str], settings: RunSettings,
             seconds: float, tree: _SnapshotTree | None = None) -> Run:
    """One run from the scanners' results (`tree`: the whole tree, as the policy reads
    it; read anew when not given)."""
    skipped = merge_skips(scanners, results, central)
    analyzed = [p for p in in_scope
                if all(p in r.analyzed for s, r in zip(scanners, results, strict=True)
                       if s.applies_to(p))]
    coverage = Coverage(in_scope=len(in_scope), analyzed=len(analyzed), skipped=skipped)
    merged, merge_record = merge_engines(results)
    judged = apply_policy(merged, settings.policy,
                          tree or _SnapshotTree(snapshot, settings.ctx.cache))
    findings: list[Finding] = assign_fingerprints(list(judged.findings))
    outcomes = tuple(ScannerOutcome(r.info.name, r.status, r.reason) for r in results)
    reasons = _reasons(outcomes, coverage)
    status = RunStatus.INCOMPLETE if reasons else RunStatus.COMPLETE
    provenance = Provenance(
        assay_version=__version__,
        scanners=tuple(r.info for r in results),
        config_hash=settings.config_hash,
        target=snapshot.target,
        python=platform.python_version(),
        extra=tuple(sorted(settings.extra_provenance
                           + tuple(kv for r in results for kv in _recorded(r)) + merge_record
                           + judged.provenance())),
    )
    cache = CacheStats(hits=sum(r.cache.hits for r in results),
                       misses=sum(r.cache.misses for r in results),
                       saved_tokens=sum(r.cache.saved_tokens for r in results))
    metrics = Metrics(
        started_at=settings.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        wall_seconds=seconds,
        stages=(StageMetrics("scan", seconds), *(st for r in results for st in _stages(r))),
        cache=cache,
    )
    return Run(id=settings.run_id, status=status, provenance=provenance, coverage=coverage,
               findings=tuple(findings), scanners=outcomes, reasons=reasons, metrics=metrics)


@functools.cache
def imports_kind() -> str:
    """The result cache's name for what a file imports (key: blob id and path), with a
    digest of the code that reads imports: a changed reading never reuses older names."""
    source = Path(testreach.__file__).read_bytes()
    return f"import-names/{hashlib.sha256(source).hexdigest()[:16]}"


@functools.cache
def reach_kind() -> str:
    """The result cache's name for the test-path files production reaches in one tree
    state, with a digest of the code that works it out."""
    source = Path(testreach.__file__).read_bytes() + Path(testcode.__file__).read_bytes()
    return f"test-reach/{hashlib.sha256(source).hexdigest()[:16]}"


class _KeptReach:
    """The reach of one tree state, kept for one scan."""

    def __init__(self) -> None:
        self.reached: dict[str, str] | None = None

    def load(self) -> dict[str, str] | None:
        return self.reached

    def save(self, reached: Mapping[str, str]) -> None:
        self.reached = dict(reached)


class _CachedReach:
    """The reach of one tree state in the result cache, keyed by every Python file's
    path and content: any change of a Python file works it out again."""

    def __init__(self, tree: _SnapshotTree, cache: ResultCache) -> None:
        self.tree, self.cache = tree, cache
        self._key: str | None = None

    def key(self) -> str:
        if self._key is None:
            keys = sorted(self.tree.import_key(p) for p in self.tree.paths()
                          if p.endswith(".py"))
            # a file whose content cannot be named makes the state unnamable: not kept
            self._key = "" if not all(keys) else \
                hashlib.sha256("\n".join(keys).encode()).hexdigest()
        return self._key

    def load(self) -> dict[str, str] | None:
        key = self.key()
        doc = self.cache.get_docs(reach_kind(), [key]).get(key) if key else None
        if doc is None:
            return None
        kept = json.loads(doc)
        return {str(k): str(v) for k, v in kept.items()} if isinstance(kept, dict) else None

    def save(self, reached: Mapping[str, str]) -> None:
        if self.key():
            self.cache.put_docs(reach_kind(), [(self.key(), json.dumps(dict(sorted(
                reached.items()))))])


class _FileMemo:
    """Documents of one kind about single files, in the result cache by each file's
    content and path (a file whose content cannot be named is never kept)."""

    def __init__(self, tree: _SnapshotTree, cache: ResultCache, kind: str) -> None:
        self.tree, self.cache, self.kind = tree, cache, kind

    def get(self, paths: Iterable[str]) -> Mapping[str, str]:
        keys = {p: self.tree.import_key(p) for p in paths}
        docs = self.cache.get_docs(self.kind, [k for k in keys.values() if k])
        return {p: docs[k] for p, k in keys.items() if k in docs}

    def put(self, docs: Mapping[str, str]) -> None:
        pairs = [(key, doc) for path, doc in docs.items() if (key := self.tree.import_key(path))]
        if pairs:
            self.cache.put_docs(self.kind, pairs)


class _SnapshotTree:
    """The whole tree behind a snapshot, as the severity policy reads it."""

    def __init__(self, snapshot: Snapshot, cache: ResultCache | None = None) -> None:
        self.snapshot = snapshot.whole()
        self.cache = cache

    def paths(self) -> Sequence[str]:
        """Every file the snapshot can read (unresolved links are never read)."""
        return [f.path for f in self.snapshot.files if not f.symlink]

    def read_many(self, paths: Iterable[str]) -> Mapping[str, bytes | None]:
        """Files in one batch; one by one when the batch fails (a file the policy
        cannot read is judged by its path alone)."""
        wanted = list(paths)
        try:
            return self.snapshot.read_many(wanted)
        except Exception:  # fall back to reading each file on its own
            return {p: self._read(p) for p in wanted}

    def import_names(self, paths: Iterable[str]) -> Mapping[str, frozenset[str]]:
        """What each file may import, kept in the result cache by file and content: a
        rescan does not read and parse every production file again."""
        wanted = list(paths)
        keys = {p: self.import_key(p) for p in wanted} if self.cache is not None else {}
        kept = self.cache.get_docs(imports_kind(), [k for k in keys.values() if k]) \
            if self.cache is not None else {}
        found = {p: frozenset(json.loads(kept[k])) for p, k in keys.items() if k in kept}
        fresh = imports_by_reading(self.read_many)([p for p in wanted if p not in found])
        if self.cache is not None and fresh:
            self.cache.put_docs(imports_kind(), [(keys[p], json.dumps(sorted(n)))
                                               for p, n in fresh.items() if keys.get(p)])
        return {**found, **fresh}

    def reach_memo(self) -> _CachedReach | _KeptReach:
        """The reach of this tree state, kept in the result cache (without one, by this
        tree for the scan: a scanner and the policy asking work it out once)."""
        return _CachedReach(self, self.cache) if self.cache is not None else self._kept

    @functools.cached_property
    def _kept(self) -> _KeptReach:
        return _KeptReach()

    def file_memo(self, kind: str) -> _FileMemo | None:
        """Documents about single files kept in the result cache (None without one)."""
        return _FileMemo(self, self.cache, kind) if self.cache is not None else None

    def import_key(self, path: str) -> str:
        """A file's cache key (content and path), or "" when its content cannot be named."""
        try:
            return f"{self.snapshot.content_id(path)}:{path}"
        except Exception:  # unreadable: parsed afresh
            return ""

    def _read(self, path: str) -> bytes | None:
        try:
            return self.snapshot.read(path)
        except Exception:  # unreadable: judged by its path alone
            return None


def merge_engines(results: Sequence[ScannerResult],
                  ) -> tuple[list[Finding], tuple[tuple[str, str], ...]]:
    """A pattern-only scanner's findings merged with a dataflow scanner's
    (normalize/merge.py), when both ran; with what the merge did, for the provenance."""
    findings = [f for r in results for f in r.findings]
    dataflow = next((r for r in results if r.merge_policy is not None), None)
    pattern = next((r for r in results if r.pattern_rules is not None), None)
    if dataflow is None or dataflow.merge_policy is None or pattern is None:
        return findings, ()
    engines = Engines(pattern.info.name, dataflow.info.name, pattern.pattern_rules or frozenset(),
                      pattern.import_rules)
    outcome: MergeOutcome = merge_findings(findings, dataflow.gated_cwes, engines,
                                           dataflow.merge_policy, dataflow.analyzed)
    return list(outcome.findings), outcome.provenance()


def _recorded(result: ScannerResult) -> tuple[tuple[str, str], ...]:
    """What a scanner's result puts in the run's provenance: its own record, and the
    CWEs it gates when it gates any."""
    gated = (() if result.merge_policy is None else
             ((f"{result.info.name}.gated_cwes",
               ",".join(str(c) for c in sorted(result.gated_cwes))),))
    return (*result.extra, *gated)


def _stages(result: ScannerResult) -> tuple[StageMetrics, ...]:
    """A scanner's stages, and its slicing as the stage `slice:<name>` (counts as
    counters)."""
    slicing: SliceMetrics | None = result.slicing
    if slicing is None:
        return result.stages
    return (*result.stages, StageMetrics(f"slice:{result.info.name}", slicing.seconds,
                                         tool_calls=(("bytes_after", slicing.bytes_after),
                                                     ("bytes_before", slicing.bytes_before),
                                                     ("files", slicing.files),
                                                     ("left_out", slicing.left_out),
                                                     ("sliced", slicing.sliced))))


def _reasons(outcomes: Sequence[ScannerOutcome], coverage: Coverage) -> tuple[str, ...]:
    reasons = [f"{o.name}: {o.reason or 'incomplete'}" for o in outcomes
               if o.status is RunStatus.INCOMPLETE]
    gaps = coverage.gaps
    if gaps:
        counts: dict[str, int] = {}
        for gap in gaps:
            counts[gap.reason.value] = counts.get(gap.reason.value, 0) + 1
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        files = len({g.path for g in gaps})
        reasons.append(f"{files} in-scope file(s) not analyzed ({detail})")
    return tuple(reasons)
