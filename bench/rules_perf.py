"""Time the rule pack over the Django sdist, against Semgrep with the starter pack.

    python bench/rules_perf.py [--runs 1] [--jobs 2]

The sdist is downloaded once with `pip download django --no-binary :all: --no-deps`
into bench/.work/ and extracted there. Each configuration runs Semgrep with `--time`
over the same tree (an empty .semgrepignore makes Semgrep scan tests/ too, as assay
does):

  starter pack   bench/starter-pack.yaml (the three rules the pack started from)
  whole pack     src/assay/rules/*.yaml as they are
  pre-pass       assay's pre-pass alone (summaries, prefilter, generated rules), then
  assay's pack   the pack as assay runs it: extended with Django's own summaries and
                 each taint rule limited to the files it can report in

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

from corpus import WORK, count_python, django_repo

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


def prepass(tree: Path, rules: list[Path]) -> tuple[float, list[Path], dict[str, str]]:
    """assay's pre-pass over the tree: seconds, extended rule files, provenance."""
    from assay.repo import open_snapshot
    from assay.scanners.interface import ScanContext
    from assay.scanners.prepass import prepare

    state = WORK / "rules-perf" / "state"
    state.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    snapshot = open_snapshot(tree)
    ctx = ScanContext(snapshot=snapshot, files=(), state_dir=state, jobs=os.cpu_count() or 1,
                      use_cache=False)
    prepared = prepare(ctx, rules)
    return time.perf_counter() - started, list(prepared.rules), dict(prepared.provenance)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from assay.scanners.semgrep import rule_files

    tree = django_tree()
    files, lines = count_python(tree)
    pack = rule_files()
    pre_seconds, extended, provenance = prepass(tree, pack)
    configs = {"starter pack": [STARTER], "whole pack": pack, "assay's pack": extended}
    walls: dict[str, list[float]] = {name: [] for name in configs}
    docs: dict[str, dict[str, Any]] = {}
    for _ in range(args.runs):
        for name, rules in configs.items():
            seconds, docs[name] = run_semgrep(tree, rules, args.jobs)
            walls[name].append(seconds)
    base = statistics.median(walls["starter pack"])
    print(f"Django sdist {tree.name}: {files} Python files, {lines} lines; "
          f"jobs={args.jobs}, runs={args.runs}, Semgrep {docs['whole pack'].get('version', '')}\n")
    print("| configuration | rules | wall time (s) | × starter pack | findings |")
    print("|---|---|---|---|---|")
    for name in configs:
        wall = statistics.median(walls[name])
        count = len({r for r, _ in slowest_rules(docs[name], top=10_000)})
        print(f"| {name} | {count} | {wall:.1f} | {wall / base:.2f} | "
              f"{len(docs[name].get('results', []))} |")
    print(f"| pre-pass (summaries, prefilter, rule generation) | - | {pre_seconds:.1f} | "
          f"{pre_seconds / base:.2f} | - |")
    total = statistics.median(walls["assay's pack"]) + pre_seconds
    print(f"| **assay: pre-pass + its pack** | - | **{total:.1f}** | **{total / base:.2f}** | - |")
    print("\nPre-pass found: " + "; ".join(
        f"{k.removeprefix('semgrep.summaries.')} {v.split(':', 1)[0]}"
        for k, v in sorted(provenance.items())
        if k.startswith("semgrep.summaries.") and k != "semgrep.summaries.sha256"))
    for name in ("assay's pack", "whole pack"):
        print(f"\nSlowest rules, {name} (total match time over all files, both cores):\n")
        print("| rule | match time (s) |")
        print("|---|---|")
        for rule, seconds in slowest_rules(docs[name]):
            print(f"| {rule} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
