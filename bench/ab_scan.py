"""A/B: `assay scan` of this checkout against an earlier commit, on the Django sdist.

    python bench/ab_scan.py --base-rev REV [--new-rev REV] [--runs 5] [--rescans 1]
                            [--rescan-only] [--scanner NAME ...]

Both versions run from source (`PYTHONPATH=<src>`, the same interpreter and dependencies)
on their own clone of the corpus, in alternation (A, B, A, B, ...), so machine noise hits
both alike. Each run is a cold full scan (every cached result removed first) followed by
`--rescans` no-change rescans (start-up cost dominates these: more samples of them
cost little). `--rescan-only` fills each cache once (one scan with `-j 1`, which keeps
one Semgrep process in memory at a time, untimed) and times only the rescans.
`--scanner` runs only the named scanners (`-s`). Prints the medians, the ratio new/base
and every sample, and writes bench/results/ab_scan.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import Sample, run_timed

from corpus import WORK, count_python, django_repo

HERE = Path(__file__).resolve().parent.parent


class Version:
    """One version of assay: its source tree, clone of the corpus and cache location."""

    def __init__(self, label: str, src: Path, corpus: Path,
                 scanners: tuple[str, ...] = ()) -> None:
        self.label, self.src, self.corpus = label, src, corpus
        self.scanners = [arg for name in scanners for arg in ("-s", name)]
        self.cache = Path(tempfile.mkdtemp(prefix=f"ab-{label}-"))
        self.env = {"PYTHONPATH": str(src), "ASSAY_CACHE_DIR": str(self.cache / "cache"),
                    "ASSAY_STATE_DIR": str(self.cache / "state"),
                    "XDG_CACHE_HOME": str(self.cache / "xdg")}

    def forget(self) -> None:
        """Remove every cached result (inside the tree for old versions, outside for new)."""
        shutil.rmtree(self.corpus / ".assay", ignore_errors=True)
        shutil.rmtree(self.cache, ignore_errors=True)
        self.cache.mkdir()

    def scan(self, *extra: str) -> Sample:
        """One `assay scan` of the corpus, timed."""
        argv = [sys.executable, "-m", "assay", "scan", "-q", "-f", "json", "--no-record",
                *self.scanners, *extra]
        return run_timed(argv, self.corpus, self.env)


def short_commit(rev: str) -> str:
    """The abbreviated commit a revision name (HEAD, a branch, a hash) stands for now."""
    out = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--verify", "--short=7",
                          f"{rev}^{{commit}}"], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def base_tree(rev: str) -> Path:
    """The source of `rev`, exported from this repository's history (named by its commit,
    so that a moving name such as HEAD never reuses an older export)."""
    rev = short_commit(rev)
    target = WORK / f"ab-base-{rev}"
    if not (target / "src" / "assay").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(HERE), "archive", rev, "src"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def clone(name: str) -> Path:
    target = WORK / name
    if target.exists():
        shutil.rmtree(target)
    subprocess.run(["git", "clone", "-q", str(django_repo()), str(target)], check=True)
    (target / ".git" / "info" / "exclude").write_text(".assay/\n")
    return target


def _row(name: str, base: list[float], new: list[float]) -> str:
    """Medians, their ratio, and the median of run-by-run ratios (runs were paired)."""
    paired = statistics.median(n / b for b, n in zip(base, new, strict=True))
    mid_base, mid_new = statistics.median(base), statistics.median(new)
    return (f"| {name} | {mid_base:.3f} | {mid_new:.3f} | {mid_new / mid_base:.3f} | "
            f"{paired:.3f} | {', '.join(f'{s:.2f}' for s in base)} | "
            f"{', '.join(f'{s:.2f}' for s in new)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-rev", required=True)
    parser.add_argument("--new-rev", help="a commit instead of this checkout's source")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rescans", type=int, default=1,
                        help="no-change rescans after each cold scan (default 1)")
    parser.add_argument("--rescan-only", action="store_true",
                        help="fill each cache once (untimed, -j 1) and time only rescans")
    parser.add_argument("--scanner", action="append", default=[],
                        help="run only this scanner (repeatable; default: the configured ones)")
    parser.add_argument("--out", type=Path, default=HERE / "bench" / "results" / "ab_scan.md")
    args = parser.parse_args()
    scanners = tuple(args.scanner)
    base_rev = short_commit(args.base_rev)
    new_rev = short_commit(args.new_rev) if args.new_rev else None
    versions = [Version("base", base_tree(base_rev), clone("ab-corpus-base"), scanners),
                Version("new", base_tree(new_rev) if new_rev else HERE / "src",
                        clone("ab-corpus-new"), scanners)]
    files, lines = count_python(versions[0].corpus)
    cold: dict[str, list[Sample]] = {v.label: [] for v in versions}
    warm: dict[str, list[Sample]] = {v.label: [] for v in versions}
    if args.rescan_only:
        for version in versions:
            version.forget()
            filled = version.scan("-j", "1")
            print(f"{version.label}: cache filled in {filled.seconds:.1f} s", flush=True)
    for run in range(args.runs):
        for version in versions if run % 2 == 0 else versions[::-1]:
            if not args.rescan_only:
                version.forget()
                cold[version.label].append(version.scan())
            warm[version.label].extend(version.scan() for _ in range(args.rescans))
            coldest = cold[version.label][-1:] or [Sample(0, 0, 0)]
            print(f"run {run + 1} {version.label}: cold {coldest[0].seconds:.2f} s "
                  f"({coldest[0].cpu_seconds:.1f} s CPU), "
                  f"rescan {warm[version.label][-1].seconds:.3f} s "
                  f"({warm[version.label][-1].cpu_seconds:.2f} s CPU)", flush=True)
    rows = []
    measured = (("no-change rescan", warm),) if args.rescan_only else (
        ("cold full scan", cold), ("no-change rescan", warm))
    for name, samples in measured:
        rows.append(_row(f"{name}, wall", [s.seconds for s in samples["base"]],
                         [s.seconds for s in samples["new"]]))
        rows.append(_row(f"{name}, CPU", [s.cpu_seconds for s in samples["base"]],
                         [s.cpu_seconds for s in samples["new"]]))
    text = "\n".join([
        f"Corpus: Django sdist ({files} .py files, {lines:,} lines); base "
        f"`{base_rev}` against {f'`{new_rev}`' if new_rev else 'this checkout'}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {args.runs} alternating runs"
        f"{f' ({args.rescans} rescans each)' if args.rescans > 1 else ''}"
        f"{'; scanners ' + ', '.join(scanners) if scanners else ''}.", "",
        "| measurement | base (s) | new (s) | new / base (medians) | median of paired ratios "
        "| base samples | new samples |",
        "|---|---|---|---|---|---|---|", *rows]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
