"""The per-rule CWE table: documented, and correct where engines report the broader class."""

from __future__ import annotations

import pytest

from assay.normalize.cwe import BANDIT, bandit_cwe, mapping_markdown, parse_cwe
from tests.helpers import REPO_ROOT


def test_docs_embed_the_table() -> None:
    doc = (REPO_ROOT / "docs" / "cwe-mapping.md").read_text(encoding="utf-8")
    assert mapping_markdown() in doc


@pytest.mark.parametrize(("test_id", "cwe"), [
    ("B303", 328), ("B324", 328),                 # weak hashes, not broken ciphers
    ("B304", 327), ("B305", 327),                 # weak ciphers and modes
    ("B307", 94), ("B102", 94),                   # eval / exec
    ("B311", 330),                                # weak randomness
    ("B608", 89), ("B602", 78), ("B301", 502), ("B506", 502),
    ("B105", 798), ("B701", 79),
])
def test_precise_cwes(test_id: str, cwe: int) -> None:
    assert bandit_cwe(test_id, reported=327) == cwe


def test_every_xml_check_is_xxe() -> None:
    xml = [f"B{n}" for n in range(313, 320)] + [f"B{n}" for n in range(405, 412)]
    assert {BANDIT[t].cwe for t in xml} == {611}


def test_unmapped_check_keeps_the_engine_cwe() -> None:
    assert bandit_cwe("B999", reported=1333) == 1333
    assert bandit_cwe("B999", reported=None) is None


@pytest.mark.parametrize(("raw", "expected"), [
    (89, 89), ("89", 89), ("CWE-89", 89), ("CWE-89: SQL Injection", 89), ("cwe-22", 22),
    ("external/cwe/cwe-79", 79), (["CWE-78: OS Command Injection"], 78), ("", None),
    ("none", None), (None, None), (True, None), (0, None),
])
def test_parse_cwe(raw: object, expected: int | None) -> None:
    assert parse_cwe(raw) == expected
