"""A proven LLM finding cannot be masked by a deterministic finding that shares its
fingerprint (same path, CWE and code)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assay.app.gate import _llm_items
from assay.ledger import open_ledger
from assay.model import Finding
from assay.repo.snapshot import open_snapshot
from assay.workflow.lifecycle import Lifecycle
from assay.workflow.states import State
from tests.helpers import GitRepo
from tests.workflow.factories import finding, llm_finding, run
from tests.workflow.test_lifecycle import proof

FP = "ef" * 16
CODE = "db.execute(\"SELECT * FROM t WHERE n = '\" + name + \"'\")"


def _with_snippet(f: Finding) -> Finding:
    return replace(f, snippet=CODE)


def test_a_deterministic_twin_does_not_hide_a_proven_llm_finding(repo: GitRepo,
                                                                 tmp_path: Path) -> None:
    repo.write("app.py", f"import db\n\n\ndef q(name):\n    return {CODE}\n")
    repo.commit()
    snapshot = open_snapshot(repo.path)
    with open_ledger(tmp_path / "ledger.db") as store:
        store.record_run(run([_with_snippet(llm_finding(FP, line=5))]))
        life = Lifecycle(store)
        life.sync()
        life.record_proof(proof(FP, "proven"))
        life.transition(FP, State.PROVEN, "ci", "proof failed", proof_id="p1")
        twin = _with_snippet(finding(line=5, fp=FP))  # Bandit's B608 on the same line
        items = _llm_items(run([twin], run_id="r2"), life, snapshot)
        assert [(i.finding.fingerprint, i.state, i.seen) for i in items] == \
            [(FP, State.PROVEN, "still-present")]
        # control: once the code is gone, nothing is still present
        repo.write("app.py", "import db\n")
        repo.commit()
        assert _llm_items(run([twin], run_id="r3"), life, open_snapshot(repo.path)) == []
