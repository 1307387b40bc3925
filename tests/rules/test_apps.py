"""The corpus applications are golden files: `assay scan` (the default tier) of each
application version must give exactly the labeled bugs.

Per labeled site, its own test: in a vulnerable tree every labeled bug is reported once
(a second finding of it is a duplicate and fails); in a fixed tree nothing is reported on
the line that fixes it; a safe look-alike gives no blocking finding; and no file gives a
blocking finding that matches no site. What today's rules miss or report wrongly is marked
`xfail(strict=True)` with its general cause, so the tests document the gaps and a case
that starts passing is noticed.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rules.apps import (
    APPS,
    APPS_ROOT,
    VERSIONS,
    Matching,
    Reported,
    Site,
    load_sites,
    match,
    reported,
    scan_app_once,
)

SITES = load_sites()

# What the default tier gets wrong today: each general cause, with the labeled sites
# (test ids) where it shows.
KNOWN_GAPS: dict[str, tuple[str, ...]] = {}

# Files with a blocking finding that matches no site today, by general cause.
FILE_GAPS: dict[str, tuple[str, ...]] = {}


def _by_test(causes: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {test: cause for cause, tests in causes.items() for test in tests}


def _files() -> list[str]:
    return sorted(f"{app}/{version}/{p.relative_to(APPS_ROOT / app / version).as_posix()}"
                  for app in APPS for version in VERSIONS
                  for p in (APPS_ROOT / app / version).rglob("*")
                  if p.is_file() and p.suffix in (".py", ".html"))


_SITE_GAPS = _by_test(KNOWN_GAPS)
_FILE_GAPS = _by_test(FILE_GAPS)


def _params(label: str) -> list[Any]:
    return [pytest.param(site, id=site.ident, marks=[pytest.mark.xfail(
                strict=True, reason=_SITE_GAPS[site.ident])] if site.ident in _SITE_GAPS else [])
            for site in SITES if site.label == label]


def _file_params() -> list[Any]:
    return [pytest.param(name, id=name, marks=[pytest.mark.xfail(
                strict=True, reason=_FILE_GAPS[name])] if name in _FILE_GAPS else [])
            for name in _files()]


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A directory all test processes of this session share (one scan per version)."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "corpus-apps"


@pytest.fixture(scope="module")
def matching(shared_dir: Path) -> Callable[[str, str], Matching]:
    """Each application version scanned on first use, its findings matched to its sites."""
    done: dict[tuple[str, str], Matching] = {}

    def get(app: str, version: str) -> Matching:
        if (app, version) not in done:
            document = scan_app_once(app, version, shared_dir)
            assert document["run"]["status"] == "complete", document["run"]
            sites = [s for s in SITES if (s.app, s.version) == (app, version)]
            done[app, version] = match(sites, reported(document))
        return done[app, version]

    return get


def test_every_site_points_at_code_and_every_bug_has_its_fix() -> None:
    for site in SITES:
        lines = (APPS_ROOT / site.app / site.version / site.file).read_text().splitlines()
        assert lines[site.line - 1].strip().startswith(site.code), site.ident
        for file, line in site.alt:
            lines = (APPS_ROOT / site.app / site.version / file).read_text().splitlines()
            assert 1 <= line <= len(lines) and lines[line - 1].strip(), (site.ident, file, line)
    bugs = Counter((s.app, s.cwe, s.note) for s in SITES if s.label == "vulnerable")
    fixes = Counter((s.app, s.cwe, s.note) for s in SITES if s.label == "fixed")
    assert bugs == fixes
    assert len(set(SITES)) == len(SITES)


def test_four_applications_of_realistic_size_with_safe_look_alikes() -> None:
    for app in APPS:
        for version in VERSIONS:
            files = [p for p in (APPS_ROOT / app / version).rglob("*") if p.is_file()]
            assert 10 <= len(files) <= 40, (app, version, len(files))
            assert any(p.suffix == ".html" for p in files), (app, version)
        assert sum(s.app == app and s.label == "vulnerable" for s in SITES) >= 10
        assert sum(s.app == app and s.label == "safe" for s in SITES) >= 16


def test_the_applications_are_never_collected_by_pytest() -> None:
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", str(APPS_ROOT)],
                         capture_output=True, text=True, check=False, timeout=300)
    assert "no tests collected" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("site", _params("vulnerable"))
def test_labeled_bug_reported_once(site: Site,
                                   matching: Callable[[str, str], Matching]) -> None:
    found = matching(site.app, site.version).by_site[site]
    assert len(found) == 1, found


@pytest.mark.parametrize("site", _params("fixed"))
def test_fixed_line_reports_nothing(site: Site,
                                    matching: Callable[[str, str], Matching]) -> None:
    assert matching(site.app, site.version).by_site[site] == ()


@pytest.mark.parametrize("site", _params("safe"))
def test_look_alike_does_not_block(site: Site,
                                   matching: Callable[[str, str], Matching]) -> None:
    found = matching(site.app, site.version).by_site[site]
    assert [f for f in found if f.blocking] == [], found


@pytest.mark.parametrize("name", _file_params())
def test_nothing_else_blocks(name: str, matching: Callable[[str, str], Matching]) -> None:
    app, version, file = name.split("/", 2)
    extra = Counter((f.file, f.cwe, f.line, f.rule)
                    for f in matching(app, version).unmatched if f.blocking and f.file == file)
    assert extra == Counter()


def test_known_gaps_name_labeled_sites_and_files() -> None:
    assert set(_SITE_GAPS) <= {s.ident for s in SITES}
    assert set(_FILE_GAPS) <= set(_files())


def test_matching_is_one_to_one_and_keeps_duplicates() -> None:
    bug = Site("a", "vulnerable", "dao.py", 9, 89, "vulnerable", (("views.py", 4),), "", "")
    other = Site("a", "vulnerable", "dao.py", 20, 89, "vulnerable", (("views.py", 4),), "", "")
    safe = Site("a", "vulnerable", "views.py", 7, 22, "safe", (), "", "")

    def at(file: str, line: int, cwe: int | None) -> Reported:
        return Reported(file, line, cwe, "high", "r")

    found = match([bug, other, safe], [at("views.py", 4, 89), at("views.py", 4, 89),
                                       at("dao.py", 9, 89), at("views.py", 7, 79)])
    # the sink line goes to its own site; both call-site findings then to the site without
    # one first, the second one a duplicate there
    assert found.by_site[bug] == (at("dao.py", 9, 89), at("views.py", 4, 89))
    assert found.by_site[other] == (at("views.py", 4, 89),)
    assert found.by_site[safe] == ()
    assert found.unmatched == (at("views.py", 7, 79),)
