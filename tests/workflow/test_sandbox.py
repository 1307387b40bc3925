"""The proof sandbox: ordinary proofs run, the environment is clean, bad input is refused."""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.errors import AssayError
from assay.workflow import _sandbox_profile as profile
from assay.workflow import sandbox
from assay.workflow._sandbox_seccomp import denied_syscalls, seccomp_program
from assay.workflow._sandbox_userns import id_is_mapped
from assay.workflow.sandbox import (
    SandboxError,
    SandboxLimits,
    python_binds,
    run_sandboxed,
    sandbox_unavailable,
)
from tests.workflow.sandbox_support import (
    PYTHON,
    needs_bwrap,
    run_as_nobody,
    staged_for_nobody,
)

REPO_SRC = Path(__file__).resolve().parents[2] / "src"
MIB = 1024**2

FAILING_PROOF = """\
from app import lookup


def test_lookup_rejects_injection():
    assert lookup("x' OR '1'='1") == [], "injection returned rows"
"""

PASSING_PROOF = FAILING_PROOF.replace('== [], "injection returned rows"', "is not None")

APP = """\
def lookup(name):
    rows = [("alice",), ("bob",)]
    return rows if "'" in name else [r for r in rows if r[0] == name]
"""

INSPECT = """\
import json, os, resource, socket
print(json.dumps({
    "env": dict(os.environ),
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(),
    "cwd": os.getcwd(), "hostname": socket.gethostname(),
    "localhost": socket.gethostbyname("localhost"),
    "fds": {fd: os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")},
    "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
    "caps": [line for line in open("/proc/self/status") if line.startswith("CapEff")][0],
}))
"""


def _proof_dir(tmp_path: Path, proof: str) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "app.py").write_text(APP)
    (work / "test_proof.py").write_text(proof)
    return work


def _pytest(work: Path, *, unsafe: bool = False) -> sandbox.SandboxResult:
    argv = [str(PYTHON), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "test_proof.py"]
    return run_sandboxed(argv, workdir=work, readonly=python_binds(PYTHON),
                         unsafe_no_sandbox=unsafe)


def _inspect(tmp_path: Path, **kwargs: object) -> dict[str, object]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / "inspect.py").write_text(INSPECT)
    result = run_sandboxed([str(PYTHON), "inspect.py"], workdir=work,
                           readonly=python_binds(PYTHON), **kwargs)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


class TestProofs:
    pytestmark = needs_bwrap

    def test_failing_proof_is_visible_in_returncode_and_output(self, tmp_path: Path) -> None:
        result = _pytest(_proof_dir(tmp_path, FAILING_PROOF))
        assert result.sandboxed is True
        assert result.returncode == 1, result.stdout + result.stderr
        assert "1 failed" in result.stdout
        assert "injection returned rows" in result.stdout
        assert result.timed_out is False and result.killed_reason == ""

    def test_passing_proof_returns_zero(self, tmp_path: Path) -> None:
        result = _pytest(_proof_dir(tmp_path, PASSING_PROOF))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 passed" in result.stdout

    def test_result_records_the_command(self, tmp_path: Path) -> None:
        work = tmp_path / "work"
        work.mkdir()
        result = run_sandboxed(["sh", "-c", "echo out; echo err >&2; exit 7"], workdir=work)
        assert (result.returncode, result.stdout, result.stderr) == (7, "out\n", "err\n")
        assert result.argv == ("sh", "-c", "echo out; echo err >&2; exit 7")

    def test_unsafe_mode_runs_the_same_proof_unsandboxed(self, tmp_path: Path) -> None:
        result = _pytest(_proof_dir(tmp_path, FAILING_PROOF), unsafe=True)
        assert result.sandboxed is False
        assert result.returncode == 1 and "1 failed" in result.stdout

    def test_the_work_dir_copy_is_left_unchanged(self, tmp_path: Path) -> None:
        work = _proof_dir(tmp_path, FAILING_PROOF)
        _pytest(work)
        assert sorted(p.name for p in work.iterdir()) == ["app.py", "test_proof.py"]


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
def test_hard_linked_host_file_keeps_its_owner(tmp_path: Path) -> None:
    """As root the copy is handed to the sandbox uid, but never through a hard link."""
    if os.geteuid() != 0:
        pytest.skip("the work directory is handed over only when assay runs as root")
    host_file = tmp_path / "host-secret.txt"
    host_file.write_text("secret")
    host_file.chmod(0o600)
    work = tmp_path / "work"
    work.mkdir()
    (work / "linked.txt").hardlink_to(host_file)
    (work / "copied.txt").write_text("copy")
    result = run_sandboxed(["cat", "copied.txt", "linked.txt"], workdir=work)
    assert result.stdout == "copy"
    assert "Permission denied" in result.stderr
    assert host_file.stat().st_uid == 0
    assert (work / "copied.txt").stat().st_uid == profile.SANDBOX_ID


class TestEnvironment:
    pytestmark = needs_bwrap

    def test_parent_environment_is_not_visible(self, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ASSAY_TEST_SECRET_TOKEN", "hunter2")
        report = _inspect(tmp_path, env={"PROOF_SETTING": "on"})
        env = report["env"]
        assert isinstance(env, dict)
        assert "ASSAY_TEST_SECRET_TOKEN" not in env
        assert "hunter2" not in json.dumps(report)
        assert set(env) == {*profile.BASE_ENV, "PROOF_SETTING", "PWD"}
        assert env["HOME"] == "/tmp" and env["PYTHONDONTWRITEBYTECODE"] == "1"

    def test_parent_environment_is_not_visible_in_unsafe_mode(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ASSAY_TEST_SECRET_TOKEN", "hunter2")
        report = _inspect(tmp_path, unsafe_no_sandbox=True)
        assert "ASSAY_TEST_SECRET_TOKEN" not in str(report["env"])

    def test_identity_is_unprivileged_and_isolated(self, tmp_path: Path) -> None:
        report = _inspect(tmp_path)
        assert report["uid"] == report["gid"] == profile.SANDBOX_ID
        assert report["groups"] in ([], [profile.SANDBOX_ID])
        assert report["hostname"] == profile.SANDBOX_HOSTNAME
        assert report["localhost"] == "127.0.0.1"
        assert report["cwd"] == str(tmp_path / "work")
        assert report["caps"].split()[1] == "0000000000000000"
        assert report["nproc"] == SandboxLimits().processes

    def test_no_descriptor_of_the_parent_leaks_in(self, tmp_path: Path) -> None:
        fds = _inspect(tmp_path)["fds"]
        assert isinstance(fds, dict)
        assert fds["0"] == "/dev/null"
        extra = {fd: target for fd, target in fds.items() if fd not in {"0", "1", "2"}}
        # As root the joined user namespace's descriptor stays open (it grants nothing).
        assert all(target.startswith("user:[") for target in extra.values()), extra


def _needs_root_and_system_python() -> None:
    if os.geteuid() != 0:
        pytest.skip("switching to an unprivileged uid for this test needs root")
    if shutil.which("python3", path="/usr/bin") is None:
        pytest.skip("needs a system python3 in /usr/bin that an unprivileged uid can run")


@pytest.fixture(params=["this-checkout", "checkout-under-a-private-directory"])
def checkout_src(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The `src` of this checkout, or of a copy of it under a 0700 directory (where uid
    65534 cannot read it: the staging must not depend on where the clone lives)."""
    if request.param == "this-checkout":
        return REPO_SRC
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    copy = private / "checkout" / "src"
    shutil.copytree(REPO_SRC / "assay", copy / "assay",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
def test_process_limit_holds_when_assay_runs_unprivileged(checkout_src: Path) -> None:
    """The non-root path (bubblewrap creates the user namespace) also stops a fork bomb."""
    _needs_root_and_system_python()
    with staged_for_nobody(checkout_src, "fork_bomb.py") as (src, work):
        result = run_as_nobody(src, work, ["fork_bomb.py", "500"])
    report = json.loads(result["stdout"])
    assert report["escaped"] is False and report["forked"] < SandboxLimits().processes


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")
@pytest.mark.parametrize("child_mib", [1536, 300])
def test_memory_watchdog_holds_when_assay_runs_unprivileged(child_mib: int) -> None:
    """Unprivileged, assay may create no cgroup here: the watchdog bounds the sum. Four
    children of 1.5 GiB under a 2 GiB limit are killed; control: four of 300 MiB finish,
    and the peak the watchdog saw holds all four (they hold their memory for a second,
    ten samples at the watchdog's slowest)."""
    _needs_root_and_system_python()
    limit = 2 * 1024**3
    with staged_for_nobody(REPO_SRC, "allocate_children.py") as (src, work):
        result = run_as_nobody(src, work,
                               ["allocate_children.py", "4", str(child_mib * MIB), "1"],
                               {"memory_bytes": limit})
    assert result["memory_mechanism"] == "watchdog", result
    assert result["memory_peak_bytes"] <= limit * 1.05
    if child_mib == 1536:
        assert result["killed_reason"] == "memory-limit", result
    else:
        assert result["killed_reason"] == "", result
        assert json.loads(result["stdout"])["escaped"] is True
        assert result["memory_peak_bytes"] >= 4 * child_mib * MIB


class TestBadInput:
    def test_work_dir_must_exist(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="does not exist"):
            run_sandboxed(["true"], workdir=tmp_path / "missing", unsafe_no_sandbox=True)

    @pytest.mark.parametrize("workdir", ["/", "/tmp", "/usr"])
    def test_system_dirs_are_refused_as_work_dir(self, workdir: str) -> None:
        with pytest.raises(SandboxError, match="refusing"):
            run_sandboxed(["true"], workdir=Path(workdir))

    def test_binding_root_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="refusing to bind /"):
            run_sandboxed(["true"], workdir=tmp_path, readonly=[Path("/")])

    def test_empty_command_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="empty"):
            run_sandboxed([], workdir=tmp_path, unsafe_no_sandbox=True)

    def test_invalid_env_name_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="environment"):
            run_sandboxed(["true"], workdir=tmp_path, env={"A=B": "x"}, unsafe_no_sandbox=True)

    @pytest.mark.parametrize("field", ["cpu_seconds", "processes", "wall_seconds"])
    def test_limits_must_be_positive(self, field: str) -> None:
        with pytest.raises(SandboxError, match=field):
            SandboxLimits(**{field: 0})  # type: ignore[arg-type]

    def test_sandbox_error_is_an_assay_error_with_a_hint(self, tmp_path: Path) -> None:
        with pytest.raises(AssayError) as caught:
            run_sandboxed(["true"], workdir=tmp_path / "missing")
        assert caught.value.hint


class TestUnavailable:
    @pytest.fixture(autouse=True)
    def _fresh_probe(self) -> Iterator[None]:
        sandbox_unavailable.cache_clear()
        yield
        sandbox_unavailable.cache_clear()

    @pytest.fixture
    def no_bwrap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_tool = sandbox.tool

        def tool(name: str) -> str:
            if name == "bwrap":
                raise SandboxError("bwrap is not installed in /usr")
            return real_tool(name)

        monkeypatch.setattr(sandbox, "tool", tool)

    @pytest.mark.usefixtures("no_bwrap")
    def test_missing_bubblewrap_is_reported(self) -> None:
        assert "bwrap is not installed" in sandbox_unavailable()

    @pytest.mark.usefixtures("no_bwrap")
    def test_missing_bubblewrap_refuses_with_a_hint(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="cannot run: bwrap is not installed") as caught:
            run_sandboxed(["true"], workdir=tmp_path)
        assert "--unsafe-no-sandbox" in caught.value.hint

    @pytest.mark.usefixtures("no_bwrap")
    def test_unsafe_mode_runs_without_bubblewrap(self, tmp_path: Path) -> None:
        result = run_sandboxed(["sh", "-c", "ulimit -v; echo $HOME"], workdir=tmp_path,
                               unsafe_no_sandbox=True)
        assert result.sandboxed is False and result.returncode == 0
        kib = SandboxLimits().address_space_bytes // 1024
        assert result.stdout.split() == [str(kib), "/tmp"]

    def test_old_bubblewrap_is_reported(self, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
        fake = tmp_path / "bwrap"
        fake.write_text("#!/bin/sh\necho bubblewrap 0.6.1\n")
        fake.chmod(0o755)
        monkeypatch.setattr(sandbox, "tool", lambda name: str(fake))
        assert "bubblewrap 0.6.1 is too old" in sandbox_unavailable()

    @pytest.mark.sandbox
    @pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
    def test_installed_bubblewrap_is_usable_here(self) -> None:
        assert sandbox_unavailable() == ""


class TestProfile:
    def _argv(self, userns_fd: int | None) -> list[str]:
        prof = profile.Profile(Path("/w"), (Path("/venv"),), profile.merged_env(None), 1024,
                               userns_fd, ((9, "/etc/passwd"),), 8)
        return profile.bwrap_argv("bwrap", prof, ["python", "proof.py"])

    @pytest.mark.parametrize("userns_fd", [None, 5])
    def test_hardening_flags_are_always_present(self, userns_fd: int | None) -> None:
        argv = self._argv(userns_fd)
        namespaces = (["--unshare-all"] if userns_fd is None else
                      ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"])
        for flag in ("--clearenv", "--die-with-parent", "--new-session", *namespaces):
            assert flag in argv
        assert argv[argv.index("--cap-drop") + 1] == "ALL"
        assert argv[argv.index("--uid") + 1] == str(profile.SANDBOX_ID)
        assert argv[-3:] == ["--", "python", "proof.py"]

    @pytest.mark.parametrize("userns_fd", [None, 5])
    def test_nothing_is_bound_writable_and_root_is_never_bound(self,
                                                               userns_fd: int | None) -> None:
        argv = self._argv(userns_fd)
        assert not {"--bind", "--dev-bind", "--bind-try", "--bind-fd"} & set(argv)
        sources = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--ro-bind"]
        assert "/" not in sources
        assert {"/w", "/venv", "/usr"} <= set(sources)

    def test_non_root_profile_disables_nested_user_namespaces(self) -> None:
        assert "--disable-userns" in self._argv(None)
        assert self._argv(5)[self._argv(5).index("--userns") + 1] == "5"


class TestPythonBinds:
    def test_current_interpreter_prefixes_are_covered(self) -> None:
        binds = python_binds(PYTHON)
        for needed in (sys.prefix, sys.base_prefix, os.path.realpath(sys.base_prefix)):
            path = Path(needed)
            assert any(path.is_relative_to(b) for b in [*binds, Path("/usr")]), (needed, binds)

    def test_venv_linking_into_another_prefix(self, tmp_path: Path) -> None:
        base = tmp_path / "pyenv" / "versions" / "3.12.9"
        (base / "bin").mkdir(parents=True)
        (base / "bin" / "python3.12").write_text("")
        alias = tmp_path / "alias"
        (alias / "bin").mkdir(parents=True)
        (alias / "bin" / "python3").symlink_to(base / "bin" / "python3.12")
        venv = tmp_path / "project" / ".venv"
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").symlink_to(alias / "bin" / "python3")
        (venv / "pyvenv.cfg").write_text(f"home = {alias / 'bin'}\nversion = 3.12.9\n")
        assert python_binds(venv / "bin" / "python") == sorted([base, alias, venv])

    @staticmethod
    def _venv(venv: Path, target: Path, home: Path) -> Path:
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").symlink_to(target)
        (venv / "pyvenv.cfg").write_text(f"home = {home}\n")
        return venv / "bin" / "python"

    def test_nothing_of_the_untrusted_tree_chooses_a_bind(self, tmp_path: Path) -> None:
        tree, host = tmp_path / "tree", tmp_path / "host-dir"
        (host / "bin").mkdir(parents=True)
        real = Path(os.path.realpath(PYTHON))
        planted = self._venv(tree / ".venv", real, host / "bin")
        assert host in python_binds(planted)  # trusted, the planted home would be bound
        with pytest.raises(SandboxError, match="inside the scanned tree"):
            python_binds(planted, untrusted=[tree])
        outside = tmp_path / "link" / "python"
        outside.parent.mkdir()
        outside.symlink_to(planted)
        with pytest.raises(SandboxError, match="inside the scanned tree"):
            python_binds(outside, untrusted=[tree])
        into = self._venv(tmp_path / "operator", tree / ".venv" / "bin" / "python", real.parent)
        with pytest.raises(SandboxError, match="inside the scanned tree"):
            python_binds(into, untrusted=[tree])
        honest = self._venv(tmp_path / "honest", real, real.parent)
        assert tree not in python_binds(honest, untrusted=[tree])

    def test_a_bind_holding_the_tree_is_refused(self, tmp_path: Path) -> None:
        real = Path(os.path.realpath(PYTHON))
        python = self._venv(tmp_path / "venv", real, real.parent)
        (tmp_path / "venv" / "checkout").mkdir()
        with pytest.raises(SandboxError, match="would show the scanned tree"):
            python_binds(python, untrusted=[tmp_path / "venv" / "checkout"])

    def test_system_interpreter_needs_nothing_extra(self) -> None:
        if not Path("/usr/bin/python3").exists():
            pytest.skip("no /usr/bin/python3 here")
        assert python_binds(Path("/usr/bin/python3")) == []

    def test_missing_interpreter_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(SandboxError, match="interpreter not found"):
            python_binds(tmp_path / "python")


class TestSeccompProgram:
    """The filter, run through a small interpreter of the four BPF instructions it uses."""

    @staticmethod
    def _run(program: bytes, arch: int, nr: int) -> int:
        insns = [struct.unpack("=HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
        pc, acc = 0, 0
        while True:
            code, jt, jf, k = insns[pc]
            if code == 0x20:
                acc = arch if k == 4 else nr
            elif code in (0x15, 0x35):
                hit = acc == k if code == 0x15 else acc >= k
                pc += jt if hit else jf
            elif code == 0x06:
                return k
            pc += 1

    @pytest.mark.parametrize(("machine", "arch", "numbers"), [
        ("x86_64", 0xC000003E, {"keyctl": 250, "bpf": 321, "mount": 165}),
        ("aarch64", 0xC00000B7, {"keyctl": 219, "bpf": 280, "mount": 40}),
    ])
    def test_denies_exactly_the_listed_calls(self, machine: str, arch: int,
                                             numbers: dict[str, int]) -> None:
        program = seccomp_program(machine)
        assert program is not None
        denied = {nr for nr in range(600) if self._run(program, arch, nr) == 0x50001}
        allowed = {nr for nr in range(600) if self._run(program, arch, nr) == 0x7FFF0000}
        assert len(denied) == len(denied_syscalls())
        assert set(numbers.values()) <= denied
        assert denied | allowed == set(range(600))
        assert not {0, 1, 2, 3, 56, 57, 59, 60, 63, 93, 220, 221} & denied  # read, clone, ...

    def test_foreign_abi_is_refused(self) -> None:
        program = seccomp_program("x86_64")
        assert program is not None
        assert self._run(program, 0x40000003, 0) == 0x50000 | 38  # i386: ENOSYS
        assert self._run(program, 0xC000003E, 0x40000000 | 1) == 0x50001  # x32: EPERM

    def test_unknown_machine_has_no_filter(self) -> None:
        assert seccomp_program("riscv64") is None
        assert seccomp_program("amd64") == seccomp_program("x86_64")


class TestIdMapping:
    @pytest.mark.parametrize(("value", "mapped"), [(0, True), (65535, True), (65536, False),
                                                   (profile.SANDBOX_ID, False)])
    def test_rootless_container_map(self, tmp_path: Path, value: int, mapped: bool) -> None:
        uid_map = tmp_path / "uid_map"
        uid_map.write_text("         0     100000      65536\n")
        assert id_is_mapped(value, str(uid_map)) is mapped

    def test_full_map(self, tmp_path: Path) -> None:
        uid_map = tmp_path / "uid_map"
        uid_map.write_text("         0          0 4294967295\n")
        assert id_is_mapped(profile.SANDBOX_ID, str(uid_map))
