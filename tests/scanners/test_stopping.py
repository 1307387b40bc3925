"""A scan stopped by Ctrl-C or by a cancelled CI job (SIGTERM) ends at once and leaves
no scanner process running: Semgrep runs in a session of its own, which neither signal
reaches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import GitRepo

# a Semgrep that answers --version, writes its process id (to the file in its own text:
# Semgrep gets none of assay's environment but PATH, HOME and the locale), then takes
# five minutes
SLOW_SEMGREP = ("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 1.0.0; exit 0; fi\n"
                "echo $$ > '{pid_file}'\nexec sleep 300\n")


def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _gone(pid: int) -> bool:
    """Whether the process has ended (a zombie no one has reaped yet has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _wait_for(path: Path, proc: subprocess.Popen[str], seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        text = path.read_text().strip() if path.exists() else ""
        if text:
            return int(text)
        time.sleep(0.05)
    out, err = proc.communicate(timeout=30) if proc.poll() is not None else ("", "")
    raise AssertionError(f"the scan never started Semgrep: {out} {err}")


@pytest.mark.parametrize(("signum", "code", "message"),
                         [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_stopped_scan_kills_its_scanner_processes(repo: GitRepo, tmp_path: Path,
                                                    signum: int, code: int,
                                                    message: str) -> None:
    fake, pid_file = tmp_path / "semgrep", tmp_path / "semgrep.pid"
    fake.write_text(SLOW_SEMGREP.format(pid_file=pid_file))
    fake.chmod(0o755)
    repo.write("a.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.commit()
    # faulthandler: a scan that does not stop is made to print where each thread is
    env = {**os.environ, "ASSAY_SEMGREP": str(fake), "PYTHONFAULTHANDLER": "1"}
    # started as from a terminal: a background job of a shell (CI runners, nohup) inherits
    # SIGINT ignored, and assay then leaves it ignored, as such a job should
    proc = subprocess.Popen([sys.executable, "-m", "assay", "scan", "-s", "semgrep", "-q",
                             "--no-cache"], cwd=repo.path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_as_from_a_terminal)
    semgrep = 0
    try:
        semgrep = _wait_for(pid_file, proc, 120)
        proc.send_signal(signum)
        _, err = _stopped_output(proc, 60)  # not the fake's five minutes
        assert proc.returncode == code, err
        assert f"error: {message}" in err and "Traceback" not in err
        deadline = time.monotonic() + 10
        while not _gone(semgrep) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(semgrep)
    finally:  # whatever failed, nothing of the test is left running
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if semgrep and not _gone(semgrep):
            os.kill(semgrep, signal.SIGKILL)


def _stopped_output(proc: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
    """The output of a process that should end within `seconds`; if it does not, it is
    aborted (faulthandler prints every thread's stack) and the test fails with that."""
    try:
        return proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"the scan did not stop within {seconds:g} s:\n{err}") from None


def test_a_finished_scan_leaves_nothing_to_stop(repo: GitRepo) -> None:
    from assay.api import scan
    from assay.scanners import children

    repo.write("a.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"], no_cache=True, record=False).run
    assert [f.path for f in run.findings] == ["a.py"]
    assert children.running() == 0
