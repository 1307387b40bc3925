"""The sandbox escape corpus: every script must be blocked inside the sandbox.

Where it is safe, the same script also runs without the sandbox (or in a deliberately
weak bubblewrap profile) as a control: it shows the script detects the action it tries,
so a "blocked" inside means the sandbox blocked it.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.workflow.sandbox import SandboxLimits, python_binds
from tests.workflow.sandbox_support import (
    PYTHON,
    needs_bwrap,
    processes_with,
    run_script,
    workdir_with,
)

pytestmark = needs_bwrap

GIB = 1024**3
MIB = 1024**2


@pytest.fixture
def tcp_listener() -> Iterator[socket.socket]:
    """A TCP listener on the host's 127.0.0.1 (non-blocking accept)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(5)
        server.setblocking(False)
        yield server


@pytest.fixture
def udp_listener() -> Iterator[socket.socket]:
    """A UDP socket on the host's 127.0.0.1 standing in for a DNS resolver."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.setblocking(False)
        yield server


def _accepted(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def _received(server: socket.socket) -> bool:
    try:
        server.recv(512)
    except BlockingIOError:
        return False
    return True


def test_remount_root_read_write_is_blocked(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "remount_root.py")
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert set(report["mounts"].values()) <= {"Operation not permitted"}
    assert all(error == "Read-only file system" for error in report["writes"].values())
    assert not (tmp_path / "work" / "escape-remount-marker").exists()


def test_remount_is_detected_in_a_profile_that_keeps_capabilities(tmp_path: Path) -> None:
    """Control: the pitfall profile (a read-only bind as /, capabilities kept) is escaped."""
    fake_root = tmp_path / "fake-root"
    work = workdir_with(tmp_path, "remount_root.py")
    binds = [Path("/usr"), *python_binds(PYTHON), work]
    for path in [*binds, Path("/proc"), Path("/dev")]:
        (fake_root / path.relative_to("/")).mkdir(parents=True, exist_ok=True)
    for link in ("bin", "lib", "lib64"):
        if os.path.islink(f"/{link}"):
            (fake_root / link).symlink_to(os.readlink(f"/{link}"))
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "0", "--gid", "0",
            "--cap-add", "ALL", "--ro-bind", str(fake_root), "/"]
    for path in binds:
        argv += ["--ro-bind", str(path), str(path)]
    argv += ["--proc", "/proc", "--dev", "/dev", "--chdir", str(work),
             str(PYTHON), "remount_root.py", "--bind-only", "/"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert '"escaped": true' in done.stdout, done.stderr
    assert (fake_root / "escape-remount-marker").read_text() == "escaped"


def test_writes_outside_the_sandbox_tmp_are_blocked(tmp_path: Path) -> None:
    work = tmp_path / "work"
    binds = [str(p) for p in python_binds(PYTHON)]
    targets = [str(work), "/", "/usr", "/etc", "/dev", "/root", *binds]
    result, report = run_script(tmp_path, "write_outside.py", *targets)
    assert report is not None, result.stderr
    assert report["escaped"] is False, report
    assert not (work / "escape-write-marker").exists()
    for bind in binds:
        assert not Path(bind, "escape-write-marker").exists()


def test_writes_to_the_work_dir_succeed_without_the_sandbox(tmp_path: Path) -> None:
    work = tmp_path / "work"
    _, report = run_script(tmp_path, "write_outside.py", str(work), unsafe=True)
    assert report is not None and report["escaped"] is True
    assert (work / "escape-write-marker").read_text() == "escaped"


@pytest.fixture
def planted_root_secret() -> Iterator[Path | None]:
    """A file in /root (only when the tests run as root), removed afterwards."""
    if os.geteuid() != 0 or not os.path.isdir("/root"):
        yield None
        return
    secret = Path("/root") / f".assay-sandbox-secret-{secrets.token_hex(6)}"
    secret.write_text("secret")
    try:
        yield secret
    finally:
        secret.unlink()


def test_shadow_and_root_are_unreadable(tmp_path: Path,
                                        planted_root_secret: Path | None) -> None:
    planted = [str(planted_root_secret)] if planted_root_secret else []
    result, report = run_script(tmp_path, "read_secrets.py", *planted)
    assert report is not None, result.stderr
    assert report["escaped"] is False, report
    assert report["shadow"]["ok"] is False
    allowed = {p.parts[2] for p in python_binds(PYTHON) if p.is_relative_to("/root")}
    visible = set(report["root"]["value"]) if report["root"]["ok"] else set()
    assert visible <= allowed


def test_shadow_and_root_are_readable_without_the_sandbox_as_root(
        tmp_path: Path, planted_root_secret: Path | None) -> None:
    if planted_root_secret is None:
        pytest.skip("the control needs root (only root can read /etc/shadow and /root)")
    _, report = run_script(tmp_path, "read_secrets.py", str(planted_root_secret), unsafe=True)
    assert report is not None and report["escaped"] is True
    assert report["planted"][str(planted_root_secret)]["ok"] is True


def test_tcp_to_a_host_listener_is_blocked(tmp_path: Path,
                                           tcp_listener: socket.socket) -> None:
    port = str(tcp_listener.getsockname()[1])
    result, report = run_script(tmp_path, "tcp_connect.py", port)
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert not _accepted(tcp_listener)


def test_tcp_to_a_host_listener_works_without_the_sandbox(
        tmp_path: Path, tcp_listener: socket.socket) -> None:
    port = str(tcp_listener.getsockname()[1])
    _, report = run_script(tmp_path, "tcp_connect.py", port, unsafe=True)
    assert report is not None and report["escaped"] is True
    assert _accepted(tcp_listener)


def test_host_names_do_not_resolve_and_dns_queries_go_nowhere(
        tmp_path: Path, udp_listener: socket.socket) -> None:
    port = str(udp_listener.getsockname()[1])
    result, report = run_script(tmp_path, "resolve_host.py", "pypi.org", port)
    assert report is not None, result.stderr
    assert report["resolved"]["ok"] is False
    assert not _received(udp_listener)


def test_dns_query_reaches_the_host_resolver_without_the_sandbox(
        tmp_path: Path, udp_listener: socket.socket) -> None:
    port = str(udp_listener.getsockname()[1])
    _, report = run_script(tmp_path, "resolve_host.py", "localhost", port, unsafe=True)
    assert report is not None and report["query"] == "sent"
    assert _received(udp_listener)


def test_fork_bomb_stops_at_the_process_limit(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "fork_bomb.py", "500",
                                limits=SandboxLimits(processes=64))
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert 0 < report["forked"] < 64
    assert report["error"] == "Resource temporarily unavailable"


def test_fork_500_succeeds_without_the_sandbox(tmp_path: Path) -> None:
    _, report = run_script(tmp_path, "fork_bomb.py", "500", unsafe=True)
    assert report is not None and report["forked"] == 500


def test_allocating_8_gib_fails(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "allocate.py", str(8 * GIB))
    assert report == {"escaped": False, "error": "MemoryError"}, result.stderr


def test_allocating_64_mib_works(tmp_path: Path) -> None:
    """Control: the address-space limit leaves room for an ordinary proof."""
    _, report = run_script(tmp_path, "allocate.py", str(64 * MIB))
    assert report == {"escaped": True, "allocated": 64 * MIB}


@pytest.mark.parametrize("child_mib", [1536, 300])
def test_memory_of_all_processes_together_is_bounded(tmp_path: Path, child_mib: int) -> None:
    """Four children of 1.5 GiB, each under the per-process limit, are stopped by the 2 GiB
    limit of the whole sandbox; control: four of 300 MiB finish, and the measured peak
    holds all four (each holds its memory for a second)."""
    limits = SandboxLimits(memory_bytes=2 * GIB)
    result, report = run_script(tmp_path, "allocate_children.py", "4", str(child_mib * MIB),
                                "1", limits=limits)
    peak = result.memory_peak_bytes
    assert result.memory_mechanism in ("cgroup-v2", "cgroup-v1", "watchdog")
    assert peak is not None and peak <= 2 * GIB * 1.05
    if child_mib == 1536:
        assert result.killed_reason == "memory-limit", (result.stdout, result.stderr)
        assert report is None
    else:
        assert result.killed_reason == "" and report is not None and report["escaped"] is True
        assert peak >= 4 * child_mib * MIB


def test_memory_no_process_maps_is_refused(tmp_path: Path) -> None:
    """memfd and System V shared memory would escape a watchdog that sums resident pages."""
    result, report = run_script(tmp_path, "hidden_memory.py")
    assert report is not None, result.stderr
    assert report["errors"] == {"memfd_create": "Operation not permitted",
                                "shmget": "Operation not permitted"}


def test_memory_no_process_maps_is_available_without_the_sandbox(tmp_path: Path) -> None:
    _, report = run_script(tmp_path, "hidden_memory.py", unsafe=True)
    assert report is not None and report["errors"] == {"memfd_create": "", "shmget": ""}


def test_writing_a_1_gib_file_stops_at_the_file_size_limit(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "write_big.py", str(GIB), str(GIB))
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert report["written"] <= SandboxLimits().file_size_bytes
    assert report["error"] == "File too large"


def test_writing_1_gib_in_small_files_stops_at_the_tmp_size(tmp_path: Path) -> None:
    limits = SandboxLimits(tmp_size_bytes=128 * MIB)
    result, report = run_script(tmp_path, "write_big.py", str(GIB), str(32 * MIB),
                                limits=limits)
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert report["written"] <= 128 * MIB
    assert report["error"] == "No space left on device"


def test_sleeping_past_the_timeout_is_killed(tmp_path: Path) -> None:
    marker = f"assay-sleep-{secrets.token_hex(6)}"
    result, _ = run_script(tmp_path, "sleep_forever.py", marker,
                           limits=SandboxLimits(wall_seconds=2.0))
    assert result.timed_out is True
    assert result.returncode is None
    assert result.killed_reason == "timeout"
    assert result.duration < 60  # the script sleeps for an hour
    assert "sleeping" in result.stdout
    assert processes_with(marker) == []


def test_background_process_does_not_survive(tmp_path: Path) -> None:
    marker = f"assay-background-{secrets.token_hex(6)}"
    result, report = run_script(tmp_path, "background.py", marker)
    assert report is not None, result.stderr
    assert result.returncode == 0
    assert processes_with(marker) == []


def test_background_process_survives_without_the_sandbox(tmp_path: Path) -> None:
    """Control: the marker search finds a detached survivor when nothing tears it down.

    Run directly: even `unsafe_no_sandbox` removes the run's memory cgroup, where it has
    one, and kills what is left in it.
    """
    marker = f"assay-background-{secrets.token_hex(6)}"
    work = workdir_with(tmp_path, "background.py")
    done = subprocess.run([str(PYTHON), "background.py", marker], cwd=work, timeout=60,
                          capture_output=True, text=True, check=False)
    survivors = processes_with(marker)
    try:
        assert survivors == [json.loads(done.stdout)["pid"]]
    finally:
        for pid in survivors:
            os.kill(pid, signal.SIGKILL)


def test_cpu_burn_is_stopped_by_the_cpu_limit(tmp_path: Path) -> None:
    result, _ = run_script(tmp_path, "cpu_burn.py",
                           limits=SandboxLimits(cpu_seconds=1, wall_seconds=60.0))
    assert result.timed_out is False
    assert result.killed_reason == "cpu-limit"


def test_open_files_stop_at_the_limit(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "open_files.py", "1000",
                                limits=SandboxLimits(open_files=256))
    assert report is not None, result.stderr
    assert report["escaped"] is False
    assert report["opened"] < 256
    assert report["error"] == "Too many open files"


def test_nested_namespaces_cannot_be_created(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "new_namespaces.py")
    assert report is not None, result.stderr
    assert report["escaped"] is False, report


def test_host_processes_are_invisible(tmp_path: Path) -> None:
    result, report = run_script(tmp_path, "see_processes.py")
    assert report is not None, result.stderr
    assert report["escaped"] is False, report



@pytest.fixture
def session_key() -> Iterator[tuple[str, str]]:
    """A secret in a fresh session keyring of this test process, revoked afterwards."""
    numbers = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(platform.machine())
    if numbers is None:
        pytest.skip(f"no keyring syscall numbers for {platform.machine()}")
    add_key, keyctl = numbers
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(keyctl, 1, None) < 0:  # KEYCTL_JOIN_SESSION_KEYRING, anonymous
        pytest.skip("kernel keyrings are not available here")
    name, secret = f"assay-sandbox-{secrets.token_hex(6)}", secrets.token_hex(8)
    key = libc.syscall(add_key, b"user", name.encode(), secret.encode(), len(secret), -3)
    assert key > 0
    try:
        yield name, secret
    finally:
        libc.syscall(keyctl, 21, key)  # KEYCTL_INVALIDATE


def test_session_keyring_secrets_are_unreadable(tmp_path: Path,
                                                session_key: tuple[str, str]) -> None:
    name, secret = session_key
    result, report = run_script(tmp_path, "keyring.py", name)
    assert report is not None, result.stderr
    assert report == {"escaped": False, "error": "Operation not permitted"}
    assert secret not in result.stdout


def test_session_keyring_secrets_are_readable_without_the_sandbox(
        tmp_path: Path, session_key: tuple[str, str]) -> None:
    name, secret = session_key
    _, report = run_script(tmp_path, "keyring.py", name, unsafe=True)
    assert report == {"escaped": True, "value": secret}
