"""Small-repository speed, as a pre-commit hook meets it: assay against `bandit -r`.

    python bench/small_repo.py [--repo DIR] [--runs 5] [--base-rev REV]

The corpus is a ~60-file application: by default the Flask and FastAPI corpus
applications (tests/corpus_apps, vulnerable versions) side by side in one git
repository; `--repo` takes any git checkout instead (its working tree is copied, its
files are not changed). In the same run, alternating, `--runs` times each:

  assay cold     `assay scan` with fresh state and cache folders (nothing cached)
  assay rescan   `assay scan` after one route file changed (a line added), warm state
  bandit -r      `bandit -r -q` over the same tree (what a user would run instead)

With `--base-rev`, an earlier commit of assay (exported from this repository's history,
run from source, as bench/ab_scan.py does) runs both assay commands too, alternating
with this checkout's, each with state and cache folders of its own.

Prints and writes (bench/results/small_repo.md) the medians of wall and CPU time (CPU:
user + system of every process waited for, the figure least disturbed by a busy
machine) and the ratios to `bandit -r`.

Every command runs from compiled modules, as an installed package does (pip compiles a
package's modules when it installs it; Bandit's are compiled so): assay's sources are
compiled first, and a `PYTHONDONTWRITEBYTECODE` in the environment is not passed on
(with it, every run compiled assay's own modules again: about 0.2 s of a rescan).
"""

from __future__ import annotations

import argparse
import compileall
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ab_scan import base_tree
from timing import Sample, run_timed

from corpus import git

HERE = Path(__file__).resolve().parent.parent
APPS = HERE / "tests" / "corpus_apps"
BIN = Path(sys.executable).parent
RESULTS = HERE / "bench" / "results" / "small_repo.md"
COMPILED = {"PYTHONDONTWRITEBYTECODE": ""}  # an empty value leaves bytecode writing on


def default_repo(dest: Path) -> Path:
    """The Flask and FastAPI corpus applications in one repository."""
    for app in ("flask_notes", "fastapi_inventory"):
        shutil.copytree(APPS / app / "vulnerable", dest / app)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "corpus")
    return dest


def copy_repo(source: Path, dest: Path) -> Path:
    """A clone of `source` (its committed files)."""
    git(source, "rev-parse", "HEAD")
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".assay"), symlinks=True)
    return dest


def route_file(repo: Path) -> Path:
    """A file with a route in it: the one a developer changes before committing."""
    for path in sorted(repo.rglob("*.py")):
        if ".git" in path.parts:
            continue
        text = path.read_text(errors="replace")
        if ".route(" in text or "@router." in text or ".get(\"/" in text:
            return path
    raise SystemExit("no route file found in the repository")


class Assay:
    """assay runs in one repository with state and cache folders of their own."""

    def __init__(self, repo: Path, scratch: Path, src: Path | None = None) -> None:
        self.repo, self.scratch, self.n = repo, scratch, 0
        self.src = {"PYTHONPATH": str(src)} if src is not None else {}

    def env(self, tag: str) -> dict[str, str]:
        return {**COMPILED, **self.src, "XDG_STATE_HOME": str(self.scratch / tag / "state"),
                "XDG_CACHE_HOME": str(self.scratch / tag / "cache")}

    def cold(self) -> Sample:
        self.n += 1
        return run_timed([str(BIN / "assay"), "scan", "-q", "--no-record", "-o", "/dev/null",
                          "."], self.repo, self.env(f"cold{self.n}"))

    def rescan(self, changed: Path) -> Sample:
        env = self.env("warm")
        run_timed([str(BIN / "assay"), "scan", "-q", "-o", "/dev/null", "."], self.repo, env)
        with changed.open("a") as handle:
            handle.write(f"\n# edited {self.n}\n")
        return run_timed([str(BIN / "assay"), "scan", "-q", "-o", "/dev/null", "."],
                         self.repo, env)


def bandit(repo: Path) -> Sample:
    return run_timed([str(BIN / "bandit"), "-r", "-q", "-f", "json", "-o", "/dev/null", "."],
                     repo, COMPILED)


def _median(samples: list[Sample], cpu: bool) -> float:
    return statistics.median(s.cpu_seconds if cpu else s.seconds for s in samples)


def report(rows: dict[str, list[Sample]], files: int, lines: int, source: str) -> str:
    """The table, as Markdown."""
    base_wall, base_cpu = _median(rows["bandit -r"], False), _median(rows["bandit -r"], True)
    out = [f"Corpus: {source} ({files} files, {lines:,} lines of Python); "
           f"{platform.machine()}, {len(rows['bandit -r'])} runs each, alternating; "
           f"Python {platform.python_version()}.", "",
           "| command | wall median (s) | CPU median (s) | wall / bandit -r | CPU / bandit -r |",
           "|---|---|---|---|---|"]
    for name, samples in rows.items():
        wall, cpu = _median(samples, False), _median(samples, True)
        out.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / base_wall:.1f} | "
                   f"{cpu / base_cpu:.1f} |")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, help="a git checkout to measure on instead")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base-rev", help="an earlier commit of assay to run alongside")
    args = parser.parse_args()
    import assay  # the package the commands run (this checkout's, or PYTHONPATH's)

    compileall.compile_dir(Path(assay.__file__).parent, quiet=1)
    base_src = base_tree(args.base_rev) if args.base_rev else None
    if base_src is not None:
        compileall.compile_dir(base_src, quiet=1)
    with tempfile.TemporaryDirectory(prefix="assay-small-") as tmp:
        scratch = Path(tmp)
        repo = (copy_repo(args.repo.resolve(), scratch / "repo") if args.repo
                else default_repo(scratch / "repo"))
        source = args.repo.name if args.repo else "flask_notes + fastapi_inventory"
        files = [p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts]
        lines = sum(p.read_bytes().count(b"\n") for p in files if p.suffix == ".py")
        changed = route_file(repo)
        runner = Assay(repo, scratch / "assay")
        base = Assay(repo, scratch / "base", base_src) if base_src is not None else None
        rows: dict[str, list[Sample]] = {"assay cold": [], "assay rescan": [], "bandit -r": []}
        if base is not None:
            tag = f" (base {args.base_rev})"
            rows.update({f"assay cold{tag}": [], f"assay rescan{tag}": []})
        for _ in range(args.runs):
            rows["bandit -r"].append(bandit(repo))
            rows["assay cold"].append(runner.cold())
            rows["assay rescan"].append(runner.rescan(changed))
            if base is not None:
                rows[f"assay cold{tag}"].append(base.cold())
                rows[f"assay rescan{tag}"].append(base.rescan(changed))
        table = report(rows, len(files), lines, source)
    print(table)
    if not args.repo:
        RESULTS.write_text(table)


if __name__ == "__main__":
    main()
