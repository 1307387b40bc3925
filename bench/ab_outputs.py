"""A/B: do two versions of assay report the same thing? JSON and SARIF of one scan each.

    python bench/ab_outputs.py --base-rev REV [--new-rev REV]

Scans the bundled example and the Django sdist (see corpus.py) with this checkout (or the
commit --new-rev) and with REV, both from source, same interpreter, cold caches, nothing
recorded, and compares the outputs byte for byte after blanking what differs between any
two runs: run ids, times and durations. Exit 0 when every pair is identical;
otherwise the first differing lines of each pair are printed and the exit code is 1.
"""

from __future__ import annotations

import argparse
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ab_scan import base_tree

from corpus import WORK, django_repo

HERE = Path(__file__).resolve().parent.parent
VOLATILE = frozenset({"run_id", "runId", "started_at", "finished_at", "startTimeUtc",
                      "endTimeUtc", "seconds", "wall_seconds", "cpu_seconds", "duration",
                      "elapsed"})


def _blank(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<volatile>" if k in VOLATILE and not isinstance(v, dict | list)
                else _blank(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return value


def scan(src: Path, corpus: Path, fmt: str) -> str:
    """One cold scan of `corpus` by the assay in `src`, normalized JSON text."""
    with tempfile.TemporaryDirectory(prefix="ab-out-") as cache:
        env = {"PATH": "/usr/bin:/bin", "HOME": cache, "PYTHONPATH": str(src),
               "ASSAY_CACHE_DIR": f"{cache}/c", "ASSAY_STATE_DIR": f"{cache}/s",
               "XDG_CACHE_HOME": f"{cache}/x"}
        shutil.rmtree(corpus / ".assay", ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "assay", "scan", "-q", "-f", fmt,
                               "--no-record", "--fail-on", "none", "."], cwd=corpus, env=env,
                              capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"scan failed ({done.returncode}): {done.stderr.strip()[:400]}")
    return json.dumps(_blank(json.loads(done.stdout)), indent=1, sort_keys=True)


def example_repo() -> Path:
    """The bundled example as its own git repository (scans need a project root)."""
    target = WORK / "ab-outputs-example"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(HERE / "examples" / "flask-app", target)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-rev", required=True)
    parser.add_argument("--new-rev", help="a commit instead of this checkout's source")
    args = parser.parse_args()
    old = base_tree(args.base_rev)
    new = base_tree(args.new_rev) if args.new_rev else HERE / "src"
    differing = 0
    for name, corpus in (("example", example_repo()), ("django", django_repo())):
        for fmt in ("json", "sarif"):
            a, b = scan(old, corpus, fmt), scan(new, corpus, fmt)
            same = a == b
            differing += not same
            print(f"{name:8} {fmt:6} {'identical' if same else 'DIFFERENT'} "
                  f"({len(b.splitlines())} normalized lines)")
            if not same:
                diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "base", "new",
                                            lineterm="", n=1)
                print("\n".join(list(diff)[:40]))
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
