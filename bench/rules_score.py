"""Score the deterministic tier on a labeled corpus, per CWE and overall.

    python bench/rules_score.py [--corpus tests/corpus] [--json out.json]

The corpus is a directory with `manifest.csv` (file, cwe, vulnerable, rule). It is
copied into a fresh git repository and scanned. A case counts as flagged when a finding
of its CWE is reported in its file (scored per file, as the hidden benchmark is).

Rows:
  assay tier          `assay scan` (Bandit + Semgrep, pre-pass, merge policy `drop`)
  bandit alone        `assay scan --scanner bandit` (assay's CWE mapping)
  semgrep, pack only  the Semgrep CLI with only src/assay/rules/*.yaml (no pre-pass)
and, to measure the pre-pass and the merge policy:
  assay semgrep       `assay scan --scanner semgrep` (pack + pre-pass)
  naive union         Bandit's and assay semgrep's findings, unmerged
  policy demote       merge with unconfirmed Bandit findings kept at low severity
  policy drop         merge with unconfirmed Bandit findings dropped (recomputed)

For each: TP/FP/FN/TN, TPR, FPR, precision with a Wilson 95% interval, TPR-FPR per CWE,
and the category-averaged TPR-FPR. Writes Markdown to stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
Flagged = set[tuple[str, int]]  # (file, cwe) pairs a tool reports


@dataclass(frozen=True)
class Case:
    """One labeled file."""

    file: str
    cwe: int
    vulnerable: bool


@dataclass(frozen=True)
class Counts:
    """Confusion counts of one tool on one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                      self.tn + other.tn)

    @property
    def tpr(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def score(self) -> float:
        return self.tpr - self.fpr


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def load_cases(corpus: Path) -> list[Case]:
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return [Case(r["file"], int(r["cwe"]), r["vulnerable"] == "true")
                for r in csv.DictReader(handle)]


def prepare(corpus: Path, work: Path) -> Path:
    repo = work / "corpus"
    shutil.copytree(corpus, repo)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=GIT_ENV)
    return repo


def assay_findings(repo: Path, *scanners: str) -> list[dict[str, Any]]:
    cmd = [str(BIN / "assay"), "scan", str(repo), "-f", "json", "--no-record", "--no-cache",
           "-q", "--fail-on", "none"]
    for name in scanners:
        cmd += ["--scanner", name]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    findings: list[dict[str, Any]] = json.loads(out.stdout)["findings"]
    return findings


def semgrep_pack_only(repo: Path) -> Flagged:
    from assay.normalize.cwe import parse_cwe
    from assay.scanners.semgrep import load_rules, rule_files

    rules = rule_files()
    cmd = [str(BIN / "semgrep"), "scan", "--json", "--quiet", "--metrics=off",
           "--disable-version-check", "--no-git-ignore"]
    for rule in rules:
        cmd += ["--config", str(rule)]
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    (repo / ".semgrepignore").write_text("")  # scan everything, as assay does
    out = subprocess.run([*cmd, "."], cwd=repo, capture_output=True, text=True, env=env,
                         check=False)
    meta = load_rules(rules).meta()
    flagged: Flagged = set()
    for result in json.loads(out.stdout)["results"]:
        rule = next((m for r, m in meta.items() if result["check_id"].endswith(r)), None)
        cwe = rule.cwe if rule else parse_cwe(result["extra"].get("metadata", {}).get("cwe"))
        if cwe is not None:
            flagged.add((result["path"].removeprefix("./"), cwe))
    return flagged


def flagged_of(findings: Iterable[dict[str, Any]]) -> Flagged:
    return {(f["path"], f["cwe"]) for f in findings if f["cwe"] is not None}


def merged(findings: list[dict[str, Any]], policy: str) -> Flagged:
    from assay.formats.json import finding_from_dict
    from assay.normalize.merge import Engines, MergePolicy, merge_findings
    from assay.scanners.bandit import GATED_BY_DATAFLOW
    from assay.scanners.semgrep import load_rules, rule_files

    engines = Engines("bandit", "semgrep", frozenset(GATED_BY_DATAFLOW))
    outcome = merge_findings([finding_from_dict(f) for f in findings],
                             load_rules(rule_files()).gated_cwes(), engines, MergePolicy(policy))
    return {(f.path, f.cwe) for f in outcome.findings if f.cwe is not None}


def score(cases: list[Case], flagged: Flagged) -> dict[int, Counts]:
    per: dict[int, Counts] = {}
    for case in cases:
        hit = (case.file, case.cwe) in flagged
        delta = Counts(tp=int(hit and case.vulnerable), fp=int(hit and not case.vulnerable),
                       fn=int(not hit and case.vulnerable), tn=int(not hit and not case.vulnerable))
        per[case.cwe] = per.get(case.cwe, Counts()) + delta
    return per


def _fmt_precision(c: Counts) -> str:
    if c.precision is None:
        return "n/a"
    low, high = wilson(c.tp, c.tp + c.fp)
    return f"{c.precision:.2f} [{low:.2f}, {high:.2f}]"


def table(name: str, per: dict[int, Counts]) -> str:
    lines = [f"### {name}", "", "| CWE | TP | FP | FN | TN | TPR | FPR | precision [95% CI] | "
             "TPR-FPR |", "|---|---|---|---|---|---|---|---|---|"]
    for cwe, c in sorted(per.items()):
        lines.append(f"| {cwe} | {c.tp} | {c.fp} | {c.fn} | {c.tn} | {c.tpr:.2f} | {c.fpr:.2f} "
                     f"| {_fmt_precision(c)} | {c.score:+.2f} |")
    total = sum(per.values(), Counts())
    average = sum(c.score for c in per.values()) / len(per)
    lines.append(f"| **all** | {total.tp} | {total.fp} | {total.fn} | {total.tn} | "
                 f"{total.tpr:.2f} | {total.fpr:.2f} | {_fmt_precision(total)} | "
                 f"**{average:+.2f}** (category average) |")
    return "\n".join(lines) + "\n"


def summary(rows: dict[str, dict[int, Counts]]) -> str:
    lines = ["| tool | TP | FP | FN | TN | precision [95% CI] | category-averaged TPR-FPR |",
             "|---|---|---|---|---|---|---|"]
    for name, per in rows.items():
        total = sum(per.values(), Counts())
        average = sum(c.score for c in per.values()) / len(per)
        lines.append(f"| {name} | {total.tp} | {total.fp} | {total.fn} | {total.tn} | "
                     f"{_fmt_precision(total)} | {average:+.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--json", type=Path, help="also write the counts as JSON here")
    args = parser.parse_args()
    cases = load_cases(args.corpus)
    with tempfile.TemporaryDirectory(prefix="rules-score-") as tmp:
        repo = prepare(args.corpus, Path(tmp))
        tier = assay_findings(repo)
        bandit = assay_findings(repo, "bandit")
        semgrep = assay_findings(repo, "semgrep")
        pack_only = semgrep_pack_only(repo)
    rows = {
        "assay tier": score(cases, flagged_of(tier)),
        "bandit alone": score(cases, flagged_of(bandit)),
        "semgrep, pack only": score(cases, pack_only),
        "assay semgrep (pack + pre-pass)": score(cases, flagged_of(semgrep)),
        "naive union (no merge)": score(cases, flagged_of(bandit + semgrep)),
        "merge policy demote": score(cases, merged(bandit + semgrep, "demote")),
        "merge policy drop": score(cases, merged(bandit + semgrep, "drop")),
    }
    safe = sum(not c.vulnerable for c in cases)
    print(f"Corpus: {len(cases)} cases ({len(cases) - safe} vulnerable, {safe} safe), "
          f"{len({c.cwe for c in cases})} CWE categories.\n")
    print(summary(rows))
    for name in ("assay tier", "bandit alone", "semgrep, pack only"):
        print(table(name, rows[name]))
    if args.json:
        args.json.write_text(json.dumps(
            {name: {str(cwe): vars(c) for cwe, c in per.items()} for name, per in rows.items()},
            indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
