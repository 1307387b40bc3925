"""Time the rule pack over the Django sdist, against Semgrep with the starter pack.

    python bench/rules_perf.py [--runs 1] [--jobs 2]

The sdist is downloaded once with `pip download django --no-binary :all: --no-deps`
into bench/.work/ and extracted there. Each configuration runs Semgrep with `--time`
over the same tree (an empty .semgrepignore makes Semgrep scan tests/ too, as assay
does):

  starter pack   bench/starter-pack.yaml (the three rules the pack started from)
  whole pack     src/assay/rules/*.yaml as they are
  assay          assay's Semgrep scanner with nothing kept (`--no-cache`): the pre-pass
                 (summaries, prefilter, generated rules), then the pattern rules and the
                 taint rules, each on copies of the files they can match in with the
                 functions that cannot hold a match blanked

Reports wall times (median over --runs), the ratio to the starter pack, and the
slowest rules of the whole pack by total match time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import count_python, django_repo

BIN = Path(sys.executable).parent
STARTER = Path(__file__).resolve().parent / "starter-pack.yaml"
ENV = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}


def django_tree() -> Path:
    """The extracted sdist in a git repository of its own (built once)."""
    target = django_repo("rules-perf-django")
    (target / ".semgrepignore").write_text("")
    return target


def run_semgrep(tree: Path, rules: list[Path], jobs: int) -> tuple[float, dict[str, Any]]:
    cmd = [str(BIN / "semgrep"), "scan", "--json", "--time", "--quiet", "--metrics=off",
           "--disable-version-check", "--no-git-ignore", "--jobs", str(jobs),
           "--timeout", "30", "--max-target-bytes", "0"]
    for rule in rules:
        cmd += ["--config", str(rule)]
    started = time.perf_counter()
    out = subprocess.run([*cmd, "."], cwd=tree, capture_output=True, text=True, env=ENV,
                         check=False)
    seconds = time.perf_counter() - started
    doc: dict[str, Any] = json.loads(out.stdout)
    return seconds, doc


def slowest_rules(doc: dict[str, Any], top: int = 10) -> list[tuple[str, float]]:
    """Rules by total match time over all targets (a rule's copies for groups of files
    counted together)."""
    from assay.scanners.semgrep import COPY_MARK

    timing = doc.get("time", {})
    rules = [r.get("id", "") if isinstance(r, dict) else str(r) for r in timing.get("rules", [])]
    names = [r[r.find("assay.python."):].split(COPY_MARK, 1)[0] if "assay.python." in r else r
             for r in rules]
    totals: dict[str, float] = dict.fromkeys(names, 0.0)
    for target in timing.get("targets", []):
        for index, seconds in enumerate(target.get("match_times", [])):
            if index < len(names) and seconds > 0:
                totals[names[index]] += seconds
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def assay_semgrep(tree: Path, jobs: int) -> tuple[float, dict[str, float], dict[str, str], int]:
    """assay's Semgrep scanner over the tree with nothing kept (`--no-cache`): the
    pre-pass, then the pattern and taint rules on sliced copies of their files. Wall
    seconds, seconds per stage, provenance, findings."""
    from assay.api import scan

    started = time.perf_counter()
    run = scan(tree, scanners=["semgrep"], no_cache=True, record=False, jobs=jobs).run
    seconds = time.perf_counter() - started
    stages = {s.name: s.wall_seconds for s in run.metrics.stages}
    return seconds, stages, dict(run.provenance.extra), len(run.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from assay.scanners.semgrep import rule_files

    tree = django_tree()
    files, lines = count_python(tree)
    pack = rule_files()
    configs = {"starter pack": [STARTER], "whole pack": pack}
    walls: dict[str, list[float]] = {name: [] for name in [*configs, "assay"]}
    docs: dict[str, dict[str, Any]] = {}
    stages: list[dict[str, float]] = []
    for _ in range(args.runs):
        for name, rules in configs.items():
            seconds, docs[name] = run_semgrep(tree, rules, args.jobs)
            walls[name].append(seconds)
        seconds, timed, provenance, found = assay_semgrep(tree, args.jobs)
        walls["assay"].append(seconds)
        stages.append(timed)
    base = statistics.median(walls["starter pack"])
    print(f"Django sdist {tree.name}: {files} Python files, {lines} lines; "
          f"jobs={args.jobs}, runs={args.runs}, Semgrep {docs['whole pack'].get('version', '')}\n")
    print("| configuration | rules | wall time (s) | × starter pack | findings |")
    print("|---|---|---|---|---|")
    for name in configs:
        wall = statistics.median(walls[name])
        count = len({r for r, _ in slowest_rules(docs[name], top=10_000)})
        print(f"| {name} (plain `semgrep`) | {count} | {wall:.1f} | {wall / base:.2f} | "
              f"{len(docs[name].get('results', []))} |")
    total = statistics.median(walls["assay"])
    print(f"| **assay's Semgrep scanner, nothing kept: pre-pass + whole pack** | - | "
          f"**{total:.1f}** | **{total / base:.2f}** | {found} |")
    for stage, label in (("prepass:semgrep", "pre-pass (summaries, prefilter, rules)"),
                         ("slice:semgrep", "copies for the taint and pattern rules")):
        value = statistics.median(s.get(stage, 0.0) for s in stages)
        print(f"| of which: {label} | - | {value:.1f} | {value / base:.2f} | - |")
    print("\nPre-pass found: " + "; ".join(
        f"{k.removeprefix('semgrep.summaries.')} {v.split(':', 1)[0]}"
        for k, v in sorted(provenance.items())
        if k.startswith("semgrep.summaries.") and k != "semgrep.summaries.sha256"))
    print("\nSlowest rules, whole pack (plain `semgrep`; total match time over all files, "
          "both cores):\n")
    print("| rule | match time (s) |")
    print("|---|---|")
    for rule, seconds in slowest_rules(docs["whole pack"]):
        print(f"| {rule} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
