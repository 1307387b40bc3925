"""The labeled corpus: manifest rows, and `assay scan` run over a copy of it."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import GitRepo

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MANIFEST = CORPUS / "manifest.csv"


@dataclass(frozen=True)
class Case:
    """One labeled file: its CWE, whether it is vulnerable, and the rule it exercises."""

    file: str
    cwe: int
    vulnerable: bool
    rule: str


def load_cases() -> list[Case]:
    """Every row of the manifest."""
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return [Case(row["file"], int(row["cwe"]), row["vulnerable"] == "true", row["rule"])
                for row in csv.DictReader(handle)]


def assay_binary() -> str:
    """The `assay` entry point installed beside the running interpreter."""
    return str(Path(sys.executable).parent / "assay")


def scan_corpus(workdir: Path, *scanners: str, config: str = "") -> dict[str, Any]:
    """Copy the corpus into a fresh git repository and `assay scan` it (with `config` as
    the operator's configuration); the JSON document."""
    repo = GitRepo(workdir / "corpus")
    shutil.copytree(CORPUS, repo.path, dirs_exist_ok=True)
    repo.commit("corpus")
    cmd = [assay_binary(), "scan", str(repo.path), "-f", "json", "--no-record", "--no-cache",
           "--quiet", "--fail-on", "none"]
    if config:
        operator = workdir / "operator.toml"
        operator.write_text(config, encoding="utf-8")
        cmd += ["--config", str(operator)]
    for name in scanners:
        cmd += ["--scanner", name]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    assert out.returncode == 0, out.stderr
    document: dict[str, Any] = json.loads(out.stdout)
    return document


def findings_in(document: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The findings of one file."""
    return [f for f in document["findings"] if f["path"] == path]
