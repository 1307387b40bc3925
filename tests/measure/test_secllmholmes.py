"""Verdict drift of real LLM answers: the SecLLMHolmes determinism experiment as runs.

Each model answered the same question (is this file vulnerable?) ten times per prompt,
temperature and file. A run here is one repetition of one prompt at one temperature over
the four files: a "yes" on a file is one finding (the file's CWE and path). The prompt is
the input, so it plays the part of the commit: drift is measured per prompt and over all
prompts, per model and temperature. An answer without a verdict (`n/a`) makes that run
incomplete. Every number is checked against counts computed straight from the JSON.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from assay.formats.json import run_to_document
from assay.formats.runs_read import read_runs
from assay.measure.drift import DriftReport, measure_drift
from assay.model import Finding, Run, RunStatus
from tests.helpers import REPO_ROOT
from tests.measure.factories import finding, run

DATA = REPO_ROOT / "../shared/data/secllmholmes-determinism/"
MODELS = ("chat-bison@001", "codechat-bison@001", "codellama13b", "codellama34b",
          "codellama7b", "gpt-3.5-turbo-16k", "gpt-4", "gpt-4o-2024-11-20", "starchat-beta")

pytestmark = pytest.mark.skipif(
    not DATA.is_dir(),
    reason="SecLLMHolmes determinism data not found at ../shared/data/secllmholmes-"
           "determinism/ beside the repository")

Answers = dict[str, Any]


def load(model: str) -> Answers:
    data: Answers = json.loads((DATA / f"{model}.json").read_text())
    return data


def cells(answers: Answers, temperature: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """(prompt, cwe dir, file) -> {run: verdict lower-cased}."""
    out = {}
    for prompt, temps in answers.items():
        for cwe, files in temps[temperature].items():
            for name, runs in files.items():
                out[(prompt, cwe, name)] = {r: a["pred"].strip().lower() for r, a in runs.items()}
    return out


def to_runs(model: str, answers: Answers, temperature: str) -> list[Run]:
    """One run per (prompt, repetition): a finding for every file answered "yes"."""
    per_run: dict[tuple[str, str], list[Finding]] = {}
    missing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (prompt, cwe, name), verdicts in cells(answers, temperature).items():
        for rep, verdict in verdicts.items():
            found = per_run.setdefault((prompt, rep), [])
            if verdict == "yes":
                found.append(
                    finding(f"{cwe}/{name}", 1, cwe=int(cwe.split("-")[1]), scanner=model,
                            rule="verdict"))
            elif verdict != "no":
                missing[(prompt, rep)].append(f"{cwe}/{name}")
    runs = []
    for (prompt, rep), found in sorted(per_run.items()):
        gaps = missing.get((prompt, rep), [])
        runs.append(run(f"{model}@{temperature}/{prompt}/{rep}", found, commit=prompt,
                        scanner=model,
                        status=RunStatus.INCOMPLETE if gaps else RunStatus.COMPLETE,
                        reasons=tuple(f"no verdict for {g}" for g in gaps)))
    return runs


def imported(tmp_path: Path, model: str, temperature: str) -> list[Run]:
    """The runs written as assay.scan/1 JSON Lines and read back through the reader."""
    path = tmp_path / f"{model}-{temperature}.jsonl"
    runs = to_runs(model, load(model), temperature)
    path.write_text("".join(json.dumps(run_to_document(r, with_metrics=True)) + "\n"
                            for r in runs))
    return read_runs(path)


def expected(answers: Answers, temperature: str) -> dict[str, Any]:
    """Counts straight from the JSON: runs with a missing verdict are left out."""
    table = cells(answers, temperature)
    incomplete = {(p, r) for (p, _, _), v in table.items() for r, x in v.items()
                  if x not in ("yes", "no")}
    unstable = unanimous_yes = 0
    pair_values: list[float] = []
    prompts = sorted({p for p, _, _ in table})
    for prompt in prompts:
        reps = sorted({r for (p, _, _), v in table.items() if p == prompt for r in v})
        complete = [r for r in reps if (prompt, r) not in incomplete]
        yes_sets = {r: {(c, n) for (p, c, n), v in table.items() if p == prompt
                        and v[r] == "yes"} for r in complete}
        for (p, _, _), v in table.items():
            if p != prompt or not complete:
                continue
            yes = sum(1 for r in complete if v[r] == "yes")
            unstable += 0 < yes < len(complete)
            unanimous_yes += yes == len(complete)
        for a, b in combinations(complete, 2):
            union = yes_sets[a] | yes_sets[b]
            pair_values.append(1.0 if not union else len(yes_sets[a] & yes_sets[b]) / len(union))
    return {"incomplete": len(incomplete), "unstable": unstable, "unanimous": unanimous_yes,
            "mean": sum(pair_values) / len(pair_values) if pair_values else None,
            "pairs": len(pair_values)}


def observed(report: DriftReport) -> dict[str, Any]:
    runs_per_commit = {c.commit: len(c.measured) for c in report.commits}
    unstable = sum(v for c in report.commits for k, v in c.support.items()
                   if k < runs_per_commit[c.commit])
    unanimous = sum(c.support.get(runs_per_commit[c.commit], 0) for c in report.commits
                    if runs_per_commit[c.commit])
    j = report.jaccard
    return {"incomplete": report.status["incomplete"] + report.status["refused"],
            "unstable": unstable, "unanimous": unanimous,
            "mean": None if j is None else j.mean, "pairs": 0 if j is None else len(j.pairs)}


def test_dataset_shape() -> None:
    total = 0
    for model in MODELS:
        for temperature in ("0.0", "0.2"):
            table = cells(load(model), temperature)
            assert len(table) == 6 * 4
            total += sum(len(v) for v in table.values())
    assert total == 4320


@pytest.mark.parametrize("model", MODELS)
def test_verdict_drift_matches_independent_counts(model: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    answers = load(model)
    lines = []
    for temperature in ("0.0", "0.2"):
        runs = imported(tmp_path, model, temperature)
        assert len(runs) == 60
        report = measure_drift(runs, tolerance=0, resamples=200)
        want, got = expected(answers, temperature), observed(report)
        assert got["incomplete"] == want["incomplete"]
        assert got["unstable"] == want["unstable"]
        assert got["unanimous"] == want["unanimous"]
        assert got["pairs"] == want["pairs"]
        if want["mean"] is None:
            assert got["mean"] is None
        else:
            assert got["mean"] == pytest.approx(want["mean"])
        assert report.flips == 0  # one severity per verdict: nothing to flip
        mean = "—" if got["mean"] is None else f"{got['mean']:.3f}"
        lines.append(f"{model:20} T={temperature}  Jaccard {mean}  verdicts that "
                     f"changed between runs: {got['unstable']:2}/24  incomplete runs "
                     f"{got['incomplete']}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
