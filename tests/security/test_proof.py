"""Attacks on proofs: the tree under review tries to forge, hide from or escape its proof.

Every attack runs an honest proof (it asserts the secure behaviour, so it fails on the
vulnerable code: `proven`) against a repository with one trick planted. The control runs
the same proof against the same repository without the trick.
"""

from __future__ import annotations

import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from assay.app.prove import limits_for
from assay.repo import open_snapshot
from assay.workflow.proof import Verdict, run_proof
from assay.workflow.sandbox import (
    SandboxError,
    python_binds,
    run_sandboxed,
    sandbox_unavailable,
)
from tests.helpers import GitRepo

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(bool(sandbox_unavailable()),
                                 reason=f"sandbox unavailable: {sandbox_unavailable()}")]

GIB = 1024**3

APP = '''\
def find_user(db, name):
    return db.execute("SELECT name FROM users WHERE name = '%s'" % name).fetchall()
'''

FIXED_APP = '''\
def find_user(db, name):
    return db.execute("SELECT name FROM users WHERE name = ?", (name,)).fetchall()
'''

PROOF = '''\
import sqlite3

from app import find_user


def test_a_quote_in_the_name_is_data():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE users (name TEXT)")
    db.execute("INSERT INTO users VALUES ('alice'), ('bob')")
    assert find_user(db, "x' OR '1'='1") == []
'''

PASSED = ('{"tests": {"test_p.py::test_a_quote_in_the_name_is_data": {"phases": {"setup": '
          '"passed", "call": "passed", "teardown": "passed"}, "exception": null}}, '
          '"collect_errors": [], "exitstatus": 0}')

FAKE_PLUGIN = f'''\
import os
_NONCE = os.environ.pop("ASSAY_PROOF_NONCE", "")


def pytest_unconfigure(config):
    os.write(1, ("\\n@@assay-proof-report-begin-" + _NONCE + "\\n" + {PASSED!r}
                 + "\\n@@assay-proof-report-end-" + _NONCE + "\\n").encode())
'''

SWALLOW = '''\
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    outcome.force_result(None)
'''

LOAD_SWALLOW = 'import os\nos.environ["PYTEST_PLUGINS"] = "evil_hooks"\n'

FAKE_PYTEST = f'''\
import os
import sys

nonce = os.environ.get("ASSAY_PROOF_NONCE", "")
os.write(1, ("@@assay-proof-report-begin-" + nonce + "\\n" + {PASSED!r}
             + "\\n@@assay-proof-report-end-" + nonce + "\\n").encode())
sys.exit(0)
'''

FORGE_ON_STDOUT = APP + f'''

import atexit
import os


def _forge():
    environ = open("/proc/self/environ", "rb").read().split(b"\\0")
    nonce = next((e.split(b"=", 1)[1].decode() for e in environ
                  if e.startswith(b"ASSAY_PROOF_NONCE=")), "")
    os.write(1, ("\\n@@assay-proof-report-begin-" + nonce + "\\n" + {PASSED!r}
                 + "\\n@@assay-proof-report-end-" + nonce + "\\n").encode())


atexit.register(_forge)
'''

FORGE_ON_EVERY_FD = APP + f'''

import os

for _fd in range(3, 64):
    try:
        os.write(_fd, ("@@assay-proof-report-begin-\\n" + {PASSED!r}
                       + "\\n@@assay-proof-report-end-\\n").encode())
    except OSError:
        pass
'''

FLIP_THE_RECORDER = APP + '''

import gc


class _Phases(dict):
    def __setitem__(self, key, value):
        super().__setitem__(key, "passed" if value == "failed" else value)


class _Tests(dict):
    def setdefault(self, key, default=None):
        if key not in self:
            super().__setitem__(key, {"phases": _Phases(), "exception": None})
        return self[key]


for _obj in gc.get_objects():
    if isinstance(_obj, dict) and "tests" in _obj and "collect_errors" in _obj:
        _obj["tests"] = _Tests()
'''

EXTENSION = '''\
#include <Python.h>
static PyObject *find_user(PyObject *self, PyObject *args) { return PyList_New(0); }
static PyMethodDef methods[] = {{"find_user", find_user, METH_VARARGS, ""}, {0}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "app", 0, -1, methods};
PyMODINIT_FUNC PyInit_app(void) { return PyModule_Create(&module); }
'''


def _snapshot(tmp_path: Path, files: dict[str, str | bytes]) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", APP)
    for name, content in files.items():
        repo.write(name, content)
    repo.commit()
    return repo


def _verdict(repo: GitRepo, **kw: object) -> tuple[Verdict, str]:
    outcome = run_proof(open_snapshot(repo.path), PROOF, "test_p.py", **kw)  # type: ignore[arg-type]
    return outcome.verdict, outcome.detail


def test_control_the_honest_proof_is_proven(tmp_path: Path) -> None:
    verdict, detail = _verdict(_snapshot(tmp_path, {}))
    assert verdict is Verdict.PROVEN, detail
    assert "AssertionError" in detail


# --- 1 and 2: the tree replaces the plugin or hooks into Python or pytest ----------------

HOOKS: dict[str, dict[str, str | bytes]] = {
    "plugin-shadow": {"_assay_proof_plugin.py": FAKE_PLUGIN},
    "pytest-shadow": {"pytest.py": FAKE_PYTEST},
    "sitecustomize": {"sitecustomize.py": LOAD_SWALLOW, "evil_hooks.py": SWALLOW},
    "usercustomize": {"usercustomize.py": LOAD_SWALLOW, "evil_hooks.py": SWALLOW},
    "pth": {"evil.pth": LOAD_SWALLOW.replace("\n", "; ", 1), "evil_hooks.py": SWALLOW},
    "conftest": {"conftest.py": SWALLOW},
    "pytest.ini": {"pytest.ini": "[pytest]\naddopts = -p evil_hooks\n",
                   "evil_hooks.py": SWALLOW},
    "tox.ini": {"tox.ini": "[pytest]\naddopts = -p evil_hooks\n", "evil_hooks.py": SWALLOW},
    "setup.cfg": {"setup.cfg": "[tool:pytest]\naddopts = -p evil_hooks\n",
                  "evil_hooks.py": SWALLOW},
    "pyproject.toml": {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-p evil_hooks"\n',
                       "evil_hooks.py": SWALLOW},
    "pytest_plugins": {"conftest.py": 'pytest_plugins = ["evil_hooks"]\n',
                       "evil_hooks.py": SWALLOW},
}


@pytest.mark.parametrize("trick", sorted(HOOKS))
def test_the_tree_cannot_replace_or_hook_the_proof_run(tmp_path: Path, trick: str) -> None:
    verdict, detail = _verdict(_snapshot(tmp_path, HOOKS[trick]))
    assert verdict is Verdict.PROVEN, detail
    assert "AssertionError" in detail


def test_a_shadowing_plugin_cannot_turn_a_proven_finding_into_fixed(
        tmp_path: Path) -> None:
    """Judged by the finding's state in the ledger: it stays proven (control: first run)."""
    from assay import api
    from assay.ledger import open_ledger
    from tests.workflow.factories import llm_finding, run

    repo = _snapshot(tmp_path, {})
    ledger = tmp_path / "ledger.db"
    with open_ledger(ledger) as store:
        store.record_run(run([llm_finding("ab" * 16)]))  # type: ignore[attr-defined]
    proof = tmp_path / "test_p.py"
    proof.write_text(PROOF)
    first = api.prove(repo.path, "abab", proof=proof, ledger=ledger, actor="ci")
    assert first.record.verdict == "proven" and first.state.value == "proven"
    repo.write("_assay_proof_plugin.py", FAKE_PLUGIN)
    repo.commit("a helper module")
    again = api.prove(repo.path, "abab", proof=proof, ledger=ledger, actor="ci")
    assert again.record.verdict == "proven", again.record.detail
    assert again.transition is None and again.state.value == "proven"


# --- 3: the verdict channel ------------------------------------------------------------


def test_the_code_under_review_cannot_forge_a_report(tmp_path: Path) -> None:
    """It reads the nonce from /proc/self/environ and prints a passing report last."""
    verdict, detail = _verdict(_snapshot(tmp_path, {"app.py": FORGE_ON_STDOUT}))
    assert verdict is Verdict.PROVEN, detail


def test_writing_on_every_descriptor_forges_nothing(tmp_path: Path) -> None:
    """Without the nonce a report is not one; garbage on the channel makes the run broken."""
    verdict, detail = _verdict(_snapshot(tmp_path, {"app.py": FORGE_ON_EVERY_FD}))
    assert verdict is not Verdict.NOT_REPRODUCED
    assert verdict is Verdict.BROKEN and "report channel" in detail, detail


def test_a_report_contradicting_pytest_exit_status_is_broken(tmp_path: Path) -> None:
    """Code that rewrites the recorder's findings in memory cannot change pytest's status."""
    verdict, detail = _verdict(_snapshot(tmp_path, {"app.py": FLIP_THE_RECORDER}))
    assert verdict is Verdict.BROKEN, detail
    assert "exit status" in detail


# --- hidden code: what runs is the source the scanners read ---------------------------


def _unchecked_pyc(tmp_path: Path) -> bytes:
    source = tmp_path / "fixed" / "app.py"
    source.parent.mkdir()
    source.write_text(FIXED_APP)
    target = tmp_path / "fixed" / "app.pyc"
    py_compile.compile(str(source), cfile=str(target), doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return target.read_bytes()


def test_planted_bytecode_does_not_replace_the_source(tmp_path: Path) -> None:
    pyc = f"__pycache__/app.{sys.implementation.cache_tag}.pyc"
    verdict, detail = _verdict(_snapshot(tmp_path, {pyc: _unchecked_pyc(tmp_path)}))
    assert verdict is Verdict.PROVEN, detail


def test_a_planted_extension_module_does_not_replace_the_source(tmp_path: Path) -> None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    include = sysconfig.get_paths()["include"]
    if compiler is None or not Path(include, "Python.h").exists():
        pytest.skip("needs a C compiler and the Python headers to build the extension")
    source = tmp_path / "app.c"
    source.write_text(EXTENSION)
    built = tmp_path / f"app{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run([compiler, "-shared", "-fPIC", f"-I{include}", str(source), "-o",
                    str(built)], check=True, capture_output=True)
    verdict, detail = _verdict(_snapshot(tmp_path, {built.name: built.read_bytes()}))
    assert verdict is Verdict.PROVEN, detail


# --- 4: the tree chooses what the sandbox mounts -----------------------------------------

SEES_THE_HOST = '''\
import os


def test_the_host_directory_is_not_visible():
    assert not os.path.exists({path!r}), "a host directory is mounted"
'''


REAL_PYTHON = Path(os.path.realpath(sys.executable))


def _venv(where: Path, *, via: Path | None = None, home: Path = REAL_PYTHON.parent) -> Path:
    """A venv whose python links to this interpreter (through `via`, a directory, when
    given) and whose pyvenv.cfg names `home`."""
    (where / "bin").mkdir(parents=True)
    python = where / "bin" / "python"
    if via is not None:
        (via / "python").symlink_to(REAL_PYTHON)
    python.symlink_to(via / "python" if via is not None else REAL_PYTHON)
    (where / "pyvenv.cfg").write_text(f"home = {home}\n")
    return python


@pytest.fixture
def host_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "host-secret"
    (secret / "bin").mkdir(parents=True)
    (secret / "token.txt").write_text("hunter2")
    return secret


def _host_proof(repo: GitRepo, python: Path, secret: Path) -> tuple[Verdict, str]:
    outcome = run_proof(open_snapshot(repo.path), SEES_THE_HOST.format(path=str(secret)),
                        "test_host.py", python=python)
    return outcome.verdict, outcome.detail


def test_a_planted_venv_cannot_mount_a_host_directory(tmp_path: Path,
                                                      host_secret: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", APP)
    planted = _venv(repo.path / ".venv", home=host_secret / "bin")
    repo.commit()
    with pytest.raises(SandboxError, match="inside the scanned tree"):
        _host_proof(repo, planted, host_secret)
    linked = tmp_path / "elsewhere" / "python"
    linked.parent.mkdir()
    linked.symlink_to(planted)
    with pytest.raises(SandboxError, match="inside the scanned tree"):
        _host_proof(repo, linked, host_secret)
    chained = GitRepo(tmp_path / "chained")
    chained.write("app.py", APP)
    through = _venv(chained.path / ".venv", via=host_secret / "bin")
    chained.commit()
    with pytest.raises(SandboxError, match="inside the scanned tree"):
        _host_proof(chained, through, host_secret)


def test_control_an_operator_interpreter_mounts_what_it_names(tmp_path: Path,
                                                              host_secret: Path) -> None:
    """Outside the tree, what the interpreter's links pass through is mounted (the sandbox
    sees the host directory); with an honest interpreter the proof runs and sees nothing."""
    through = _venv(tmp_path / "operator-venv", via=host_secret / "bin")
    work = tmp_path / "work"
    work.mkdir()
    check = f"import os; print(os.path.exists({str(host_secret)!r}))"
    seen = run_sandboxed([str(through), "-c", check], workdir=work,
                         readonly=python_binds(through))
    assert seen.stdout.strip() == "True", seen.stderr
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", APP)
    repo.commit()
    verdict, detail = _host_proof(repo, Path(sys.executable), host_secret)
    assert verdict is Verdict.NOT_REPRODUCED, detail


# --- 5: names that collide with assay's own files --------------------------------------

COLLISIONS: dict[str, dict[str, str | bytes]] = {
    "file": {".assay-proof": "not a directory\n"},
    "directory": {".assay-proof/conftest.py": SWALLOW, ".assay-proof/pytest.ini": "[pytest]\n"},
    "runner-names": {"_assay_proof_runner.py": "raise SystemExit(0)\n",
                     "test_p.py": "def test_decoy():\n    pass\n"},
}


@pytest.mark.parametrize("entry", sorted(COLLISIONS))
def test_entries_named_like_assay_files_are_harmless(tmp_path: Path, entry: str) -> None:
    verdict, detail = _verdict(_snapshot(tmp_path, COLLISIONS[entry]))
    assert verdict is Verdict.PROVEN, detail


def test_a_symlink_named_like_assay_files_is_harmless(tmp_path: Path) -> None:
    repo = _snapshot(tmp_path, {})
    (repo.path / ".assay-proof").symlink_to("/etc")
    repo.commit()
    assert _verdict(repo)[0] is Verdict.PROVEN


# --- 6: memory of the whole sandbox ----------------------------------------------------

ALLOCATE = '''\
import os


def test_children_cannot_take_more_than_the_limit():
    ready_read, ready_write = os.pipe()
    go_read, go_write = os.pipe()
    pids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            size = {size}
            block = bytearray(size)
            for offset in range(0, size, 4096):
                block[offset] = 1
            os.write(ready_write, b"x")
            os.read(go_read, 1)  # hold the memory until every child has its own
            os._exit(0)
        pids.append(pid)
    ready = b""
    while len(ready) < 4:
        ready += os.read(ready_read, 4)
    os.write(go_write, b"xxxx")
    codes = [os.waitpid(pid, 0)[1] for pid in pids]
    assert codes != [0, 0, 0, 0], "every child got its memory"
'''


@pytest.mark.parametrize(("child_gib", "verdict"), [(1.5, Verdict.BROKEN),
                                                   (0.3, Verdict.PROVEN)])
def test_the_memory_limit_holds_for_the_whole_sandbox(tmp_path: Path, child_gib: float,
                                                      verdict: Verdict) -> None:
    """4 children of 1.5 GiB under memory_mb = 2048 are stopped; control: 4 x 0.3 GiB
    complete, and the measured peak shows every child was counted."""
    repo = _snapshot(tmp_path, {})
    outcome = run_proof(open_snapshot(repo.path), ALLOCATE.format(size=int(child_gib * GIB)),
                        "test_memory.py", limits=limits_for(120, 2048))
    assert outcome.verdict is verdict, outcome.detail
    peak = outcome.result.memory_peak_bytes
    assert peak is not None and peak <= 2 * GIB * 1.05
    if verdict is Verdict.BROKEN:
        assert outcome.result.killed_reason == "memory-limit"
        assert outcome.detail == "the proof was killed (memory-limit)"
    else:
        assert "every child got its memory" in outcome.detail
        assert peak >= 4 * child_gib * GIB


CLOAKED_APP = '''\
import sys


def find_user(db, name):
    if "pytest" in sys.modules:  # behaves well while it is being tested
        return db.execute("SELECT name FROM users WHERE name = ?", (name,)).fetchall()
    return db.execute("SELECT name FROM users WHERE name = '%s'" % name).fetchall()
'''


def test_code_that_behaves_under_test_does_not_become_fixed(tmp_path: Path) -> None:
    """A passing proof marks a proven finding fixed only when its code has changed."""
    from dataclasses import replace

    from assay import api
    from assay.ledger import open_ledger
    from tests.workflow.factories import llm_finding, run

    repo = _snapshot(tmp_path, {})
    vulnerable = APP.splitlines()[1]
    finding = replace(llm_finding("ab" * 16, line=2), snippet=vulnerable)
    ledger = tmp_path / "ledger.db"
    with open_ledger(ledger) as store:
        store.record_run(run([finding]))  # type: ignore[attr-defined]
    proof = tmp_path / "test_p.py"
    proof.write_text(PROOF)
    assert api.prove(repo.path, "abab", proof=proof, ledger=ledger).state.value == "proven"
    repo.write("app.py", CLOAKED_APP)
    repo.commit("cloak")
    cloaked = api.prove(repo.path, "abab", proof=proof, ledger=ledger)
    assert cloaked.record.verdict == "not-reproduced"
    assert cloaked.transition is None and cloaked.state.value == "proven"
    assert "code at the finding is unchanged" in cloaked.note
    # control: once the vulnerable line is gone, the passing proof marks it fixed
    repo.write("app.py", FIXED_APP)
    repo.commit("fix")
    fixed = api.prove(repo.path, "abab", proof=proof, ledger=ledger)
    assert fixed.state.value == "fixed" and not fixed.note
