"""Measurement orchestration: run scanners repeatedly, load existing runs, measure them.

    from assay.app.measure import drift, evaluate_runs, load_runs

    result = drift("path/to/repo", scanner="bandit", runs=5, revs=["HEAD~1", "HEAD"])
    print(result.report.jaccard.mean)          # 1.0 for a deterministic scanner

    runs = load_runs(run_ids=["20261125T1749"], files=[Path("vendor.sarif")])
    report = evaluate_runs(runs, Path("truth.yaml"), path="path/to/repo")

Unlike the rest of `assay.measure`, this module runs scanners (through `assay.api.scan`,
always fresh: no cache) and reads the ledger and files.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from assay.app.scan import ScanResult, scan
from assay.errors import UsageError
from assay.formats.runs_read import read_runs
from assay.formats.truth import read_truth
from assay.ledger import open_ledger
from assay.measure.consensus import ConsensusSpec, consensus_run, parse_consensus
from assay.measure.drift import DriftReport, measure_drift, repeated_groups
from assay.measure.evaluate import EvalReport, evaluate
from assay.measure.matching import DEFAULT_TOLERANCE
from assay.measure.stats import DEFAULT_RESAMPLES
from assay.measure.variance import CompareReport, compare_runs, split_by_scanner
from assay.model import Run, new_run_id
from assay.project import default_ledger, locate_project
from assay.repo import RepoError, open_snapshot

DEFAULT_CONCURRENCY = 2


@dataclass(frozen=True)
class RepeatSpec:
    """How to run a scanner repeatedly: N fresh runs at each revision."""

    path: str | Path = "."
    scanners: tuple[str, ...] = ()
    runs: int = 5
    revs: tuple[str | None, ...] = (None,)
    concurrency: int = DEFAULT_CONCURRENCY
    ledger: str | Path | None = None
    record: bool = True
    config_path: Path | None = None
    jobs: int | None = None
    exclude: tuple[str, ...] = ()


def run_repeated(spec: RepeatSpec) -> list[Run]:
    """Run the scanners `spec.runs` times, fresh, at each revision, concurrently.

    Runs come back grouped by revision in the order given.
    """
    return [r.run for r in scan_repeated(spec)]


def scan_repeated(spec: RepeatSpec) -> list[ScanResult]:
    """Like `run_repeated`, with each scan's full result (ledger, config, warnings)."""
    if spec.runs < 1:
        raise UsageError(f"--runs must be at least 1, got {spec.runs}")
    if spec.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {spec.concurrency}")
    tasks = [rev for rev in spec.revs for _ in range(spec.runs)]
    _prepare_ledger(spec)

    def one(rev: str | None) -> ScanResult:
        return scan(spec.path, rev=rev, scanners=list(spec.scanners) or None, no_cache=True,
                    ledger=spec.ledger, record=spec.record, config_path=spec.config_path,
                    jobs=spec.jobs or 1, exclude=spec.exclude)

    with ThreadPoolExecutor(max_workers=spec.concurrency, thread_name_prefix="assay-run") as pool:
        return list(pool.map(one, tasks))


def load_runs(run_ids: Sequence[str] = (), files: Sequence[Path] = (), *,
              path: str | Path = ".", ledger: str | Path | None = None,
              root: str = "", commit: str | None = None) -> list[Run]:
    """Runs from ledger ids (or unique prefixes) and result files, in the order given.

    `commit` is the commit of runs that do not name one (SARIF from a tool that writes no
    `versionControlProvenance`); a run that names another commit is an error.
    """
    runs: list[Run] = []
    if run_ids:
        with open_ledger(default_ledger(locate_project(path), ledger)) as store:
            runs.extend(store.get_run(rid) for rid in run_ids)
    for file in files:
        runs.extend(read_runs(file, root))
    return runs if commit is None else [_at_commit(r, commit) for r in runs]


def _at_commit(run: Run, commit: str) -> Run:
    """The run with `commit` as its commit when it names none."""
    own = run.target.commit
    if own is None:
        target = replace(run.target, commit=commit)
        return replace(run, provenance=replace(run.provenance, target=target))
    if own != commit:
        raise UsageError(f"run {run.id} is of commit {own[:12]}, not {commit[:12]}",
                         "--commit only names the commit of runs that do not record one")
    return run


@dataclass(frozen=True)
class DriftResult:
    """A drift measurement: the report, the runs it measured, consensus runs if asked."""

    report: DriftReport
    runs: tuple[Run, ...]
    consensus: tuple[Run, ...] = ()


def drift(path: str | Path = ".", *, scanner: str | Sequence[str] | None = None,
          runs: int = 5, revs: Sequence[str] = (), concurrency: int = DEFAULT_CONCURRENCY,
          tolerance: int = DEFAULT_TOLERANCE, seed: int = 0,
          resamples: int = DEFAULT_RESAMPLES, ledger: str | Path | None = None,
          record: bool = True, config_path: Path | None = None, jobs: int | None = None,
          consensus: ConsensusSpec | None = None) -> DriftResult:
    """Run `scanner` `runs` times fresh at each of `revs` (default: the working tree), measure.

    With `consensus` (K/N, N equal to `runs`), also build one consensus run per commit
    (recorded in the ledger when `record`).
    """
    names = (scanner,) if isinstance(scanner, str) else tuple(scanner or ())
    spec = RepeatSpec(path, names, runs, tuple(revs) or (None,), concurrency, ledger, record,
                      config_path, jobs)
    done = run_repeated(spec)
    return measure_existing(done, tolerance=tolerance, seed=seed, resamples=resamples,
                            consensus=consensus, ledger=_ledger_for(spec))


def _prepare_ledger(spec: RepeatSpec) -> None:
    """Create and migrate the ledger once, before concurrent scans each open it."""
    target = _ledger_for(spec)
    if target is not None:
        open_ledger(target).close()


def _ledger_for(spec: RepeatSpec) -> str | Path | None:
    if not spec.record:
        return None
    return default_ledger(locate_project(spec.path, spec.config_path), spec.ledger)


def measure_existing(runs: Sequence[Run], *, tolerance: int = DEFAULT_TOLERANCE,
                     seed: int = 0, resamples: int = DEFAULT_RESAMPLES,
                     consensus: ConsensusSpec | None = None,
                     ledger: str | Path | None = None) -> DriftResult:
    """Measure drift of runs that already exist (from the ledger or files)."""
    report = measure_drift(runs, tolerance, seed, resamples)
    built: list[Run] = []
    if consensus is not None:
        for group in repeated_groups(runs, "drift"):
            if len(group.runs) != consensus.n:
                raise UsageError(f"--consensus {consensus} needs {consensus.n} runs per group, "
                                 f"got {len(group.runs)} ({group.label})",
                                 "make N equal to --runs")
            built.append(consensus_run(group.runs, consensus.k, new_run_id(), tolerance))
        if ledger is not None:
            with open_ledger(ledger) as store:
                for run in built:
                    store.record_run(run)
    return DriftResult(report, tuple(runs), tuple(built))


def consensus_spec(text: str) -> ConsensusSpec:
    """The K/N of `--consensus` (`2/3`); UsageError unless 1 <= K <= N."""
    return parse_consensus(text)


def consensus_scan(path: str | Path = ".", *, spec: ConsensusSpec, rev: str | None = None,
                   scanners: Sequence[str] | None = None, concurrency: int = DEFAULT_CONCURRENCY,
                   tolerance: int = DEFAULT_TOLERANCE, ledger: str | Path | None = None,
                   record: bool = True, config_path: Path | None = None,
                   jobs: int | None = None, exclude: Sequence[str] = ()) -> ScanResult:
    """Scan N times fresh and keep the findings at least K runs found (`scan --consensus`).

    Every run is recorded, then the consensus run (its properties name the runs it came from).
    """
    repeat = RepeatSpec(path, tuple(scanners or ()), spec.n, (rev,), concurrency, ledger,
                        record, config_path, jobs, tuple(exclude))
    results = scan_repeated(repeat)
    run = consensus_run([r.run for r in results], spec.k, new_run_id(), tolerance)
    target = _ledger_for(repeat)
    if target is not None:
        with open_ledger(target) as store:
            store.record_run(run)
    first = results[0]
    return ScanResult(run, first.ledger, first.config, first.warnings)


def tree_files(path: str | Path, commit: str | None) -> frozenset[str] | None:
    """Paths of the scanned tree: the commit's when the repository has it, else the work tree.

    None when `path` is not readable as a project (truth files are then not checked).
    """
    try:
        project = locate_project(path)
        snapshot = open_snapshot(project.root, commit) if commit else open_snapshot(project.root)
    except RepoError:
        try:
            snapshot = open_snapshot(path)
        except RepoError:
            return None
    return frozenset(f.path for f in snapshot.files)


def evaluate_runs(runs: Sequence[Run], truth: Path, *, path: str | Path | None = ".",
                  tolerance: int = DEFAULT_TOLERANCE, unlabeled_as_fp: bool = True,
                  seed: int = 0, resamples: int = DEFAULT_RESAMPLES) -> EvalReport:
    """Score runs against a truth file; truth items are checked against the scanned tree.

    The tree is the project at `path` at the runs' commit (None: do not check files).
    """
    loaded = read_truth(truth)
    commits = sorted({r.target.commit for r in runs if r.target.commit})
    files = None
    if path is not None:
        files = tree_files(path, commits[0] if len(commits) == 1 else None)
    return evaluate(runs, loaded, tolerance, unlabeled_as_fp, files, seed, resamples)


def compare(runs: Sequence[Run], *, by_scanner: bool = False,
            labels: Sequence[str] | None = None,
            tolerance: int = DEFAULT_TOLERANCE) -> CompareReport:
    """Pairwise agreement of runs on one commit (`by_scanner`: one column per scanner)."""
    return compare_runs(split_by_scanner(runs) if by_scanner else runs, labels, tolerance)


def scan_each(path: str | Path, scanners: Sequence[str], *, rev: str | None = None,
              concurrency: int = DEFAULT_CONCURRENCY, ledger: str | Path | None = None,
              record: bool = True, config_path: Path | None = None,
              jobs: int | None = None) -> list[Run]:
    """One fresh run per scanner at `rev` (for `assay compare --scanner A --scanner B`)."""
    specs = [RepeatSpec(path, (name,), 1, (rev,), 1, ledger, record, config_path, jobs)
             for name in scanners]
    if specs:
        _prepare_ledger(specs[0])
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return [runs[0] for runs in pool.map(run_repeated, specs)]


def commit_of(path: str | Path, rev: str = "HEAD") -> str:
    """The commit id `rev` names in the repository around `path`."""
    from assay.repo import git

    project = locate_project(path)
    return git.resolve_commit(project.root, rev)


def latest_runs(path: str | Path = ".", *, commit: str | None = None,
                ledger: str | Path | None = None, limit: int = 500) -> list[Run]:
    """The newest run of each scanner setup recorded at `commit` (default: HEAD).

    A complete run is preferred over a newer incomplete one.
    """
    target = commit or commit_of(path)
    chosen: dict[str, Run] = {}
    with open_ledger(default_ledger(locate_project(path), ledger)) as store:
        for summary in store.list_runs(limit=limit, commit=target):
            key = ",".join(summary.scanners)
            if key in chosen and (chosen[key].complete or summary.status != "complete"):
                continue
            chosen[key] = store.get_run(summary.id)
    return [chosen[k] for k in sorted(chosen)]
