"""Configuration of LLM scanners is validated when the scanner is built."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assay.config import Config
from assay.scanners.interface import ScannerError
from assay.scanners.llm.prompt import load_pack
from assay.scanners.registry import build_scanner
from tests.helpers import GitRepo


@pytest.mark.parametrize(("table", "message"), [
    ({"type": "llm", "provider": "openai"}, "scanners.x.model: Field required"),
    ({"type": "llm", "provider": "bard", "model": "m"}, "scanners.x.provider"),
    ({"type": "llm", "provider": "openai", "model": "m", "budget": {"max_cost": 1.0}},
     "budget.max_cost needs a price table"),
    ({"type": "llm", "provider": "openai", "model": "m", "prompt": "security-review"},
     "not a pinned pack reference"),
    ({"type": "llm", "provider": "openai", "model": "m", "prompt": "nope@1.0.0"},
     "unknown prompt pack"),
    ({"type": "llm", "provider": "openai", "model": "m", "temperatur": 0},
     "unknown key 'temperatur' in \\[scanners.x\\]; did you mean 'temperature'\\?"),
    ({"type": "llm", "provider": "openai", "modle": "m"},
     "unknown key 'modle' in \\[scanners.x\\]; did you mean 'model'\\?"),
])
def test_bad_tables_are_scanner_errors(table: dict[str, object], message: str) -> None:
    with pytest.raises(ScannerError, match=message):
        build_scanner("x", Config(scanners={"x": table}))


def test_bare_llm_scanner_explains_what_is_missing(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    out = subprocess.run([sys.executable, "-m", "assay", "scan", str(repo.path), "-s", "llm"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "scanners.llm" in out.stderr and "hint:" in out.stderr


def test_prompt_pack_is_versioned_and_hashed() -> None:
    pack = load_pack("security-review@1.0.0")
    assert pack.ref == "security-review@1.0.0" and len(pack.sha256) == 64
    import hashlib

    assert hashlib.sha256(pack.text.encode()).hexdigest() == pack.sha256
    assert "{scope}" in pack.plan and "{scope}" not in pack.render_plan("FILES", "")
