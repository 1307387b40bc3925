"""Before/after speed of the measurement core: `measure_speed.py` on two source trees.

    .venv/bin/python bench/measure_ab.py --before 6d375d1 [--after HEAD] [--repeat 5]

Both trees are exported from this repository's history (`git archive`, as ab_scan.py
does), so uncommitted work never enters either side. The same benchmark script (this
commit's `measure_speed.py`) runs against each tree in turn, alternating `--rounds`
times so that load on a shared machine falls on both sides; each line is the median of
the per-round medians. The target: no line more than 10% slower after than before.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
WORK = HERE / "bench" / ".work"
LINE = re.compile(r"^(?P<label>\S.*?)\s+wall median\s+(?P<wall>[\d.]+) s .*cpu median\s+"
                  r"(?P<cpu>[\d.]+) s")


def export(rev: str) -> Path:
    """The `src` of `rev`, exported once under bench/.work."""
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", rev],
                            check=True, capture_output=True, text=True).stdout.strip()
    target = WORK / f"measure-{commit}"
    if not (target / "src" / "assay").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(HERE), "archive", commit, "src"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def run_once(src: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """One run of measure_speed.py against `src`: label -> (wall, cpu) medians."""
    out = subprocess.run([sys.executable, str(HERE / "bench" / "measure_speed.py"),
                          "--repeat", str(repeat)], check=True, capture_output=True,
                         text=True, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    found = {}
    for line in out.stdout.splitlines():
        m = LINE.match(line)
        if m:
            found[m["label"].strip()] = (float(m["wall"]), float(m["cpu"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sides = {"before": export(args.before), "after": export(args.after)}
    results: dict[str, list[dict[str, tuple[float, float]]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for side, src in sides.items():
            results[side].append(run_once(src, args.repeat))
    print(f"before = {args.before}, after = {args.after}; {args.rounds} alternating rounds of "
          f"{args.repeat} repetitions; CPU seconds (wall in brackets)")
    for label in results["after"][0]:
        before = [r[label] for r in results["before"] if label in r]
        after = [r[label] for r in results["after"]]
        if not before:
            print(f"{label:54} after {statistics.median(a[1] for a in after):6.3f} s "
                  "(no before: new line)")
            continue
        b_cpu = statistics.median(x[1] for x in before)
        a_cpu = statistics.median(x[1] for x in after)
        b_wall = statistics.median(x[0] for x in before)
        a_wall = statistics.median(x[0] for x in after)
        change = (a_cpu / b_cpu - 1) * 100
        verdict = "ok" if change <= 10 else "SLOWER"
        print(f"{label:54} before {b_cpu:6.3f} s ({b_wall:.3f})  after {a_cpu:6.3f} s "
              f"({a_wall:.3f})  {change:+5.1f}%  {verdict}")


if __name__ == "__main__":
    main()
