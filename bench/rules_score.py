"""Score the deterministic tier on the labeled corpora, per CWE and overall.

    python bench/rules_score.py [--part apps|single|both] [--corpus tests/corpus]
                                [--json out.json]

Two corpora, reported separately:

- The corpus applications (tests/corpus_apps/): four multi-file applications (Flask,
  Django, FastAPI, aiohttp), each a vulnerable and a fixed tree, each tree scanned as its
  own git repository. Labeled sites (tests/corpus_apps/manifest.csv, see
  tests/rules/apps.py): every true bug of a vulnerable tree, the line that fixes it in the
  fixed tree, and safe look-alikes in both. Scored per site and finding: a bug site with a
  finding of its CWE (at its line or an accepted alternative place) is a TP, without one
  a FN; a fixed line or look-alike without a finding of its CWE is a TN; every other
  finding with a CWE is a FP (on a fixed line or look-alike, a second finding of a bug
  already found, or anywhere unlabeled: the labels are the whole truth).
- The single-file corpus (tests/corpus/, `manifest.csv`: file, cwe, vulnerable, rule):
  copied into one git repository and scanned; a case counts as flagged when a finding of
  its CWE is reported in its file (scored per file, as the hidden benchmark is).

Rows:
  assay tier          `assay scan` (Bandit + Semgrep, pre-pass, merged)
  bandit alone        `assay scan --scanner bandit` (assay's CWE mapping)
  semgrep, pack only  the Semgrep CLI with only src/assay/rules/*.yaml (no pre-pass)
For the applications also the tier and Bandit counting only blocking findings (high and
critical, what the default gate fails on). For the single-file corpus also, to measure
the pre-pass and the merge policy:
  assay semgrep       `assay scan --scanner semgrep` (pack + pre-pass)
  naive union         Bandit's and assay semgrep's findings, unmerged
  policy demote       merge with unconfirmed Bandit findings kept at low severity
                      (the merge alone: the tier row also applies the severity policy,
                      which leaves out those on constant values)
  policy drop         merge with unconfirmed Bandit findings dropped (recomputed)

For each: TP/FP/FN/TN, precision and recall (TPR) with Wilson 95% intervals, FPR and
TPR-FPR per CWE, and TPR-FPR averaged over the CWEs with labeled bugs (the category
average). Writes Markdown to stdout.
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
sys.path.insert(0, str(ROOT))

from tests.rules.apps import (  # noqa: E402
    APPS,
    VERSIONS,
    Reported,
    Site,
    app_repo,
    load_sites,
    match,
    reported,
    scan_repo,
)

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


PerCwe = dict[int, Counts]


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


# ---- scanning ---------------------------------------------------------------------------

def git_repo(source: Path, repo: Path) -> Path:
    """Copy `source` into a fresh git repository at `repo` with one commit."""
    shutil.copytree(source, repo)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=GIT_ENV)
    return repo


def assay_findings(repo: Path, *scanners: str) -> list[dict[str, Any]]:
    """The findings of `assay scan` (with these scanners; the default tier without)."""
    findings: list[dict[str, Any]] = scan_repo(repo, *scanners)["findings"]
    return findings


def semgrep_pack_only(repo: Path) -> list[Reported]:
    """The Semgrep CLI with the rule pack as it is (no pre-pass, no merge)."""
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
    (repo / ".semgrepignore").unlink()
    meta = load_rules(rules).meta()
    found = []
    for result in json.loads(out.stdout)["results"]:
        rule = next((m for r, m in meta.items() if result["check_id"].endswith(r)), None)
        cwe = rule.cwe if rule else parse_cwe(result["extra"].get("metadata", {}).get("cwe"))
        severity = result["extra"].get("metadata", {}).get("assay-severity", "high")
        found.append(Reported(result["path"].removeprefix("./"), result["start"]["line"], cwe,
                              str(severity), result["check_id"]))
    return found


# ---- the corpus applications ----------------------------------------------------------

def score_sites(sites: list[Site], findings: Iterable[Reported]) -> PerCwe:
    """Per CWE counts of one application version (see the module docstring)."""
    matching = match(sites, [f for f in findings if f.cwe is not None])
    per: PerCwe = {}

    def add(cwe: int, delta: Counts) -> None:
        per[cwe] = per.get(cwe, Counts()) + delta

    for site, found in matching.by_site.items():
        if site.label == "vulnerable":
            add(site.cwe, Counts(tp=1, fp=len(found) - 1) if found else Counts(fn=1))
        else:
            add(site.cwe, Counts(fp=len(found)) if found else Counts(tn=1))
    for finding in matching.unmatched:
        assert finding.cwe is not None
        add(finding.cwe, Counts(fp=1))
    return per


def merge_per(parts: Iterable[PerCwe]) -> PerCwe:
    """The sum of several per-CWE counts."""
    total: PerCwe = {}
    for part in parts:
        for cwe, counts in part.items():
            total[cwe] = total.get(cwe, Counts()) + counts
    return total


def score_apps(work: Path) -> dict[str, dict[str, dict[str, PerCwe]]]:
    """tool -> version -> app -> per-CWE counts, every application version scanned by
    every tool."""
    sites = load_sites()
    result: dict[str, dict[str, dict[str, PerCwe]]] = {}
    for app in APPS:
        for version in VERSIONS:
            repo = app_repo(app, version, work)
            tier = reported({"findings": assay_findings(repo)})
            bandit = reported({"findings": assay_findings(repo, "bandit")})
            runs = {
                "assay tier": tier,
                "assay tier, blocking only": [f for f in tier if f.blocking],
                "bandit alone": bandit,
                "bandit alone, blocking only": [f for f in bandit if f.blocking],
                "semgrep, pack only": semgrep_pack_only(repo),
            }
            own = [s for s in sites if (s.app, s.version) == (app, version)]
            for tool, findings in runs.items():
                result.setdefault(tool, {}).setdefault(version, {})[app] = \
                    score_sites(own, findings)
            print(f"scanned {app} ({version})", file=sys.stderr)
    return result


def apps_report(scores: dict[str, dict[str, dict[str, PerCwe]]]) -> str:
    """The applications' section of the report."""
    sites = load_sites()
    bugs = sum(s.label == "vulnerable" for s in sites)
    fixed = sum(s.label == "fixed" for s in sites)
    safe = sum(s.label == "safe" for s in sites)
    out = ["## Corpus applications (tests/corpus_apps)", "",
           f"{len(APPS)} applications, each a vulnerable and a fixed tree; {bugs} labeled bugs "
           f"in {len({s.cwe for s in sites if s.label == 'vulnerable'})} CWE categories, "
           f"{fixed} fixed lines, {safe} look-alike sites (both trees). Every finding that "
           "matches no labeled bug is a false positive.", ""]
    rows: dict[str, PerCwe] = {}
    for tool, by_version in scores.items():
        for version in (*VERSIONS, "both"):
            chosen = VERSIONS if version == "both" else (version,)
            rows[f"{tool} ({version})"] = merge_per(
                per for v in chosen for per in by_version[v].values())
    out += [summary(rows), "### assay tier per application (both trees)", "",
            summary({app: merge_per(scores["assay tier"][v][app] for v in VERSIONS)
                     for app in APPS})]
    for tool in ("assay tier", "assay tier, blocking only", "bandit alone",
                 "semgrep, pack only"):
        out.append(table(f"{tool} (both trees)", rows[f"{tool} (both)"]))
    return "\n".join(out)


# ---- the single-file corpus -----------------------------------------------------------

def load_cases(corpus: Path) -> list[Case]:
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return [Case(r["file"], int(r["cwe"]), r["vulnerable"] == "true")
                for r in csv.DictReader(handle)]


def flagged_of(findings: Iterable[dict[str, Any]]) -> Flagged:
    return {(f["path"], f["cwe"]) for f in findings if f["cwe"] is not None}


def merged(findings: list[dict[str, Any]], policy: str) -> Flagged:
    from assay.formats.json import finding_from_dict
    from assay.normalize.merge import Engines, MergePolicy, merge_findings
    from assay.scanners.bandit import GATED_BY_DATAFLOW, IMPORT_CHECKS
    from assay.scanners.semgrep import load_rules, rule_files

    engines = Engines("bandit", "semgrep", frozenset(GATED_BY_DATAFLOW), IMPORT_CHECKS)
    outcome = merge_findings([finding_from_dict(f) for f in findings],
                             load_rules(rule_files()).gated_cwes(), engines, MergePolicy(policy))
    return {(f.path, f.cwe) for f in outcome.findings if f.cwe is not None}


def score(cases: list[Case], flagged: Flagged) -> PerCwe:
    per: PerCwe = {}
    for case in cases:
        hit = (case.file, case.cwe) in flagged
        delta = Counts(tp=int(hit and case.vulnerable), fp=int(hit and not case.vulnerable),
                       fn=int(not hit and case.vulnerable), tn=int(not hit and not case.vulnerable))
        per[case.cwe] = per.get(case.cwe, Counts()) + delta
    return per


def score_single(corpus: Path, work: Path) -> tuple[list[Case], dict[str, PerCwe]]:
    """The single-file corpus scanned by every tool."""
    cases = load_cases(corpus)
    repo = git_repo(corpus, work / "corpus")
    tier = assay_findings(repo)
    bandit = assay_findings(repo, "bandit")
    semgrep = assay_findings(repo, "semgrep")
    pack_only = {(f.file, f.cwe) for f in semgrep_pack_only(repo) if f.cwe is not None}
    return cases, {
        "assay tier": score(cases, flagged_of(tier)),
        "bandit alone": score(cases, flagged_of(bandit)),
        "semgrep, pack only": score(cases, pack_only),
        "assay semgrep (pack + pre-pass)": score(cases, flagged_of(semgrep)),
        "naive union (no merge)": score(cases, flagged_of(bandit + semgrep)),
        "merge policy demote": score(cases, merged(bandit + semgrep, "demote")),
        "merge policy drop": score(cases, merged(bandit + semgrep, "drop")),
    }


def single_report(cases: list[Case], rows: dict[str, PerCwe]) -> str:
    """The single-file corpus' section of the report."""
    safe = sum(not c.vulnerable for c in cases)
    out = ["## Single-file corpus (tests/corpus)", "",
           f"{len(cases)} cases ({len(cases) - safe} vulnerable, {safe} safe), "
           f"{len({c.cwe for c in cases})} CWE categories; written together with the rules, "
           "so an upper bound.", "", summary(rows)]
    for name in ("assay tier", "bandit alone", "semgrep, pack only"):
        out.append(table(name, rows[name]))
    return "\n".join(out)


# ---- tables -----------------------------------------------------------------------------

def _ci(successes: int, total: int) -> str:
    if total == 0:
        return "n/a"
    low, high = wilson(successes, total)
    return f"{successes / total:.2f} [{low:.2f}, {high:.2f}]"


def category_average(per: PerCwe) -> float:
    """TPR-FPR averaged over the CWEs with labeled bugs (a CWE with false positives only,
    such as Bandit's asserts in tests, counts in the totals, not in the average)."""
    scored = [c for c in per.values() if c.tp + c.fn]
    return sum(c.score for c in scored) / len(scored) if scored else 0.0


def table(name: str, per: PerCwe) -> str:
    lines = [f"### {name}", "", "| CWE | TP | FP | FN | TN | precision [95% CI] | "
             "recall [95% CI] | FPR | TPR-FPR |", "|---|---|---|---|---|---|---|---|---|"]
    for cwe, c in sorted(per.items()):
        lines.append(f"| {cwe} | {c.tp} | {c.fp} | {c.fn} | {c.tn} | {_ci(c.tp, c.tp + c.fp)} "
                     f"| {_ci(c.tp, c.tp + c.fn)} | {c.fpr:.2f} | {c.score:+.2f} |")
    total = sum(per.values(), Counts())
    lines.append(f"| **all** | {total.tp} | {total.fp} | {total.fn} | {total.tn} | "
                 f"{_ci(total.tp, total.tp + total.fp)} | {_ci(total.tp, total.tp + total.fn)} "
                 f"| {total.fpr:.2f} | **{category_average(per):+.2f}** (category average) |")
    return "\n".join(lines) + "\n"


def summary(rows: dict[str, PerCwe]) -> str:
    lines = ["| tool | TP | FP | FN | TN | precision [95% CI] | recall [95% CI] | "
             "category-averaged TPR-FPR |", "|---|---|---|---|---|---|---|---|"]
    for name, per in rows.items():
        total = sum(per.values(), Counts())
        lines.append(f"| {name} | {total.tp} | {total.fp} | {total.fn} | {total.tn} | "
                     f"{_ci(total.tp, total.tp + total.fp)} | "
                     f"{_ci(total.tp, total.tp + total.fn)} | {category_average(per):+.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("apps", "single", "both"), default="both")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--json", type=Path, help="also write the counts as JSON here")
    args = parser.parse_args()
    counts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="rules-score-") as tmp:
        if args.part in ("apps", "both"):
            apps = score_apps(Path(tmp) / "apps")
            print(apps_report(apps))
            counts["apps"] = {tool: {version: {app: {str(cwe): vars(c) for cwe, c in per.items()}
                                               for app, per in by_app.items()}
                                     for version, by_app in by_version.items()}
                              for tool, by_version in apps.items()}
        if args.part in ("single", "both"):
            cases, rows = score_single(args.corpus, Path(tmp))
            print(single_report(cases, rows))
            counts["single"] = {name: {str(cwe): vars(c) for cwe, c in per.items()}
                                for name, per in rows.items()}
    if args.json:
        args.json.write_text(json.dumps(counts, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
