"""How the Semgrep scanner splits its work: chunks of paths per process, and the outcomes
of the run on whole files joined with the run on sliced copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.ledger.result_cache import FileOutcome, open_result_cache
from assay.model import Confidence, Finding, Severity, SkippedFile, SkipReason, Span
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep import rule_files
from assay.scanners.semgrep._process import chunks, join


@given(st.lists(st.text(alphabet="abc/é.", min_size=1, max_size=30), max_size=60),
       st.integers(min_value=1, max_value=80))
def test_chunks_keep_every_path_in_order_within_the_limit(paths: list[str], limit: int) -> None:
    cut = chunks(paths, limit)
    assert [p for chunk in cut for p in chunk] == paths
    for chunk in cut:
        assert chunk
        assert len(chunk) == 1 or sum(len(p.encode()) + 1 for p in chunk) <= limit


def _finding(path: str, rule: str) -> Finding:
    return Finding(scanner="semgrep", rule_id=rule, path=path, span=Span(1, 1, 1, 1),
                   severity=Severity.HIGH, confidence=Confidence.HIGH, message=rule)


def test_outcomes_of_both_runs_are_joined_and_a_failure_wins() -> None:
    whole = Analysis(outcomes={
        "a.py": FileOutcome((_finding("a.py", "weak-hash"),)),
        "b.py": FileOutcome(),
        "c.py": FileOutcome(skip=SkippedFile("c.py", SkipReason.SYNTAX_ERROR, "semgrep", "x")),
        "d.py": FileOutcome()})
    part = Analysis(outcomes={"a.py": FileOutcome((_finding("a.py", "sqli"),)),
                              "c.py": FileOutcome()},
                    failed=[SkippedFile("d.py", SkipReason.TIMEOUT, "semgrep", "slow")],
                    error="slow")
    joined = Analysis()
    join(whole, part, joined)
    assert [f.rule_id for f in joined.outcomes["a.py"].findings] == ["weak-hash", "sqli"]
    assert joined.outcomes["b.py"] == FileOutcome()
    assert joined.outcomes["c.py"].skip is not None
    assert "d.py" not in joined.outcomes and [s.path for s in joined.failed] == ["d.py"]
    assert joined.error == "slow"


def test_gated_cwes_are_kept_by_the_rules_hash(tmp_path: Path) -> None:
    from assay.scanners.semgrep._pack import Pack
    from assay.scanners.semgrep._plan import GATED_KIND, _gated_cwes

    cache = open_result_cache(tmp_path)
    pack = Pack(tuple(rule_files()))
    expected = pack.rules.gated_cwes()
    assert 89 in expected
    assert _gated_cwes(cache, Pack(pack.paths)) == expected
    text = ",".join(str(c) for c in sorted(expected))
    assert cache.get_docs(GATED_KIND, [pack.hash]) == {pack.hash: text}
    # kept: the pack is not read again
    again = Pack(pack.paths)
    assert _gated_cwes(cache, again) == expected and not again.read
    # a damaged record is computed again
    for damaged in ("89,x", "89,\u00b2"):
        cache.put_docs(GATED_KIND, [(pack.hash, damaged)])
        assert _gated_cwes(cache, Pack(pack.paths)) == expected


@given(st.lists(st.integers(min_value=1, max_value=5000), max_size=40),
       st.integers(min_value=1, max_value=8))
def test_parts_keep_every_path_in_order_in_at_most_count_parts(sizes: list[int],
                                                               count: int) -> None:
    from assay.scanners.semgrep._process import parts as cut

    paths = [f"f{i:03}.py" for i in range(len(sizes))]
    parts = cut(paths, sizes, count)
    assert [p for part, _ in parts for p in part] == paths
    assert len(parts) <= count and all(part for part, _ in parts)
    by_path = dict(zip(paths, sizes, strict=True))
    assert all(size == sum(by_path[p] for p in part) for part, size in parts)
    if len(paths) >= count and len(set(sizes)) == 1:  # equal files: parts of equal size
        assert max(len(p) for p, _ in parts) - min(len(p) for p, _ in parts) <= 1


def test_rules_limited_to_some_files_are_split_from_the_others(tmp_path: Path) -> None:
    import json

    from assay.scanners.semgrep._pack import RuleFile, Rules, load_rules
    from assay.scanners.semgrep._rulefiles import limited_targets, split_limited

    free = {"id": "free", "languages": ["python"], "message": "m", "severity": "INFO",
            "pattern": "eval(...)"}
    bound = {**free, "id": "bound", "paths": {"include": ["/a.py", "/sub/c\\[d\\].py"]}}
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"rules": [free, bound]}))
    only_free = tmp_path / "free.json"
    only_free.write_text(json.dumps({"rules": [free]}))
    loaded = load_rules([only_free, mixed])
    everywhere, some = split_limited(loaded, tmp_path / "out")
    # a file of one kind is used as it is; a file of both is written out as two
    assert everywhere.files[0] == RuleFile(only_free, (free,))
    assert [r["id"] for r in load_rules(everywhere.paths[1:]).all()] == ["free"]
    assert [r["id"] for r in load_rules(some.paths).all()] == ["bound"] and len(some.files) == 1
    assert everywhere.paths[1].parent == tmp_path / "out"
    assert isinstance(some, Rules)
    # paths are matched as `paths: include` writes them (glob characters escaped)
    assert limited_targets(some, ["b.py", "sub/c[d].py", "a.py"]) == ["sub/c[d].py", "a.py"]


def test_split_runs_report_what_one_run_reports(tmp_path_factory: pytest.TempPathFactory,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The taint rules' files cut into parts (one Semgrep run each) give the same
    findings as one part."""
    import shutil

    from assay import api
    from assay.scanners.semgrep import _process
    from tests.helpers import GitRepo
    from tests.rules.corpus import CORPUS

    def scan() -> tuple[set[tuple[str, str, int, int]], int]:
        repo = GitRepo(tmp_path_factory.mktemp("corpus"))
        shutil.copytree(CORPUS, repo.path, dirs_exist_ok=True)
        repo.commit("corpus")
        calls: list[str] = []
        original, engine = _process.Invocation.run, _process.Invocation.run_engine

        def counted(self: _process.Invocation, *args: Any) -> None:
            calls.append(str(args[0]))
            original(self, *args)

        def counted_engine(self: _process.Invocation, *args: Any) -> None:
            calls.append(str(args[0]))  # semgrep-core is there: no fallback to `run`
            engine(self, *args)

        with monkeypatch.context() as patch:
            patch.setattr(_process.Invocation, "run", counted)
            patch.setattr(_process.Invocation, "run_engine", counted_engine)
            run = api.scan(repo.path, scanners=["semgrep"], no_cache=True, record=False,
                           jobs=4).run
        assert run.status == "complete"
        return {(f.rule_id, f.path, f.span.start_line, f.span.start_col)
                for f in run.findings}, len(calls)

    default, runs = scan()
    assert runs == 2  # small files: pattern rules in one run, taint rules in another
    monkeypatch.setattr(_process, "PART_MIN_BYTES", 1)
    split, runs = scan()
    assert runs == 1 + 4  # the pattern rules in one run, the taint rules' files in 4
    assert split == default and len(default) > 100


def test_runs_are_joined_and_a_failed_run_fails_only_its_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.scanners.semgrep._process import Invocation, Runs
    from assay.scanners.semgrep._results import fail

    def fake(self: Invocation, root: Path, files: list[str], rules: list[Path],
             state: Path, meta: Any, analysis: Analysis) -> None:
        if root.name == "broken":
            fail(analysis, files, SkipReason.SCANNER_ERROR, "semgrep exited 2")
        else:
            analysis.outcomes.update((p, FileOutcome((_finding(p, root.name),))) for p in files)

    monkeypatch.setattr(Invocation, "run", fake)
    into = Analysis()
    with Runs(Invocation("semgrep", 10.0, 1.0), 2, {}, tmp_path) as runs:
        runs.start(tmp_path / "patterns", ["a.py", "b.py"], [])
        runs.start(tmp_path / "sliced", ["b.py"], [])
        runs.start(tmp_path / "broken", ["c.py"], [])
    # each run had a state directory of its own
    assert sorted(p.name for p in tmp_path.glob("run-*")) == ["run-0", "run-1", "run-2"]
    runs.joined(["a.py", "b.py", "c.py", "d.py"], into)
    assert [f.rule_id for f in into.outcomes["b.py"].findings] == ["patterns", "sliced"]
    assert [f.rule_id for f in into.outcomes["a.py"].findings] == ["patterns"]
    assert into.outcomes["d.py"] == FileOutcome()  # given to no run: no rule runs on it
    assert "c.py" not in into.outcomes and [s.path for s in into.failed] == ["c.py"]
    assert into.error == "semgrep exited 2"


def test_engine_errors_and_failures_leave_files_unanalyzed(tmp_path: Path) -> None:
    """The taint rules' engine run: its per-file errors read as `semgrep scan` words them
    (a timeout leaves the file unfinished, a parse error skips it), and an engine that
    says nothing usable fails every file of the run."""
    import json
    import sys

    from assay.scanners.semgrep._process import _engine_doc
    from assay.scanners.semgrep._results import translate

    doc = {"results": [], "paths": {"scanned": ["a.py", "b.py", "c.py"]}, "errors": [
        {"error_type": "Timeout", "severity": "error", "message": "too slow",
         "location": {"path": "a.py"}},
        {"error_type": "Syntax error", "severity": "error", "message": "bad",
         "location": {"path": "b.py"}}]}
    script = f"print('progress'); print({json.dumps(json.dumps(doc))})"
    files = ["a.py", "b.py", "c.py"]
    analysis = Analysis()
    read = _engine_doc([sys.executable, "-c", script], tmp_path, tmp_path, 60, files,
                       analysis)
    assert read is not None
    translate(read, files, {}, analysis)
    assert [(s.path, s.reason) for s in analysis.failed] == [("a.py", SkipReason.TIMEOUT)]
    assert analysis.outcomes["b.py"].skip is not None
    assert analysis.outcomes["b.py"].skip.reason is SkipReason.SYNTAX_ERROR
    assert analysis.outcomes["c.py"] == FileOutcome(())

    for broken in ("print('not json')", "import sys; sys.exit(2)"):
        failed = Analysis()
        assert _engine_doc([sys.executable, "-c", broken], tmp_path, tmp_path, 60, files,
                           failed) is None
        assert [(s.path, s.reason) for s in failed.failed] == [
            (p, SkipReason.SCANNER_ERROR) for p in files]


def test_the_pack_is_kept_parsed_in_the_result_cache(tmp_path: Path) -> None:
    from assay.scanners.semgrep._pack import PACK_KIND, Pack, RuleFile, Rules

    cache = open_result_cache(tmp_path)
    parsed = Pack(tuple(rule_files())).rules  # from the YAML
    first = Pack(parsed.paths, cache)
    assert first.rules == parsed
    assert set(cache.get_docs(PACK_KIND, [first.hash])) == {first.hash}
    # read back from the cache: a record in its place is what the next scan reads
    planted = [[{"id": "kept", "languages": ["python"], "pattern": "kept(...)"}]] + [
        [] for _ in parsed.paths[1:]]
    cache.put_docs(PACK_KIND, [(first.hash, json.dumps(planted))])
    assert Pack(parsed.paths, cache).rules == Rules(tuple(
        RuleFile(p, tuple(r)) for p, r in zip(parsed.paths, planted, strict=True)))
    # a damaged or mismatched record is parsed again from the YAML
    for damaged in ("{", "[]", json.dumps([["x"]] * len(parsed.paths)), "null"):
        cache.put_docs(PACK_KIND, [(first.hash, damaged)])
        assert Pack(parsed.paths, cache).rules == parsed
