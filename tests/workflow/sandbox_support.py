"""Shared helpers of the sandbox tests: run an escape script, find survivors, run assay's
sandbox as an unprivileged user."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


NOBODY = 65534
SANDBOX_MODULES = ("errors.py", "workflow/sandbox.py", "workflow/_sandbox_*.py")
"""What a driver needs to import `assay.workflow.sandbox` (the package inits are skipped)."""

DRIVER = """\
import json, sys, types
src, work, limits, argv = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4:]
for name, sub in (("assay", "assay"), ("assay.workflow", "assay/workflow")):
    module = types.ModuleType(name)
    module.__path__ = [f"{src}/{sub}"]
    sys.modules[name] = module
from pathlib import Path
from assay.workflow.sandbox import SandboxLimits, run_sandboxed, sandbox_unavailable
assert sandbox_unavailable() == "", sandbox_unavailable()
result = run_sandboxed([sys.executable, *argv], workdir=Path(work),
                       limits=SandboxLimits(**limits))
print(json.dumps({"stdout": result.stdout, "stderr": result.stderr[-2000:],
                  "killed_reason": result.killed_reason,
                  "memory_mechanism": result.memory_mechanism,
                  "memory_peak_bytes": result.memory_peak_bytes}))
"""


def _readable_by_others(path: Path) -> bool:
    """Whether every directory from / down to `path` lets other users through."""
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [path, *path.parents])


@contextmanager
def staged_for_nobody(src: Path, *scripts: str) -> Iterator[tuple[Path, Path]]:
    """Copies of assay's sandbox modules (from the `src` directory of a checkout) and a work
    directory holding the named escape scripts, both where uid 65534 can read them,
    wherever the checkout lives (a private home directory, say): (src copy, work dir)."""
    base = Path(tempfile.mkdtemp(prefix="assay-sandbox-nobody-"))
    try:
        base.chmod(0o755)
        if not _readable_by_others(base):
            raise PermissionError(f"{base} is not reachable by other users")
        staged = base / "src"
        for pattern in SANDBOX_MODULES:
            for module in (src / "assay").glob(pattern):
                target = staged / "assay" / module.relative_to(src / "assay")
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
                shutil.copyfile(module, target)
                target.chmod(0o644)
        work = base / "work"
        work.mkdir()
        for name in scripts:
            shutil.copyfile(ESCAPE_DIR / name, work / name)
        for path in (work, *work.iterdir()):
            os.chown(path, NOBODY, NOBODY)
        yield staged, work
    finally:
        shutil.rmtree(base)


def run_as_nobody(src: Path, work: Path, argv: list[str],
                  limits: dict[str, object] | None = None) -> dict[str, Any]:
    """Run `argv` (a script of the work dir and its arguments) in assay's sandbox, with
    assay itself running as uid 65534 on the system python3: what the sandbox returned."""
    system_python = shutil.which("python3", path="/usr/bin")
    if system_python is None:
        raise FileNotFoundError("no system python3 in /usr/bin")
    done = subprocess.run(
        [system_python, "-I", "-c", DRIVER, str(src), str(work), json.dumps(limits or {}),
         *argv],
        capture_output=True, text=True, timeout=300, user=NOBODY, group=NOBODY,
        extra_groups=[], env={"PATH": "/usr/bin:/bin"}, cwd="/", check=False)
    if done.returncode != 0:
        raise AssertionError(f"the driver failed: {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report
