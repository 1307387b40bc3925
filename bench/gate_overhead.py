"""Benchmark the gate's own overhead: `assay gate` vs `assay scan` on a 20-file Django diff.

    python bench/gate_overhead.py [--runs 5] [--summaries on|off]

The corpus is the Django sdist (downloaded with `pip download django --no-binary :all:
--no-deps` into bench/.work/, committed to a git repository); a second commit modifies 20
Python files (a comment line each, naming a risky call, so the tier has lines to match
while the project's function summaries, and with them Semgrep's generated rules, stay the
same). `--summaries off` turns Semgrep's cross-file pre-pass off in the corpus's
assay.toml (it is on by default, as in `assay scan`); the gate's overhead does not depend
on it (the baseline is the recorded base scan either way).

First the base commit is scanned once (`assay scan --rev BASE`, recorded in the ledger),
as CI does on the target branch. Before every timed command the result cache is put back
to that state, so each command analyzes the 20 changed files anew. Measured, medians over
--runs repetitions, deterministic tier (bandit and semgrep, default configuration):

  scan   `assay scan --diff BASE..HEAD`            the same diff, scanned as `assay scan` does
  gate   `assay gate --diff BASE..HEAD --llm never` tier, scan of the changed files, baseline
                                                    (the recorded base scan), decision

The gate's stage timings (`--with-metrics`) give the overhead of tiering, baseline and
decision relative to its scan stage; the target is < 10%. Writes bench/results/gate.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assay.state import cache_dir_for
from corpus import WORK, count_python, django_repo, git

CHANGED_FILES = 20
TARGET = 0.10
NOTE_SUMMARIES_OFF = (
    "Semgrep's cross-file pre-pass was off (`--summaries off`). The gate's own overhead does "
    "not depend on it (with the recorded baseline the gate runs the pre-pass once, like "
    "`assay scan`).")


def fresh_clone(name: str, summaries: bool) -> Path:
    """A clone of the Django repository with 20 modified files in a last commit."""
    base = django_repo()
    target = WORK / name
    kept = WORK / f"{name}-cache.db"
    if (cache_dir_for(target).path / "cache.db").exists():
        save_cache(target, kept)  # results of an earlier run: only the first base scan gains
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["git", "clone", "-q", str(base), str(target)], check=True)
    if kept.exists():
        restore(target, kept)
    # No per-file limit, and Django's deliberately unparsable test fixture left out, so that
    # the base scan is complete (an incomplete run is never used as a baseline).
    config = ('[scan]\nsemgrep_file_timeout = 0\n'
              'exclude = ["tests/test_runner_apps/tagged/tests_syntax_error.py"]\n')
    if not summaries:
        config += "\n[scanners.semgrep]\nsummaries = false\n"
    # the operator's configuration: a file outside the checkout
    (WORK / f"{name}.toml").write_text(config)
    paths = sorted(p for p in git(target, "ls-files", "django/*.py").splitlines()
                   if "/migrations/" not in p and "/locale/" not in p)
    step = max(1, len(paths) // CHANGED_FILES)
    changed = paths[::step][:CHANGED_FILES]
    for rel in changed:
        with (target / rel).open("a", encoding="utf-8") as handle:
            handle.write("\n# bench: reviewed the open(path) and subprocess calls above\n")
    git(target, "commit", "-q", "-am", f"modify {CHANGED_FILES} files")
    return target


def assay(cwd: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `assay ARGS` in `cwd`; wall seconds and the process."""
    env = {**os.environ, "ASSAY_CONFIG": str(WORK / f"{cwd.name}.toml")}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assay", *args], cwd=cwd, text=True,
                          capture_output=True, check=False, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"assay {args[0]} exited {proc.returncode}: {proc.stderr[-800:]}")
    return seconds, proc


def save_cache(project: Path, saved: Path) -> None:
    """One self-contained copy of a project's result cache (WAL folded in)."""
    saved.unlink(missing_ok=True)
    source = sqlite3.connect(cache_dir_for(project).path / "cache.db")
    target = sqlite3.connect(saved)
    source.backup(target)
    source.close()
    target.close()


def forget_changed(repo: Path, saved: Path) -> None:
    """Drop the changed files' HEAD versions from a saved cache (an earlier run of this
    benchmark may have cached them): every command must analyze them anew."""
    changed = git(repo, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()
    ids = [line.split()[2] for line in
           git(repo, "ls-tree", "HEAD", "--", *changed).splitlines()]
    db = sqlite3.connect(saved)
    db.executemany("DELETE FROM results WHERE content_id = ?", [(i,) for i in ids])
    db.commit()
    db.close()


def restore(project: Path, saved: Path) -> None:
    """Put the saved cache in place of the project's."""
    state = cache_dir_for(project).path
    for suffix in ("", "-wal", "-shm"):
        (state / f"cache.db{suffix}").unlink(missing_ok=True)
    shutil.copy(saved, state / "cache.db")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed_gate(repo: Path, diff: str, results: dict[str, list[float]], label: str,
               *extra: str) -> float:
    """One gate; its stage timings are added to `results` under `label`."""
    seconds, proc = assay(repo, "gate", "-q", "-f", "json", "--with-metrics", "--llm", "never",
                          "--diff", diff, *extra)
    doc = json.loads(proc.stdout)
    for name, value in doc["run"]["gate_timings"].items():
        results.setdefault(f"{label}:{name}", []).append(value)
    log(f"{label} baseline: {doc['baseline']['source']}")
    return seconds


def measure(repo: Path, runs: int) -> dict[str, list[float]]:
    """Timed scan and gate commands, in rotating order, from the same cache state."""
    base = git(repo, "rev-parse", "HEAD~1")
    log("scanning the base commit once (records the run the gate uses as baseline)")
    assay(repo, "scan", "-q", "-f", "json", "--rev", base)
    saved = WORK / "gate-bench-cache.db"
    save_cache(repo, saved)
    forget_changed(repo, saved)
    results: dict[str, list[float]] = {"scan": [], "gate": [], "gate-rescan": []}
    diff = f"{base}..HEAD"
    kinds = ["scan", "gate", "gate-rescan"]
    for n in range(runs):
        for kind in kinds[n % 3:] + kinds[:n % 3]:
            restore(repo, saved)
            if kind == "scan":
                seconds, _ = assay(repo, "scan", "-q", "-f", "json", "--diff", diff)
            elif kind == "gate":
                seconds = timed_gate(repo, diff, results, "stage")
            else:  # no recorded base run: the baseline is the base's files, rescanned
                empty = WORK / "gate-bench-empty-ledger.db"
                empty.unlink(missing_ok=True)
                seconds = timed_gate(repo, diff, results, "rescan-stage", "--ledger", str(empty))
            results[kind].append(seconds)
            log(f"run {n + 1}/{runs} {kind}: {seconds:.2f} s")
    return results


def _stages(med: dict[str, float], label: str) -> tuple[dict[str, float], float, float]:
    stage = {k.split(":", 1)[1]: v for k, v in med.items() if k.startswith(f"{label}:")}
    overhead = sum(v for k, v in stage.items() if k != "scan")
    return stage, overhead, overhead / stage["scan"] if stage.get("scan") else float("nan")


def table(results: dict[str, list[float]], files: int, lines: int, runs: int,
          summaries: str) -> str:
    """The Markdown report."""
    med = {k: statistics.median(v) for k, v in results.items()}
    stage, overhead, ratio = _stages(med, "stage")
    rescan, rescan_overhead, rescan_ratio = _stages(med, "rescan-stage")
    rows = [
        f"Corpus: Django sdist ({files} .py files, {lines:,} lines), {CHANGED_FILES} files "
        f"changed; {os.cpu_count()} cores (shared), Python {platform.python_version()}; "
        f"medians of {runs} runs; deterministic scanners (bandit, semgrep; cross-file "
        f"pre-pass {summaries}); the base commit scanned and recorded once before; the "
        "result cache reset before every command.",
        "",
        f"Command: `python bench/gate_overhead.py --runs {runs} --summaries {summaries}`",
        "",
        "| command | seconds | vs scan |",
        "|---|---|---|",
        f"| `assay scan --diff BASE..HEAD` | {med['scan']:.3f} | 1.00 |",
        f"| `assay gate --diff BASE..HEAD` (baseline: the recorded base scan) | "
        f"{med['gate']:.3f} | {med['gate'] / med['scan']:.2f} |",
        f"| `assay gate --diff BASE..HEAD` with an empty ledger (baseline: the base's "
        f"{CHANGED_FILES} files rescanned, from the cache) | {med['gate-rescan']:.3f} | "
        f"{med['gate-rescan'] / med['scan']:.2f} |",
        "",
        "| gate stage | seconds (recorded baseline) | seconds (rescanned baseline) |",
        "|---|---|---|",
    ]
    rows += [f"| {name} | {value:.3f} | {rescan.get(name, float('nan')):.3f} |"
             for name, value in stage.items()]
    rows += ["", f"Tiering + baseline + lifecycle/decision: {overhead:.3f} s = "
             f"{100 * ratio:.1f}% of the gate's scan stage with the recorded baseline, "
             f"{rescan_overhead:.3f} s = {100 * rescan_ratio:.1f}% with the rescanned one "
             f"(target < {100 * TARGET:.0f}%)."]
    if summaries == "off":
        rows += ["", NOTE_SUMMARIES_OFF]
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--summaries", choices=("on", "off"), default="on",
                        help="Semgrep's cross-file pre-pass (on by default, as in a scan)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "gate.md")
    args = parser.parse_args()
    repo = fresh_clone("django-gate", args.summaries == "on")
    files, lines = count_python(repo)
    results = measure(repo, args.runs)
    report = table(results, files, lines, args.runs, args.summaries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
