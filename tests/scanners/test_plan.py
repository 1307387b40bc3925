"""The Semgrep scanner's plan: the pack read once a scan (not at all when nothing changed),
and one scanner per run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assay.api import scan
from assay.scanners.semgrep import RULES_DIR, SemgrepScanner, _pack, rule_files
from tests.helpers import VULNERABLE_APP, GitRepo, operator_config

HELPER = "from flask import request\n\n\ndef get_param(name):\n    return request.args.get(name)\n"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each rule file of the pack is parsed."""
    counted: Counter[str] = Counter()
    original = _pack.parse_rules

    def parse(path: Path, text: str) -> list[_pack.Rule]:
        if path.parent == RULES_DIR:
            counted[path.name] += 1
        return original(path, text)

    monkeypatch.setattr(_pack, "parse_rules", parse)
    return counted


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[SemgrepScanner]:
    """Every Semgrep scanner built."""
    made: list[SemgrepScanner] = []
    original = SemgrepScanner.__init__

    def init(self: SemgrepScanner, *args: object, **kwargs: object) -> None:
        made.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SemgrepScanner, "__init__", init)
    return made


@pytest.mark.parametrize("config", ["", "[scanners.semgrep]\nslicing = false\n",
                                    "[scanners.semgrep]\nsummaries = false\n"])
def test_a_scan_reads_the_pack_once_and_builds_one_scanner(
        repo: GitRepo, reads: Counter[str], built: list[SemgrepScanner], config: str) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("helpers.py", HELPER)
    repo.commit()
    operator_config(repo, config)
    run = scan(repo.path, scanners=["semgrep"], record=False).run
    assert run.findings and run.complete
    assert reads == Counter({p.name: 1 for p in rule_files()})
    assert len(built) == 1


def test_a_rescan_without_changes_reads_no_rules(repo: GitRepo, reads: Counter[str]) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.write("helpers.py", HELPER)
    repo.commit()
    first = scan(repo.path, scanners=["semgrep"], record=False).run
    reads.clear()
    again = scan(repo.path, scanners=["semgrep"], record=False).run
    assert reads == Counter()
    assert again.findings == first.findings
    assert again.provenance.extra == first.provenance.extra
    # without the cache, the pack is read again, once
    scan(repo.path, scanners=["semgrep"], record=False, no_cache=True)
    assert reads == Counter({p.name: 1 for p in rule_files()})
