"""Timing helpers: wall time and peak RSS of a command, medians over repetitions."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_PEAK = (
    "import resource, subprocess, sys, json, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "d = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "r = u.ru_maxrss\n"
    "print(json.dumps({'rc': p.returncode, 'seconds': d, 'peak_kib': r,"
    " 'cpu': u.ru_utime + u.ru_stime,"
    " 'stderr': p.stderr.decode(errors='replace')[-500:]}))\n"
)


@dataclass(frozen=True)
class Sample:
    """One timed command."""

    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float = 0.0
    """User + system time of every process of the command that was waited for."""


def run_timed(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
              ok: Sequence[int] = (0, 1, 3)) -> Sample:
    """Run `argv`, measuring wall time and the peak RSS of its process tree's largest member."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *argv], cwd=cwd, capture_output=True,
                         text=True, env={**os.environ, **(env or {})}, check=True)
    data = json.loads(out.stdout)
    if data["rc"] not in ok:
        raise RuntimeError(f"{argv[0]} exited {data['rc']}: {data['stderr']}")
    return Sample(data["seconds"], data["peak_kib"] / 1024, data["rc"], data["cpu"])


def repeat(n: int, step: Callable[[], Sample], before: Callable[[], None] | None = None,
           ) -> list[Sample]:
    """`n` samples of `step`, calling `before` (untimed) ahead of each."""
    samples = []
    for _ in range(n):
        if before is not None:
            before()
        samples.append(step())
    return samples


def median(samples: Sequence[Sample]) -> float:
    """Median wall time."""
    return statistics.median(s.seconds for s in samples)


def peak(samples: Sequence[Sample]) -> float:
    """Largest peak RSS in MiB."""
    return max(s.peak_mib for s in samples)


def now() -> float:
    """Monotonic seconds."""
    return time.perf_counter()
