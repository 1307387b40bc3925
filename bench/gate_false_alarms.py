"""The default gate on real applications: blocking findings per 10,000 lines and the
share of them that are false alarms, before and after a change to the rules.

    python bench/gate_false_alarms.py --apps DIR [--base-rev REV] [--out FILE]

`bench/triage/apps.csv` names the applications (well-maintained open-source web
applications, several frameworks) and the commit of each; DIR holds a git checkout of
each at that commit, in a folder named like the app (the script clones missing ones from
their repository). Each is scanned with the default configuration by this checkout and,
with `--base-rev`, by that earlier commit of assay (exported from this repository's
history and run from source, as bench/ab_scan.py does). Every blocking finding (at or
above the default threshold, `high`) is looked up in `bench/triage/triage.csv`, the
verdicts of a person who read the code: `true` (a real flaw), `false` (a false alarm);
the place of a real flaw is recorded as a digest of (app, rule, file:line).
A blocking finding nobody has triaged yet is counted and listed as `untriaged`.

Real flaws are recorded by class and count only: no detail of an unfixed bug in other
people's code goes into this repository.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TRIAGE = HERE / "bench" / "triage"
BLOCKING = ("high", "critical")
PER_LINES = 10_000


@dataclass(frozen=True)
class App:
    """One application of the triage: where it comes from and which commit."""

    name: str
    framework: str
    repository: str
    commit: str


@dataclass
class Tally:
    """The blocking findings of one scan of one application, by verdict."""

    lines: int
    verdicts: dict[str, int] = field(default_factory=lambda: {"true": 0, "false": 0,
                                                              "untriaged": 0})
    untriaged: list[str] = field(default_factory=list)
    listed: dict[str, int] = field(default_factory=dict)  # every finding, by severity

    @property
    def blocking(self) -> int:
        """All blocking findings."""
        return sum(self.verdicts.values())

    def per_10k(self, verdict: str | None = None) -> float:
        """Blocking findings (of one verdict) per 10,000 lines."""
        count = self.blocking if verdict is None else self.verdicts[verdict]
        return count * PER_LINES / self.lines if self.lines else 0.0


def load_apps(path: Path = TRIAGE / "apps.csv") -> list[App]:
    """The applications of the triage."""
    with path.open(newline="") as handle:
        return [App(r["app"], r["framework"], r["repository"], r["commit"])
                for r in csv.DictReader(handle)]


def load_verdicts(path: Path = TRIAGE / "triage.csv") -> dict[tuple[str, str, str], str]:
    """(app, rule, file:line) -> `true` or `false`."""
    with path.open(newline="") as handle:
        return {(r["app"], r["rule"], r["location"]): r["verdict"].strip().lower()
                for r in csv.DictReader(handle)}


def hidden(app: str, rule: str, location: str) -> str:
    """How the triage names the place of a real flaw: a digest, so the repository holds
    no location of an unfixed bug in other people's code."""
    digest = hashlib.sha256(f"{app}|{rule}|{location}".encode()).hexdigest()[:20]
    return f"sha256:{digest}"


def checkout(app: App, apps_dir: Path) -> Path:
    """The application's tree at its commit (cloned when missing)."""
    target = apps_dir / app.name
    if not (target / ".git").exists():
        subprocess.run(["git", "clone", "-q", app.repository, str(target)], check=True)
        subprocess.run(["git", "-C", str(target), "checkout", "-q", app.commit], check=True)
    return target


def python_lines(tree: Path) -> int:
    """Lines of the Python files git tracks in `tree`."""
    names = subprocess.run(["git", "-C", str(tree), "ls-files", "-z", "*.py"], check=True,
                           capture_output=True).stdout.split(b"\0")
    total = 0
    for name in filter(None, names):
        try:
            total += (tree / name.decode()).read_bytes().count(b"\n")
        except OSError:
            continue
    return total


def source_of(rev: str | None) -> Path:
    """assay's source: this checkout's, or `rev` exported from its history."""
    if rev is None:
        return HERE / "src"
    target = Path(tempfile.gettempdir()) / f"assay-gate-base-{rev}"
    if not (target / "src" / "assay").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(HERE), "archive", rev, "src"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def scan(tree: Path, src: Path, state: Path) -> list[dict[str, object]]:
    """The findings of a default `assay scan` of `tree` by the assay in `src`."""
    env = {**os.environ, "PYTHONPATH": str(src), "ASSAY_CACHE_DIR": str(state / "cache"),
           "ASSAY_STATE_DIR": str(state / "state")}
    env.pop("ASSAY_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "assay", "scan", "-q", "-f", "json",
                           "--no-record", "--fail-on", "none", "."], cwd=tree, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"scan of {tree} failed: {proc.stderr.strip()[-500:]}")
    report = json.loads(proc.stdout)
    status = str(report.get("run", {}).get("status", ""))
    if status != "complete":
        # (a scanner that timed out on a busy machine leaves findings out: counting
        # such a run would report false alarms removed that were only not looked for)
        raise SystemExit(f"scan of {tree} was {status or 'of unknown status'}: rerun it")
    findings: list[dict[str, object]] = report["findings"]
    return findings


def tally(app: App, findings: list[dict[str, object]], lines: int,
          verdicts: dict[tuple[str, str, str], str]) -> Tally:
    """The blocking findings of one scan, by verdict."""
    result = Tally(lines)
    for finding in findings:
        severity = str(finding["severity"])
        result.listed[severity] = result.listed.get(severity, 0) + 1
        if severity not in BLOCKING:
            continue
        location = f"{finding['path']}:{finding['start_line']}"
        rule = str(finding["rule_id"])
        verdict = verdicts.get((app.name, rule, location)) or \
            verdicts.get((app.name, rule, hidden(app.name, rule, location)), "untriaged")
        result.verdicts[verdict if verdict in result.verdicts else "untriaged"] += 1
        if verdict not in ("true", "false"):
            result.untriaged.append(f"{app.name},{app.commit},{finding['rule_id']},{location}")
    return result


def _rate(tallies: list[Tally], verdict: str | None) -> float:
    lines = sum(t.lines for t in tallies)
    count = sum(t.blocking if verdict is None else t.verdicts[verdict] for t in tallies)
    return count * PER_LINES / lines if lines else 0.0


def _share(tallies: list[Tally]) -> str:
    blocking = sum(t.blocking for t in tallies)
    false = sum(t.verdicts["false"] for t in tallies)
    return f"{false / blocking:.0%}" if blocking else "n/a"


def report(apps: list[App], results: dict[str, dict[str, Tally]]) -> str:
    """The Markdown table: per app and in all, for each version scanned."""
    versions = list(next(iter(results.values())).keys())
    head = ["| app | framework | lines |"]
    for version in versions:
        head.append(f" {version}: blocking (true/false/untriaged) | per 10k lines | "
                    "false alarms per 10k |")
    rows = ["".join(head), "|---|---|---|" + "---|---|---|" * len(versions)]
    for app in apps:
        cells = [f"| {app.name} | {app.framework} | {results[app.name][versions[0]].lines:,} |"]
        for version in versions:
            t = results[app.name][version]
            cells.append(f" {t.blocking} ({t.verdicts['true']}/{t.verdicts['false']}/"
                         f"{t.verdicts['untriaged']}) | {t.per_10k():.2f} | "
                         f"{t.per_10k('false'):.2f} |")
        rows.append("".join(cells))
    total = [f"| all | | {sum(results[a.name][versions[0]].lines for a in apps):,} |"]
    summary = []
    for version in versions:
        tallies = [results[a.name][version] for a in apps]
        t_true = sum(t.verdicts["true"] for t in tallies)
        t_false = sum(t.verdicts["false"] for t in tallies)
        t_open = sum(t.verdicts["untriaged"] for t in tallies)
        total.append(f" {t_true + t_false + t_open} ({t_true}/{t_false}/{t_open}) | "
                     f"{_rate(tallies, None):.2f} | {_rate(tallies, 'false'):.2f} |")
        summary.append(f"- {version}: {_rate(tallies, None):.2f} blocking findings per 10,000 "
                       f"lines; false-alarm rate {_share(tallies)} of blocking findings; "
                       f"{_rate(tallies, 'false'):.2f} false alarms per 10,000 lines.")
    rows.append("".join(total))
    return "\n".join([*rows, "", *summary, "", *listed(apps, results, versions)]) + "\n"


SEVERITIES = ("critical", "high", "medium", "low", "info")


def listed(apps: list[App], results: dict[str, dict[str, Tally]],
           versions: list[str]) -> list[str]:
    """Every finding a person reads in the run, by severity, per app and version."""
    out = ["Findings listed (what a person reads; counted-only findings left out), by "
           "severity:", "", "| app | version | " + " | ".join(SEVERITIES) + " | all |",
           "|---|---|" + "---|" * (len(SEVERITIES) + 1)]
    for app in [*apps, None]:
        for version in versions:
            tallies = [results[a.name][version] for a in apps] if app is None else \
                [results[app.name][version]]
            counts = [sum(t.listed.get(s, 0) for t in tallies) for s in SEVERITIES]
            out.append(f"| {app.name if app else 'all'} | {version} | "
                       + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=Path, required=True,
                        help="folder with (or for) a checkout of each application")
    parser.add_argument("--base-rev", help="an earlier commit of assay to compare with")
    parser.add_argument("--out", type=Path,
                        default=HERE / "bench" / "results" / "gate_false_alarms.md")
    args = parser.parse_args()
    apps, verdicts = load_apps(), load_verdicts()
    versions: dict[str, str | None] = {}
    if args.base_rev:
        versions[f"before ({args.base_rev[:9]})"] = args.base_rev
    versions["after"] = None
    results: dict[str, dict[str, Tally]] = {}
    untriaged: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gate-false-alarms-") as scratch:
        for app in apps:
            tree = checkout(app, args.apps)
            lines = python_lines(tree)
            results[app.name] = {}
            for label, rev in versions.items():
                state = Path(scratch) / f"{app.name}-{label.split()[0]}"
                findings = scan(tree, source_of(rev), state)
                results[app.name][label] = tally(app, findings, lines, verdicts)
                untriaged += results[app.name][label].untriaged
                print(f"{app.name} {label}: {results[app.name][label].blocking} blocking",
                      flush=True)
    text = report(apps, results)
    if untriaged:
        text += "\nUntriaged blocking findings:\n\n" + "\n".join(
            f"    {u}" for u in sorted(set(untriaged))) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
