"""Benchmark `assay scan` against what a user would run instead, on the Django sdist.

    python bench/scan_bench.py [--runs 5] [--warm-only | --diff-only]

Measures (medians over --runs repetitions, in the same run so the ratios are fair):
  cold    full scan with an empty cache   vs  `bandit -r .` followed by `semgrep` with the
                                               same rules (the pair a user would run)
  warm    rescan with no change
  diff20  rescan after 20 files changed   vs  `semgrep --baseline-commit HEAD~1`
  and the peak RSS of each. Writes a Markdown table to bench/results/scan.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import Sample, median, peak, repeat, run_timed

from assay.scanners.semgrep import rule_files
from assay.state import cache_dir_for
from corpus import WORK, count_python, django_repo, git

BIN = Path(sys.executable).parent
SEMGREP_ENV = {"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}


def semgrep_cmd(*extra: str) -> list[str]:
    cmd = [str(BIN / "semgrep"), "scan", "--json", "--metrics=off", "--disable-version-check",
           "--quiet"]
    for rule in rule_files():
        cmd += ["--config", str(rule)]
    return [*cmd, *extra]


def assay_cmd(*extra: str) -> list[str]:
    return [sys.executable, "-m", "assay", "scan", "-q", "-f", "json", *extra]


def fresh_copy(base: Path, name: str) -> Path:
    target = WORK / name
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["git", "clone", "-q", str(base), str(target)], check=True)
    # an empty .semgrepignore: Semgrep then scans the same files as assay (its built-in
    # ignore list would otherwise skip tests/ directories)
    (target / ".semgrepignore").write_text("")
    (target / ".git" / "info" / "exclude").write_text(".semgrepignore\n.assay/\n")
    return target


def drop_state(repo: Path) -> None:
    """Forget every cached result of `repo` (assay keeps them outside the tree)."""
    shutil.rmtree(cache_dir_for(repo).path, ignore_errors=True)


def pair(repo: Path) -> Sample:
    bandit = run_timed([str(BIN / "bandit"), "-r", ".", "-q", "-f", "json"], repo)
    semgrep = run_timed(semgrep_cmd("."), repo, SEMGREP_ENV)
    return Sample(bandit.seconds + semgrep.seconds, max(bandit.peak_mib, semgrep.peak_mib),
                  semgrep.returncode)


def touch_files(repo: Path, paths: list[str], stamp: int) -> None:
    for rel in paths:
        with (repo / rel).open("a", encoding="utf-8") as handle:
            handle.write(f"\n\ndef _bench_{stamp}(value):\n    return value\n")
    git(repo, "commit", "-q", "-am", f"touch 20 files ({stamp})")


def warm_only(runs: int) -> None:
    """The no-change rescan alone, after one cold scan of a fresh clone."""
    repo = fresh_copy(django_repo(), "django-scan")
    run_timed(assay_cmd(), repo)
    warm = repeat(runs, lambda: run_timed(assay_cmd(), repo))
    print(f"no-change rescan: median {median(warm):.3f} s over {runs} runs "
          f"(min {min(s.seconds for s in warm):.3f}, max {max(s.seconds for s in warm):.3f}), "
          f"peak RSS {peak(warm):.0f} MiB")


def diff_only(runs: int) -> None:
    """The 20-file diff rescan alone (after one cold scan of a fresh clone), printed."""
    repo = fresh_copy(django_repo(), "django-scan")
    run_timed(assay_cmd(), repo)
    chosen = twenty_files(repo)
    stamps = iter(range(10_000))
    mine = repeat(runs, lambda: run_timed(assay_cmd(), repo),
                  lambda: touch_files(repo, chosen, next(stamps)))
    theirs = repeat(runs, lambda: run_timed(
        semgrep_cmd("--baseline-commit", "HEAD~1", "."), repo, SEMGREP_ENV),
        lambda: touch_files(repo, chosen, next(stamps)))
    print(f"20-file diff rescan: assay median {median(mine):.2f} s "
          f"(min {min(s.seconds for s in mine):.2f}, max {max(s.seconds for s in mine):.2f}), "
          f"semgrep --baseline-commit median {median(theirs):.2f} s "
          f"(min {min(s.seconds for s in theirs):.2f}, max {max(s.seconds for s in theirs):.2f}); "
          f"ratio {median(mine) / median(theirs):.2f}; peak RSS {peak(mine):.0f} vs "
          f"{peak(theirs):.0f} MiB")


def twenty_files(repo: Path) -> list[str]:
    """20 Python files spread over the tree (every n-th in path order)."""
    py = sorted(str(p.relative_to(repo)) for p in repo.rglob("*.py") if ".git" not in p.parts)
    return py[:: max(1, len(py) // 20)][:20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "scan.md")
    parser.add_argument("--warm-only", action="store_true",
                        help="only the no-change rescan (after one cold scan), printed")
    parser.add_argument("--diff-only", action="store_true",
                        help="only the 20-file diff rescan (after one cold scan), printed")
    args = parser.parse_args()
    if args.warm_only:
        warm_only(args.runs)
        return
    if args.diff_only:
        diff_only(args.runs)
        return
    base = django_repo()
    repo = fresh_copy(base, "django-scan")
    files, lines = count_python(repo)
    print(f"corpus: {files} .py files, {lines} lines", flush=True)

    cold = repeat(args.runs, lambda: run_timed(assay_cmd(), repo), lambda: drop_state(repo))
    print(f"cold assay: {median(cold):.2f}s", flush=True)
    baseline = repeat(args.runs, lambda: pair(repo))
    print(f"bandit+semgrep: {median(baseline):.2f}s", flush=True)
    run_timed(assay_cmd(), repo)
    warm = repeat(args.runs, lambda: run_timed(assay_cmd(), repo))
    print(f"warm: {median(warm):.3f}s", flush=True)

    chosen = twenty_files(repo)
    stamps = iter(range(10_000))
    diff_assay = repeat(args.runs, lambda: run_timed(assay_cmd(), repo),
                        lambda: touch_files(repo, chosen, next(stamps)))
    diff_semgrep = repeat(args.runs, lambda: run_timed(
        semgrep_cmd("--baseline-commit", "HEAD~1", "."), repo, SEMGREP_ENV),
        lambda: touch_files(repo, chosen, next(stamps)))
    print(f"diff20 assay {median(diff_assay):.2f}s semgrep {median(diff_semgrep):.2f}s")

    rows = [
        ("cold full scan", median(cold), "`bandit -r` + `semgrep`", median(baseline),
         "≤ 0.6", peak(cold), peak(baseline)),
        ("no-change rescan", median(warm), "", None, "≤ 0.5 s", peak(warm), None),
        ("20-file diff rescan", median(diff_assay), "`semgrep --baseline-commit`",
         median(diff_semgrep), "≤ 1.0", peak(diff_assay), peak(diff_semgrep)),
    ]
    lines_out = [
        f"Corpus: Django sdist ({files} .py files, {lines:,} lines); "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {args.runs} runs.",
        "",
        "| measurement | assay (s) | alternative | alternative (s) | ratio | target "
        "| assay peak RSS (MiB) | alternative peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, mine, alt, theirs, target, mine_peak, their_peak in rows:
        ratio = f"{mine / theirs:.2f}" if theirs else "—"
        lines_out.append(
            f"| {name} | {mine:.3f} | {alt or '—'} | "
            f"{f'{theirs:.3f}' if theirs else '—'} | {ratio} | {target} | {mine_peak:.0f} | "
            f"{f'{their_peak:.0f}' if their_peak else '—'} |")
    text = "\n".join(lines_out) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
