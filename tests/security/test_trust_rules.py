"""Property: whatever the tree's configuration says, the effective configuration is at
least as strict as the operator's, and every operator-only key is the operator's."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.config import validate
from assay.trust import TIGHTENING, apply_tree

THRESHOLDS = ("info", "low", "medium", "high", "critical", "none")
NAMES = ("bandit", "semgrep", "reviewer", "pwn")


def _rank(value: str) -> int:
    return THRESHOLDS.index(value)


scan_tables = st.fixed_dictionaries({}, optional={
    "fail_on": st.sampled_from(THRESHOLDS),
    "scanners": st.lists(st.sampled_from(NAMES), unique=True, max_size=4),
    "exclude": st.lists(st.sampled_from(("vendor", "lib", "*.py")), unique=True, max_size=2),
    "max_file_size": st.integers(1, 10_000_000),
    "jobs": st.integers(0, 64),
    "semgrep_timeout": st.floats(1, 5000),
    "ledger": st.sampled_from(("ci/ledger.db", "/tmp/l.db")),
})
gate_tables = st.fixed_dictionaries({}, optional={
    "fail_on": st.sampled_from(THRESHOLDS), "require_llm": st.booleans()})
scanner_tables = st.dictionaries(
    st.sampled_from(NAMES), st.sampled_from([{"skip": ["B324"]}, {"type": "command",
                                              "command": ["x"], "format": "sarif"}]),
    max_size=2)
proof_tables = st.fixed_dictionaries({}, optional={
    "python": st.just("/usr/bin/python3"), "timeout": st.floats(1, 1000),
    "memory_mb": st.integers(1, 100_000)})
tables = st.fixed_dictionaries({}, optional={
    "scan": scan_tables, "gate": gate_tables, "scanners": scanner_tables,
    "proof": proof_tables,
    "tier": st.fixed_dictionaries({}, optional={"llm_scanners": st.lists(st.sampled_from(NAMES),
                                                                         max_size=2)})})


def _keys(table: dict[str, Any]) -> list[str]:
    out = []
    for section, value in table.items():
        out += [f"{section}.{k}" for k in value]
    return out


@settings(max_examples=300, deadline=None)
@given(tables, tables)
def test_the_tree_never_loosens(operator_table: dict[str, Any], tree_table: dict[str, Any],
                                ) -> None:
    operator = validate(operator_table, "operator")
    tree = validate(tree_table, "tree")
    effective_table, ignored = apply_tree(operator, tree, _keys(tree_table), "assay.toml")
    effective = validate(effective_table, "effective")
    assert _rank(effective.scan.fail_on) <= _rank(operator.scan.fail_on)
    op_gate = operator.gate.fail_on or operator.scan.fail_on
    assert _rank(effective.gate.fail_on or effective.scan.fail_on) <= _rank(op_gate)
    assert effective.gate.require_llm >= operator.gate.require_llm
    assert set(operator.scan.scanners) <= set(effective.scan.scanners)
    for name in set(effective.scan.scanners) - set(operator.scan.scanners):
        assert name in ("bandit", "semgrep") or "type" in operator.scanners.get(name, {})
    tightenable = set(TIGHTENING)
    for section in ("scan", "gate", "proof", "tier"):
        for key, value in vars(getattr(operator, section)).items():
            if f"{section}.{key}" not in tightenable:
                assert getattr(getattr(effective, section), key) == value, (section, key)
    assert effective.scanners == operator.scanners
    # every tree value that was not applied is reported
    for key in _keys(tree_table):
        if key not in tightenable:
            section, name = key.split(".", 1)
            differs = getattr(getattr(tree, section), name) != getattr(getattr(operator, section),
                                                                         name) \
                if section != "scanners" else tree.scanners.get(name) != operator.scanners.get(name)
            assert not differs or any(i.key == key for i in ignored)
