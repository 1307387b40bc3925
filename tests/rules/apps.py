"""The corpus applications: labeled sites, `assay scan` of one application version, and
the matching of findings to sites.

Each application in tests/corpus_apps/ is a directory with a `vulnerable` and a `fixed`
tree; `manifest.csv` lists the sites: every true bug of a vulnerable tree (`vulnerable`),
the line that fixes it in the fixed tree (`fixed`), and the safe look-alikes of both trees
(`safe`, with the false-alarm cause they stand for). A site is a file and a line; `alt`
lists other places (`file:line`, space-separated) where a finding of the same bug is as
good, such as the call in the view of a helper that holds the sink; `code` is the start
of the labeled line. Anything a scan reports that matches no site is a false positive.
"""

from __future__ import annotations

import csv
import fcntl
import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import GitRepo
from tests.rules.corpus import assay_binary

APPS_ROOT = Path(__file__).resolve().parent.parent / "corpus_apps"
MANIFEST = APPS_ROOT / "manifest.csv"
APPS = ("aiohttp_chat", "django_shop", "fastapi_inventory", "flask_notes")
VERSIONS = ("vulnerable", "fixed")
BLOCKING = frozenset({"critical", "high"})

Location = tuple[str, int]


@dataclass(frozen=True)
class Site:
    """One labeled place of an application version."""

    app: str
    version: str
    file: str
    line: int
    cwe: int
    label: str  # vulnerable | fixed | safe
    alt: tuple[Location, ...]
    note: str
    code: str  # the start of the labeled line

    @property
    def locations(self) -> tuple[Location, ...]:
        """The site's line first, then the other acceptable places."""
        return ((self.file, self.line), *self.alt)

    @property
    def ident(self) -> str:
        """A test id: app, version, file, line and CWE."""
        return f"{self.app}/{self.version}/{self.file}:{self.line}:CWE-{self.cwe}"


@dataclass(frozen=True)
class Reported:
    """The part of a finding the corpus is scored on."""

    file: str
    line: int
    cwe: int | None
    severity: str
    rule: str

    @property
    def blocking(self) -> bool:
        """Whether the default gate (`--fail-on high`) blocks on it."""
        return self.severity in BLOCKING


def _alt(text: str) -> tuple[Location, ...]:
    places = []
    for item in text.split():
        file, _, line = item.rpartition(":")
        places.append((file, int(line)))
    return tuple(places)


def load_sites() -> list[Site]:
    """Every row of the applications' manifest."""
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return [Site(r["app"], r["version"], r["file"], int(r["line"]), int(r["cwe"]),
                     r["label"], _alt(r["alt"]), r["note"], r["code"])
                for r in csv.DictReader(handle)]


def reported(document: dict[str, Any]) -> list[Reported]:
    """The findings of a scan's JSON document."""
    return [Reported(f["path"], f["start_line"], f["cwe"], f["severity"], f["rule_id"])
            for f in document["findings"]]


def app_repo(app: str, version: str, workdir: Path) -> Path:
    """A fresh git repository holding one application version (the application is its own
    repository, as it would be in real life)."""
    repo = GitRepo(workdir / f"{app}-{version}")
    shutil.copytree(APPS_ROOT / app / version, repo.path, dirs_exist_ok=True)
    repo.commit(f"{app} ({version})")
    return repo.path


def scan_repo(path: Path, *scanners: str) -> dict[str, Any]:
    """`assay scan -f json` of a repository (all of its findings, nothing recorded)."""
    cmd = [assay_binary(), "scan", str(path), "-f", "json", "--no-record", "--no-cache",
           "--quiet", "--fail-on", "none"]
    for name in scanners:
        cmd += ["--scanner", name]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    assert out.returncode == 0, out.stderr
    document: dict[str, Any] = json.loads(out.stdout)
    return document


def scan_app(app: str, version: str, workdir: Path, *scanners: str) -> dict[str, Any]:
    """`assay scan` of one application version in its own repository; the JSON document."""
    return scan_repo(app_repo(app, version, workdir), *scanners)


def scan_app_once(app: str, version: str, shared: Path) -> dict[str, Any]:
    """`scan_app` with the default tier, done once per `shared` directory even when
    several test processes ask for it at the same time."""
    shared.mkdir(parents=True, exist_ok=True)
    result = shared / f"{app}-{version}.json"
    with (shared / f"{app}-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            document = scan_app(app, version, shared / "repos")
            result.write_text(json.dumps(document), encoding="utf-8")
    loaded: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    return loaded


@dataclass(frozen=True)
class Matching:
    """Findings of one application version assigned to its sites, one to one."""

    by_site: dict[Site, tuple[Reported, ...]]
    unmatched: tuple[Reported, ...]


def match(sites: Iterable[Site], findings: Iterable[Reported]) -> Matching:
    """Assign each finding to a site of its CWE at one of the site's locations: a site's
    own line before an alternative place, a site without a finding before one that has
    one. A second finding of an already found bug stays assigned to it (a duplicate)."""
    sites = list(sites)
    by_site: dict[Site, list[Reported]] = {site: [] for site in sites}
    unmatched: list[Reported] = []
    for finding in sorted(findings, key=lambda f: (f.file, f.line, f.cwe or 0, f.rule)):
        here = (finding.file, finding.line)
        candidates = [s for s in sites if s.cwe == finding.cwe and here in s.locations]
        if not candidates:
            unmatched.append(finding)
            continue
        best = min(candidates, key=lambda s: (bool(by_site[s]), s.locations.index(here)))
        by_site[best].append(finding)
    return Matching({s: tuple(found) for s, found in by_site.items()}, tuple(unmatched))
