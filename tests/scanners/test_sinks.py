"""Sink wrappers: the rule's sinks read as call signatures, matched against project code."""

from __future__ import annotations

import pytest
import yaml

from assay.config import Config
from assay.scanners.interface import ScannerError
from assay.scanners.registry import build_scanner
from assay.scanners.semgrep import RULES_DIR
from assay.scanners.semgrep._sinks import SinkSignature, find_wrappers, signatures
from assay.scanners.semgrep._summaries import summarize

PACK = {r["id"]: r for r in yaml.safe_load((RULES_DIR / "taint.yaml").read_text())["rules"]}
CMDI = "assay.python.command-injection.taint"
LDAP = "assay.python.ldap-injection.taint"

HELPERS = '''\
import subprocess


def run_tool(args):
    return subprocess.check_output("tool " + args, shell=True)


def run_list(args):
    return subprocess.check_output(["tool", args])


def outer(value):
    return run_tool(value.strip())


def quoted(args):
    import shlex
    return subprocess.check_output("tool " + shlex.quote(args), shell=True)


def lookup(db, key):
    return db.delete(key)


def use():
    outer("x"); run_list("y"); quoted("z"); lookup(None, "k")
'''


def test_signatures_are_read_off_the_sink_patterns() -> None:
    sigs = signatures(PACK[CMDI])
    assert SinkSignature(callee=r"os\.system", position=0) in sigs
    shell = [s for s in sigs if s.required == ("shell",)]
    assert shell and shell[0].position == 0


def test_wrappers_are_found_to_a_fixpoint_and_need_the_shell() -> None:
    summaries = summarize({"tools.py": HELPERS}, ["tools.py"])
    found = find_wrappers(CMDI, signatures(PACK[CMDI]), summaries.call_index, lambda w: True)
    assert [(w.function, w.param) for w in found] == [("tools.outer", "value"),
                                                      ("tools.run_tool", "args")]


def test_receiver_patterns_are_honored() -> None:
    summaries = summarize({"tools.py": HELPERS}, ["tools.py"])
    found = find_wrappers(LDAP, signatures(PACK[LDAP]), summaries.call_index, lambda w: True)
    assert found == []  # db.delete is not an LDAP connection


def test_unknown_bandit_policy_is_a_configuration_error() -> None:
    config = Config(scanners={"semgrep": {"bandit_findings": "sometimes"}})
    with pytest.raises(ScannerError, match="bandit_findings"):
        build_scanner("semgrep", config)
