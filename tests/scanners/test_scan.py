"""`assay.api.scan` end to end on real git repositories with real Bandit and Semgrep."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.api import locate_project, scan
from assay.model import RunStatus, SkipReason
from tests.helpers import VULNERABLE_APP, GitRepo


def _keys(result_findings: object) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.path, f.span.start_line) for f in result_findings}  # type: ignore[attr-defined]


def test_both_engines_find_the_example_flaws(repo: GitRepo) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    run = scan(repo.path).run
    assert run.status is RunStatus.COMPLETE
    rules = {(f.scanner, f.rule_id, f.cwe) for f in run.findings}
    assert ("semgrep", "assay.python.sqli.taint", 89) in rules
    assert ("semgrep", "assay.python.unsafe-deserialization.taint", 502) in rules
    assert ("bandit", "B324", 328) in rules
    assert all(f.fingerprint and f.line_hash and f.snippet for f in run.findings)
    assert run.coverage.in_scope == run.coverage.analyzed == 1
    assert [s.name for s in run.provenance.scanners] == ["bandit", "semgrep"]
    assert all(s.version and s.version != "missing" for s in run.provenance.scanners)
    assert run.target.commit == repo.git("rev-parse", "HEAD") and not run.target.dirty


def test_rev_scan_differs_from_dirty_worktree(repo: GitRepo) -> None:
    repo.write("app.py", "import hashlib\n")
    first = repo.commit()
    repo.write("app.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.write("extra.py", "import random\nx = random.random()\n")
    head_of_index = repo.git("status", "--porcelain")
    worktree = scan(repo.path, scanners=["bandit"]).run
    at_rev = scan(repo.path, rev=first, scanners=["bandit"]).run
    assert worktree.target.dirty and worktree.target.commit == first
    assert not at_rev.target.dirty and at_rev.target.rev == first
    assert {f.rule_id for f in worktree.findings} == {"B324", "B311"}
    assert at_rev.findings == ()
    assert at_rev.coverage.in_scope == 1
    # scanning a revision touched neither the checkout nor the index
    assert repo.git("status", "--porcelain") == head_of_index
    assert (repo.path / "extra.py").exists()


def test_cache_hits_and_misses_after_editing_one_file(repo: GitRepo) -> None:
    for i in range(4):
        repo.write(f"m{i}.py", f"import hashlib\nv{i} = hashlib.md5(b'{i}')\n")
    repo.commit()
    cold = scan(repo.path).run.metrics.cache
    warm = scan(repo.path).run.metrics.cache
    repo.write("m2.py", "import hashlib\nv2 = hashlib.sha1(b'2')\n")
    edited = scan(repo.path)
    forced = scan(repo.path, no_cache=True).run.metrics.cache
    assert (cold.hits, cold.misses) == (0, 8)
    assert (warm.hits, warm.misses) == (8, 0)
    assert (edited.run.metrics.cache.hits, edited.run.metrics.cache.misses) == (6, 2)
    assert (forced.hits, forced.misses) == (0, 8)
    messages = {f.path: f.message for f in edited.run.findings}
    assert "SHA1" in messages["m2.py"] or "sha1" in messages["m2.py"].lower()


def test_cached_rescan_reports_the_same_findings(repo: GitRepo) -> None:
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    cold = scan(repo.path).run
    warm = scan(repo.path).run
    assert warm.metrics.cache.hits == 2 and warm.metrics.cache.misses == 0
    assert warm.findings == cold.findings


def test_identical_content_at_two_paths_is_reported_at_each(repo: GitRepo) -> None:
    body = "import hashlib\nh = hashlib.md5(b'x')\n"
    repo.write("a.py", body)
    repo.write("pkg/b.py", body)
    repo.commit()
    run = scan(repo.path, scanners=["bandit"]).run
    assert sorted(f.path for f in run.findings) == ["a.py", "pkg/b.py"]
    assert len({f.fingerprint for f in run.findings}) == 2


def test_subdirectory_scope_and_excludes(repo: GitRepo) -> None:
    repo.write("src/a.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.write("src/gen/b.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.write("tests/t.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    repo.commit()
    run = scan(repo.path / "src", scanners=["bandit"], exclude=["gen"]).run
    assert [f.path for f in run.findings] == ["src/a.py"]
    skips = {(s.path, s.reason) for s in run.coverage.skipped}
    assert ("src/gen/b.py", SkipReason.EXCLUDED) in skips
    assert run.status is RunStatus.COMPLETE


def test_plain_directory_without_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import hashlib\nh = hashlib.md5(b'x')\n")
    run = scan(tmp_path, scanners=["bandit"]).run
    assert run.target.commit is None
    assert [f.rule_id for f in run.findings] == ["B324"]


def test_run_is_recorded_in_the_ledger(repo: GitRepo) -> None:
    from assay.ledger import open_ledger

    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    result = scan(repo.path, scanners=["bandit"])
    assert result.ledger is not None and not result.ledger.is_relative_to(repo.path)
    with open_ledger(result.ledger) as store:
        stored = store.get_run(result.run.id)
        listed = store.list_runs()
    assert stored.findings == result.run.findings
    assert stored.provenance == result.run.provenance
    assert stored.metrics.cache == result.run.metrics.cache
    assert [r.id for r in listed] == [result.run.id]
    assert repo.git("status", "--porcelain", "--ignored") == ""  # nothing written in the tree


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0,
                    reason="needs root to give the repository to another user")
def test_repository_owned_by_another_user(repo: GitRepo) -> None:
    import os
    import shutil

    repo.write("app.py", "import hashlib\nh = hashlib.md5(b'x')\n")
    first = repo.commit()
    nobody = 65534
    for dirpath, dirnames, filenames in os.walk(repo.path):
        for name in [*dirnames, *filenames]:
            os.lchown(os.path.join(dirpath, name), nobody, nobody)
    os.lchown(repo.path, nobody, nobody)
    try:
        run = scan(repo.path, rev=first, scanners=["bandit"], record=False).run
        worktree = scan(repo.path, scanners=["bandit"], record=False).run
    finally:
        shutil.chown(repo.path, 0, 0)
    assert run.target.commit == first and [f.rule_id for f in run.findings] == ["B324"]
    assert worktree.target.commit == first


def test_semgrep_state_stays_in_assays_directory(repo: GitRepo, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    repo.write("app.py", VULNERABLE_APP)
    repo.commit()
    run = scan(repo.path, scanners=["semgrep"]).run
    assert run.complete and run.findings
    # each Semgrep run of a scan has its own state folder in the project's cache directory
    state = locate_project(repo.path).state_dir
    assert not state.is_relative_to(repo.path)
    assert list((state / "semgrep").glob("run-*"))
    assert list(home.iterdir()) == []  # nothing in the home folder (no ~/.semgrep)
    assert list((state / "tmp").iterdir()) == []  # scratch copies removed
    assert repo.git("status", "--porcelain", "--ignored") == ""


def test_progress_reaches_every_file(repo: GitRepo) -> None:
    for i in range(70):
        repo.write(f"pkg/m{i}.py", f"value = {i}\n")
    repo.commit()
    seen: dict[str, list[tuple[int, int]]] = {}
    scan(repo.path, jobs=2, progress=lambda s, done, total: seen.setdefault(s, []).append(
        (done, total)))
    for name in ("bandit", "semgrep"):
        assert seen[name][-1] == (70, 70)
        assert [d for d, _ in seen[name]] == sorted(d for d, _ in seen[name])


def test_progress_display_is_quiet_without_a_terminal() -> None:
    from assay.cli.scan import progress_display

    with progress_display(True) as progress:
        assert progress is None  # pytest captures stderr: not a TTY


def test_rescan_of_edited_files_finds_what_a_full_scan_finds(repo: GitRepo) -> None:
    views = ("import os\nfrom flask import request\n\n\ndef run_{n}():\n"
             "    os.system('ls ' + request.args['d{n}'])\n")
    query = ("from flask import request\n\n\ndef find_{n}(cur):\n"
             "    cur.execute('select ' + request.args['q{n}'])\n")
    for n in range(3):
        repo.write(f"views{n}.py", views.format(n=n))
        repo.write(f"query{n}.py", query.format(n=n))
    repo.commit()
    scan(repo.path)
    # one file of each kind changes: Semgrep rescans those two only, with the rules'
    # copies for those files
    repo.write("views1.py", "# moved down\n" + views.format(n=1))
    repo.write("query2.py", "# moved down\n" + query.format(n=2))
    rescan = scan(repo.path).run
    full = scan(repo.path, no_cache=True).run
    assert rescan.metrics.cache.misses == 4
    assert _keys(rescan.findings) == _keys(full.findings)
    taint = {(f.rule_id, f.path) for f in rescan.findings if f.scanner == "semgrep"}
    assert {p for _, p in taint} == {f"{kind}{n}.py" for kind in ("views", "query")
                                     for n in range(3)}
    assert ("assay.python.command-injection.taint", "views1.py") in taint
    assert ("assay.python.sqli.taint", "query2.py") in taint

