"""A pull request's configuration cannot run code, reach the network with a secret, or
loosen its own gate. Each attack has its control: the same setting from the operator
(a file outside the checkout) does take effect, so no test passes because a key simply
does nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import GitRepo, operator_config
from tests.llm.fakeserver import FakeLLMServer, reply, scanner_config
from tests.llm.helpers import toml_table
from tests.scanners.test_bad_input import EXIT_BLOCK, EXIT_OK, assay

# a high-severity finding Bandit reports on its own (no taint rule needed)
SHELL = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
WEAK = "import hashlib\n\n\ndef digest(t):\n    return hashlib.md5(t).hexdigest()\n"
TOKEN = "ghp_" + "A1b2C3d4" * 4


def gate(repo: GitRepo, *args: str, env: dict[str, str] | None = None,
         ) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    proc = assay("gate", "-q", "-f", "json", *args, cwd=repo.path, env=env)
    assert "Traceback" not in proc.stderr and proc.stdout, proc.stderr
    return proc, json.loads(proc.stdout)


@pytest.fixture
def pr(repo: GitRepo) -> dict[str, str]:
    """A base commit and a pull request adding a weak hash (blocks at the default high)."""
    repo.write("app.py", "VALUE = 1\n")
    base = repo.commit("base")
    repo.write("lib/crypto.py", WEAK)
    return {"base": base}


def _marker_command(marker: Path) -> str:
    return (f'[scanners.pwn]\ntype = "command"\nformat = "sarif"\n'
            f'command = ["sh", "-c", "env > {marker}; echo {{}}"]\nkind = "deterministic"\n')


def test_an_in_tree_command_scanner_never_runs(repo: GitRepo, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repo.write("app.py", "VALUE = 1\n")
    config = '[scan]\nscanners = ["bandit", "pwn"]\n' + _marker_command(marker)
    repo.write("assay.toml", config)
    repo.commit()
    proc = assay("scan", "-q", "-f", "json", cwd=repo.path, env={"GITHUB_TOKEN": TOKEN})
    assert not marker.exists()
    assert "Traceback" not in proc.stderr
    ran = [s["name"] for s in json.loads(proc.stdout)["run"]["scanners"]]
    assert ran == ["bandit", "semgrep"]  # the tree cannot drop semgrep either
    # control: the same definition from the operator runs, with a minimal environment
    operator = tmp_path / "ci.toml"
    operator.write_text(config)
    assay("scan", "-q", "--config", str(operator), cwd=repo.path, env={"GITHUB_TOKEN": TOKEN})
    assert marker.exists()
    seen = marker.read_text()
    assert TOKEN not in seen and "GITHUB_TOKEN" not in seen
    assert "ASSAY_ROOT=" in seen and "PATH=" in seen


def test_a_command_scanner_gets_the_variables_the_operator_names(repo: GitRepo,
                                                                 tmp_path: Path) -> None:
    marker = tmp_path / "env"
    repo.write("app.py", "VALUE = 1\n")
    repo.commit()
    operator_config(repo, _marker_command(marker) + 'pass_env = ["REVIEW_KEY"]\n')
    assay("scan", "-q", "-s", "pwn", cwd=repo.path,
          env={"REVIEW_KEY": "k-123", "GITHUB_TOKEN": TOKEN})
    seen = marker.read_text()
    assert "REVIEW_KEY=k-123" in seen and TOKEN not in seen


def test_an_in_tree_llm_scanner_never_receives_a_token(repo: GitRepo, pr: dict[str, str],
                                                       tmp_path: Path) -> None:
    with FakeLLMServer() as listener:
        listener.responder = lambda received: reply("[]")
        table = scanner_config(listener, "openai", api_key_env="GITHUB_TOKEN")
        config = "\n".join(['[scan]\nscanners = ["bandit", "semgrep", "exfil"]',
                            '[tier]\nllm_scanners = ["exfil"]',
                            *toml_table('scanners."exfil"', table)]) + "\n"
        repo.write("assay.toml", config)
        head = repo.commit("pr")
        proc, doc = gate(repo, "--diff", f"{pr['base']}..{head}", "--llm", "always",
                         env={"GITHUB_TOKEN": TOKEN})
        assert listener.requests == []
        assert proc.returncode == EXIT_BLOCK
        assert any("scanners.exfil is ignored" in w for w in doc["warnings"])  # type: ignore[union-attr]
        # control: the operator's definition does reach the endpoint, with the key
        operator = tmp_path / "ci.toml"
        operator.write_text(config)
        gate(repo, "--diff", f"{pr['base']}..{head}", "--llm", "always", "--config",
             str(operator), env={"GITHUB_TOKEN": TOKEN})
        assert listener.requests
        assert listener.requests[0].headers.get("authorization") == f"Bearer {TOKEN}"


LOOSENERS = {
    "fail_on none": "[scan]\nfail_on = 'none'\n",
    "gate fail_on none": "[gate]\nfail_on = 'none'\n",
    "exclude the file": "[scan]\nexclude = ['lib']\n",
    "skip the check": "[scanners.bandit]\nskip = ['B324']\n",
    "drop bandit": "[scan]\nscanners = ['semgrep']\n",
    "max file size": "[scan]\nmax_file_size = 10\n",
}


@pytest.mark.parametrize("trick", sorted(LOOSENERS))
def test_a_pull_request_cannot_loosen_its_own_gate(repo: GitRepo, pr: dict[str, str],
                                                   tmp_path: Path, trick: str) -> None:
    repo.write("lib/crypto.py", WEAK)
    plain = repo.commit("pr")
    control, _ = gate(repo, "-s", "bandit", "--diff", f"{pr['base']}..{plain}")
    assert control.returncode == EXIT_BLOCK
    repo.write("assay.toml", LOOSENERS[trick])
    head = repo.commit("pr loosens the gate")
    proc, doc = gate(repo, "--diff", f"{pr['base']}..{head}")
    assert proc.returncode == EXIT_BLOCK, doc["reasons"]
    review = " ".join(doc["config_review"])  # type: ignore[arg-type]
    assert "assay.toml" in review and "review" in review
    # control: from the operator, the same setting does loosen it
    operator = tmp_path / "ci.toml"
    operator.write_text(LOOSENERS[trick])
    trusted, _ = gate(repo, "--diff", f"{pr['base']}..{head}", "--config", str(operator))
    assert trusted.returncode != EXIT_BLOCK


def test_the_base_commit_configuration_is_the_operators(repo: GitRepo) -> None:
    repo.write("assay.toml", "[scan]\nexclude = ['vendor']\n")
    repo.write("app.py", "VALUE = 1\n")
    base = repo.commit("base: vendored code is excluded")
    repo.write("vendor/old.py", WEAK)
    repo.write("lib/new.py", WEAK)
    head = repo.commit("pr")
    proc, doc = gate(repo, "-s", "bandit", "--diff", f"{base}..{head}")
    assert proc.returncode == EXIT_BLOCK
    paths = {f["path"] for f in doc["findings"]}  # type: ignore[index,union-attr]
    assert paths == {"lib/new.py"}
    assert doc["config_review"] == []  # the change did not touch the configuration


def test_a_stricter_tree_setting_applies(repo: GitRepo, pr: dict[str, str]) -> None:
    low = "import random\n\n\ndef pick():\n    return random.random()\n"
    repo.write("lib/crypto.py", low)
    plain = repo.commit("pr")
    assert gate(repo, "-s", "bandit", "--diff", f"{pr['base']}..{plain}")[0].returncode == EXIT_OK
    repo.write("assay.toml", "[gate]\nfail_on = 'low'\n")
    head = repo.commit("pr: a stricter gate")
    proc, doc = gate(repo, "-s", "bandit", "--diff", f"{pr['base']}..{head}")
    assert proc.returncode == EXIT_BLOCK and doc["threshold"] == "low"


def test_a_committed_ledger_is_never_used(repo: GitRepo, pr: dict[str, str]) -> None:
    repo.write("lib/crypto.py", WEAK)
    repo.commit("pr")
    planted = repo.path / "ci" / "ledger.db"
    assay("scan", "-q", "-s", "bandit", "--ledger", str(planted), cwd=repo.path)
    # control: untracked, it is a ledger assay reads (here, at the operator's request)
    listed = assay("runs", "--ledger", str(planted), cwd=repo.path)
    assert listed.returncode == 0 and "bandit" in listed.stdout
    repo.write("assay.toml", "[scan]\nledger = 'ci/ledger.db'\n")
    repo.git("add", "-f", "ci/ledger.db", "assay.toml")
    head = repo.commit("pr with a ledger")
    before = planted.read_bytes()
    proc, doc = gate(repo, "-s", "bandit", "--diff", f"{pr['base']}..{head}")
    assert proc.returncode == EXIT_BLOCK, doc["reasons"]
    assert planted.read_bytes() == before
    # naming the committed ledger explicitly is refused outright
    refused = assay("gate", "-q", "--ledger", str(planted), "--diff", pr["base"],
                    cwd=repo.path)
    assert refused.returncode == 2 and "tracked by git" in refused.stderr


def test_the_working_tree_configuration_does_not_leak_into_a_revision(repo: GitRepo,
                                                                      pr: dict[str, str],
                                                                      ) -> None:
    repo.write("lib/crypto.py", WEAK)
    head = repo.commit("pr")
    # the scanned commit has no configuration; the working tree's loosening one is not
    # read for it (and would only be allowed to tighten anyway)
    repo.write("assay.toml", "[scan]\nfail_on = 'none'\n")
    proc, doc = gate(repo, "-s", "bandit", "--diff", f"{pr['base']}..{head}")
    assert proc.returncode == EXIT_BLOCK
    assert not any("assay.toml" in w for w in doc["warnings"])  # type: ignore[union-attr]


def test_unsafe_trust_of_the_tree_is_explicit_and_said(repo: GitRepo) -> None:
    repo.write("app.py", WEAK)
    repo.write("assay.toml", "[scan]\nfail_on = 'none'\n")
    repo.commit()
    proc = assay("scan", "-s", "bandit", cwd=repo.path)
    assert proc.returncode == EXIT_BLOCK
    assert "fail_on is ignored" in proc.stderr
    trusted = assay("scan", "-s", "bandit", "-f", "json", cwd=repo.path,
                    env={"ASSAY_UNSAFE_TRUST_TREE_CONFIG": "1"})
    assert trusted.returncode == EXIT_OK
    assert "ASSAY_UNSAFE_TRUST_TREE_CONFIG is set" in trusted.stderr
    extra = json.loads(trusted.stdout)["run"]["provenance"]["extra"]
    assert extra["config_source"] == "tree (trusted: unsafe): assay.toml"


def test_a_config_file_named_inside_the_checkout_is_the_trees(repo: GitRepo) -> None:
    repo.write("app.py", WEAK)
    repo.write("ci/assay.toml", "[scan]\nfail_on = 'none'\n")
    repo.commit()
    proc = assay("scan", "-s", "bandit", "--config", "ci/assay.toml", cwd=repo.path)
    assert proc.returncode == EXIT_BLOCK
    assert "lies inside the scanned tree" in proc.stderr


def test_a_symlinked_config_out_of_the_tree_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("[scan]\nfail_on = 'none'\n")
    repo.write("app.py", WEAK)
    (repo.path / "assay.toml").symlink_to(outside)
    repo.commit()
    proc = assay("scan", "-s", "bandit", cwd=repo.path)
    assert proc.returncode == 2 and "symlink out of the scanned tree" in proc.stderr


def test_a_deeply_nested_or_huge_config_is_a_one_line_error(repo: GitRepo) -> None:
    repo.write("app.py", WEAK)
    repo.write("assay.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    repo.commit()
    proc = assay("scan", "-s", "bandit", cwd=repo.path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: assay.toml") or "nested too deeply" in proc.stderr
    repo.write("assay.toml", "# " + "x" * 2_000_000 + "\n")
    huge = assay("scan", "-s", "bandit", cwd=repo.path)
    assert huge.returncode == 2 and "larger than" in huge.stderr


def test_ignored_tree_settings_are_said_in_every_human_output(repo: GitRepo) -> None:
    repo.write("app.py", WEAK)
    repo.write("assay.toml", "[scan]\nexclude = ['app.py']\n")
    repo.commit()
    text = assay("scan", "-q", "-s", "bandit", cwd=repo.path)
    assert "ignored from the scanned tree's configuration" in text.stdout
    assert "scan.exclude" in text.stdout
    md = assay("scan", "-q", "-s", "bandit", "-f", "md", cwd=repo.path)
    assert "ignored from the scanned tree" in md.stdout and "scan.exclude" in md.stdout
    gate_md = assay("gate", "-q", "-s", "bandit", "-f", "md", cwd=repo.path)
    assert "## Warnings" in gate_md.stdout and "scan.exclude is ignored" in gate_md.stdout
    # control: nothing is said when the tree sets nothing the operator must
    repo.write("assay.toml", "[scan]\nfail_on = 'low'\n")
    repo.commit()
    quiet = assay("scan", "-q", "-s", "bandit", cwd=repo.path)
    assert "ignored" not in quiet.stdout


def test_a_configuration_change_is_a_sarif_result_that_validates(repo: GitRepo,
                                                                pr: dict[str, str],
                                                                tmp_path: Path) -> None:
    import jsonschema

    from tests.helpers import SARIF_SCHEMA

    repo.write("assay.toml", "[scan]\nexclude = ['lib']\n")
    head = repo.commit("pr")
    out = tmp_path / "gate.sarif"
    assay("gate", "-q", "-s", "bandit", "--sarif", str(out), "--diff", f"{pr['base']}..{head}",
          cwd=repo.path)
    log = json.loads(out.read_text())
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    [change] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "assay/config-change"]
    assert change["level"] == "note" and "scan.exclude" in change["message"]["text"]
