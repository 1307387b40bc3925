"""Shared helpers of the sandbox tests: run an escape script, find survivors."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from assay.workflow.sandbox import SandboxLimits, SandboxResult, python_binds, run_sandboxed

ESCAPE_DIR = Path(__file__).parent / "escape"
PYTHON = Path(sys.executable)

needs_bwrap = [
    pytest.mark.sandbox,
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed"),
]


def workdir_with(tmp_path: Path, *scripts: str) -> Path:
    """A fresh throwaway work directory holding copies of the named escape scripts."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    for name in scripts:
        shutil.copy(ESCAPE_DIR / name, work / name)
    return work


def run_script(tmp_path: Path, script: str, *args: str, limits: SandboxLimits | None = None,
               unsafe: bool = False) -> tuple[SandboxResult, dict[str, Any] | None]:
    """Run one escape script (sandboxed unless `unsafe`); its JSON report if it printed one."""
    work = workdir_with(tmp_path, script)
    result = run_sandboxed([str(PYTHON), script, *args], workdir=work,
                           readonly=python_binds(PYTHON), limits=limits or SandboxLimits(),
                           unsafe_no_sandbox=unsafe)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return result, (json.loads(lines[-1]) if lines else None)


def processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path("/proc", entry, "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(entry))
    return found
