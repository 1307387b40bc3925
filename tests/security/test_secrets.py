"""No secret of the job's environment reaches a program assay starts for the scan."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import GitRepo
from tests.scanners.test_bad_input import WEAK_HASH, assay

TOKEN = "ghp_" + "Z9y8X7w6" * 4


def test_semgrep_gets_no_secret(repo: GitRepo, tmp_path: Path) -> None:
    seen = tmp_path / "semgrep-env"
    fake = tmp_path / "semgrep"
    fake.write_text(f"#!/bin/sh\nenv >> {seen}\n"
                    "if [ \"$1\" = --version ]; then echo 1.0.0; exit 0; fi\nexit 2\n")
    fake.chmod(0o755)
    repo.write("a.py", WEAK_HASH)
    repo.commit()
    assay("scan", "-q", "-s", "semgrep", cwd=repo.path,
          env={"ASSAY_SEMGREP": str(fake), "GITHUB_TOKEN": TOKEN, "OPENAI_API_KEY": "sk-x"})
    text = seen.read_text()
    assert "PATH=" in text  # control: the fake was run and wrote its environment
    assert TOKEN not in text and "OPENAI_API_KEY" not in text and "GITHUB_TOKEN" not in text
