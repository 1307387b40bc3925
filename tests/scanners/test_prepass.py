"""The pre-pass as a scan runs it: kept between scans, redone when a Python file changes,
and its generated patterns limited to what can match in the files each rule runs on."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay.repo import open_snapshot
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep import rule_files
from assay.scanners.semgrep._layout import RunLayout
from assay.scanners.semgrep._pack import Pack, RuleFile, Rules, load_rules
from assay.scanners.semgrep._prepass import Prepared
from assay.scanners.semgrep._prepass import prepare as prepare_in
from assay.scanners.semgrep._rulefiles import write_generated
from tests.helpers import GitRepo

HELPER = "from flask import request\n\n\ndef get_param(name):\n    return request.args.get(name)\n"
VIEW = ("import os\nfrom helpers import get_param\n\n\ndef run():\n"
        "    os.system('ls ' + get_param('dir'))\n")
LABEL = "def label(value):\n    return 'fixed'\n"
SHELL = ("import os\nfrom flask import request\nfrom text import label\n\n\ndef run():\n"
         "    os.system('ls ' + label(request.args['dir']))\n")
SQL = ("from flask import request\n\n\ndef find(cur):\n"
       "    cur.execute('select ' + request.args['q'])\n")


def _context(repo: GitRepo, use_cache: bool = True) -> ScanContext:
    snapshot = open_snapshot(repo.path)
    return ScanContext(snapshot=snapshot, files=tuple(f.path for f in snapshot.files),
                       state_dir=repo.path / ".assay", use_cache=use_cache)


def prepare(ctx: ScanContext) -> Prepared:
    return prepare_in(ctx, RunLayout(ctx.state_dir), Pack(tuple(rule_files())))


def _pack() -> Rules:
    return load_rules(rule_files())


def _taint(prepared_rules: tuple[Path, ...]) -> dict[str, dict[str, object]]:
    path = next(p for p in prepared_rules if p.name == "taint.json")
    return {r["id"]: r for r in yaml.safe_load(path.read_text())["rules"]}


def _writer(out_dir: Path) -> Callable[[str, tuple[dict[str, Any], ...]], RuleFile]:
    return functools.partial(write_generated, out_dir)


def _never(*args: object) -> None:
    raise AssertionError("the kept pre-pass should have been read back")


def test_a_rescan_reuses_the_pre_pass_until_a_python_file_changes(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.scanners.semgrep import _prepass as prepass

    repo.write("helpers.py", HELPER)
    repo.write("views.py", VIEW)
    repo.commit()
    first = prepare(_context(repo))
    with monkeypatch.context() as patched:
        patched.setattr(prepass, "_prepare", _never)
        again = prepare(_context(repo))
    assert (again.rules, again.provenance, again.key) == (first.rules, first.provenance,
                                                           first.key)
    assert list((repo.path / ".assay" / "semgrep" / "prepass").glob("*.json"))
    # the helper stops returning request data: the pre-pass is redone, not reused
    repo.write("helpers.py", "def get_param(name):\n    return 'fixed'\n")
    changed = prepare(_context(repo))
    assert changed.key != first.key
    extra = dict(changed.provenance)
    assert extra["semgrep.summaries.source"] == "0"
    assert dict(first.provenance)["semgrep.summaries.source"].startswith("1: helpers.get_param")


def test_no_cache_redoes_the_pre_pass_and_a_broken_memo_is_ignored(repo: GitRepo) -> None:
    repo.write("helpers.py", HELPER)
    repo.write("views.py", VIEW)
    repo.commit()
    first = prepare(_context(repo))
    for memo in (repo.path / ".assay" / "semgrep" / "prepass").glob("*.json"):
        memo.write_text("{not json")
    assert prepare(_context(repo)).key == first.key
    fresh = prepare(_context(repo, use_cache=False))
    assert fresh.key == first.key and fresh.rules == first.rules


def test_generated_patterns_are_limited_to_names_in_the_rule_files(repo: GitRepo) -> None:
    repo.write("text.py", LABEL)
    repo.write("shell.py", SHELL)
    repo.write("sql.py", SQL)
    repo.commit()
    rules = _taint(prepare(_context(repo)).rules)
    command, sqli = rules["assay.python.command-injection.taint"], rules["assay.python.sqli.taint"]
    assert command["paths"] == {"include": ["/shell.py"]}
    assert sqli["paths"] == {"include": ["/sql.py"]}
    # `label` returns a constant: a sanitizer where it is called, left out where it is not
    assert "label(...)" in str(command["pattern-sanitizers"])
    assert "label" not in str(sqli["pattern-sanitizers"])


def test_a_rule_is_copied_per_group_of_files_and_findings_keep_its_id(repo: GitRepo,
                                                                      tmp_path: Path) -> None:
    from assay.model import Confidence, Severity
    from assay.scanners.semgrep import COPY_MARK, RuleMeta
    from assay.scanners.semgrep._results import rule_id
    from assay.scanners.semgrep._rulegen import extend_pack
    from assay.scanners.semgrep._summaries import summarize

    views = {f"v{i}.py": SQL for i in range(3)}
    rule = "assay.python.sqli.taint"
    out = extend_pack(_pack(), summarize(views, views), _writer(tmp_path),
                      include={rule: sorted(views)},
                      vocabulary=lambda paths: frozenset({"cur", "execute", "request"}), copies=2)
    copies = [r for r in _taint(out.paths).values() if r["id"].startswith(rule)]
    assert len(copies) == 2 and copies[0]["id"] == rule
    assert [c["paths"]["include"] for c in copies] == [["/v0.py", "/v1.py"], ["/v2.py"]]
    meta = {rule: RuleMeta(89, Severity.HIGH, Confidence.HIGH)}
    assert rule_id(f"tmp.generated.{rule}{COPY_MARK}1", meta) == rule


def test_taint_rules_share_their_groups_of_files(repo: GitRepo, tmp_path: Path) -> None:
    """Each taint rule's copy for a group is pruned for the whole group, so the copies
    of different rules for the same files hold the same generated patterns (Semgrep
    matches a pattern several rules hold once per file)."""
    from assay.scanners.semgrep._rulegen import extend_pack
    from assay.scanners.semgrep._summaries import summarize

    views = {f"v{i}.py": SQL for i in range(4)}
    include = {"assay.python.sqli.taint": ["v0.py", "v1.py", "v3.py"],
               "assay.python.xss.taint": ["v1.py", "v2.py"]}
    asked: list[tuple[str, ...]] = []

    def vocabulary(paths: Sequence[str]) -> frozenset[str]:
        asked.append(tuple(paths))
        return frozenset({"cur", "execute", "request"})

    out = extend_pack(_pack(), summarize(views, views), _writer(tmp_path), include=include,
                      vocabulary=vocabulary, copies=2)
    rules = _taint(out.paths).values()
    includes = {r["id"]: r["paths"]["include"] for r in rules}
    assert includes == {"assay.python.sqli.taint": ["/v0.py", "/v1.py"],
                        "assay.python.sqli.taint--copy1": ["/v3.py"],
                        "assay.python.xss.taint": ["/v1.py"],
                        "assay.python.xss.taint--copy1": ["/v2.py"]}
    assert set(asked) == {("v0.py", "v1.py"), ("v2.py", "v3.py")}


def test_copies_are_made_only_when_the_generated_patterns_outweigh_the_pack(
        tmp_path: Path) -> None:
    """A copy per group of files repeats the pack's own patterns: with fewer generated
    patterns than those, one copy for all files, pruned for each rule's own files."""
    from assay.scanners.semgrep._rulegen import MAX_COPIES, copy_count, extend_pack
    from assay.scanners.semgrep._summaries import summarize

    base = {"id": "r", "pattern-sources": [{"pattern": "source()"}] * 10}
    small = {**base, "pattern-sanitizers": [{"pattern": "clean()"}]}
    large = {**base, "pattern-sanitizers": [{"pattern": f"clean{i}()"} for i in range(40)]}
    assert copy_count([(base, small)]) == 1
    assert copy_count([(base, large)]) == MAX_COPIES
    views = {f"v{i}.py": SQL for i in range(3)}
    include = {"assay.python.sqli.taint": ["v0.py", "v1.py"],
               "assay.python.xss.taint": ["v2.py"]}
    asked: list[tuple[str, ...]] = []

    def vocabulary(paths: Sequence[str]) -> frozenset[str]:
        asked.append(tuple(paths))
        return frozenset({"cur", "execute", "request"})

    out = extend_pack(_pack(), summarize(views, views), _writer(tmp_path), include=include,
                      vocabulary=vocabulary)
    includes = {r["id"]: r["paths"]["include"] for r in _taint(out.paths).values()}
    assert includes == {"assay.python.sqli.taint": ["/v0.py", "/v1.py"],
                        "assay.python.xss.taint": ["/v2.py"]}
    assert set(asked) == {("v0.py", "v1.py"), ("v2.py",)}


def test_a_changed_pre_pass_never_reuses_an_older_result(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.scanners.semgrep import _prepass as prepass

    repo.write("helpers.py", HELPER)
    repo.commit()
    pack = Pack(tuple(rule_files()))
    before = prepass._memo_key(_context(repo), pack)
    monkeypatch.setattr(prepass, "_code_digest", lambda: "another version of the code")
    assert prepass._memo_key(_context(repo), pack) != before


def test_the_base_and_the_head_of_a_change_both_keep_their_pre_pass(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.scanners.semgrep import _prepass as prepass

    repo.write("helpers.py", HELPER)
    repo.write("views.py", VIEW)
    repo.commit()
    head = prepare(_context(repo))
    repo.write("helpers.py", "def get_param(name):\n    return 'fixed'\n")
    base = prepare(_context(repo))
    memo = repo.path / ".assay" / "semgrep" / "prepass"
    assert len(list(memo.glob("*.json"))) == 2
    assert head.provenance != base.provenance
    repo.write("helpers.py", HELPER)
    monkeypatch.setattr(prepass, "_prepare", _never)
    again = prepare(_context(repo))
    assert (again.key, again.provenance) == (head.key, head.provenance)
    assert all(p.is_file() for p in again.rules)


def test_a_kept_result_naming_rules_outside_the_state_is_not_used(repo: GitRepo) -> None:
    repo.write("helpers.py", HELPER)
    repo.write("views.py", VIEW)
    repo.commit()
    first = prepare(_context(repo))
    planted = repo.path / "empty.yaml"
    planted.write_text("rules: []\n")
    for memo in (repo.path / ".assay" / "semgrep" / "prepass").glob("*.json"):
        doc = json.loads(memo.read_text())
        memo.write_text(json.dumps({**doc, "rules": [str(planted)]}))
    again = prepare(_context(repo))
    assert planted not in again.rules
    assert again.rules == first.rules


def test_a_scan_of_some_files_reads_only_their_copies_of_the_rules(
        repo: GitRepo, tmp_path: Path) -> None:
    from assay.scanners.semgrep._rulefiles import limited_targets, limited_to

    repo.write("shell.py", SHELL.replace("label(", "str("))
    repo.write("query.py", SQL)
    repo.write("lib.py", "import hashlib\n\n\ndef noop():\n    return hashlib.md5(b'')\n")
    repo.commit()
    prepared = prepare(_context(repo))
    loaded = load_rules(prepared.rules)
    pack = [p for p in prepared.rules if p not in prepared.taint]
    assert [p.name for p in prepared.taint] == ["taint.json"]
    assert [p.name for p in pack] == ["crypto.json"]  # the crypto rules, for lib.py alone
    assert limited_to(loaded, ["shell.py", "query.py"], tmp_path) == list(prepared.taint)
    only_query = limited_to(loaded, ["query.py"], tmp_path)
    assert len(only_query) == 1 and only_query[0].parent == tmp_path
    rules = yaml.safe_load(only_query[0].read_text())["rules"]
    assert rules and all(r["paths"]["include"] == ["/query.py"] for r in rules)
    assert "assay.python.sqli.taint" in {r["id"].split("--copy")[0] for r in rules}
    # a file no taint rule can report in gets the pack's other rules only
    assert limited_to(loaded, ["lib.py"], tmp_path) == pack
    # and Semgrep runs on no file that no rule runs on
    assert limited_targets(loaded, ["other.py", "lib.py", "query.py"]) == ["lib.py", "query.py"]


SHOP = ("import os\nfrom flask import request\n\n\ndef view():\n"
        "    os.system('ls ' + tidy(request.args['d']))\n\n\n"
        "def tidy(value):\n    return 'fixed'\n")
BLOG = ("import os\nfrom flask import request\n\n\ndef view():\n"
        "    os.system('ls ' + tidy(request.args['d']))\n\n\n"
        "def tidy(text):\n    return text.strip()\n")


def test_a_helper_matched_by_its_code_is_looked_for_in_its_own_files(
        repo: GitRepo, tmp_path: Path) -> None:
    """Two modules define `tidy`; one returns a constant, so calls of it are sanitized
    where its very code is in the file (matched as a statement sequence anywhere in the
    file: costly). Only the copies for files holding every name of that code carry it;
    the scan still finds the other module's flow and not this one's."""
    from assay.scanners.semgrep._prefilter import identifiers
    from assay.scanners.semgrep._rulegen import extend_pack
    from assay.scanners.semgrep._summaries import summarize

    views = {"shop.py": SHOP, "blog.py": BLOG}
    rule = "assay.python.command-injection.taint"
    out = extend_pack(_pack(), summarize(views, views), _writer(tmp_path),
                      include={rule: sorted(views)},
                      vocabulary=lambda paths: identifiers("\n".join(views[p] for p in paths)),
                      copies=2)
    copies = {r["paths"]["include"][0]: json.dumps(r["pattern-sanitizers"])
              for r in _taint(out.paths).values() if r["id"].startswith(rule)}
    assert "def tidy(value)" in copies["/shop.py"]
    assert "def tidy(value)" not in copies["/blog.py"]  # blog.py has no `value`
    repo.write("shop.py", SHOP)
    repo.write("blog.py", BLOG)
    repo.commit()
    from assay.api import scan

    found = [(f.path, f.span.start_line) for f in scan(repo.path).run.findings
             if f.rule_id == rule]
    assert found == [("blog.py", 6)]


WRAPPER = ("import os\n\n\ndef run_in(folder):\n    os.system('ls ' + folder)\n")


def _summaries(wrapper: str = WRAPPER) -> Any:
    from assay.scanners.semgrep._summaries import summarize

    return summarize({"helpers.py": HELPER, "shell.py": wrapper, "views.py": VIEW,
                      "tasks.py": "from shell import run_in\n\n\ndef go(x):\n    run_in(x)\n"})


def test_what_the_pack_and_summaries_give_is_kept_and_read_back(tmp_path: Path) -> None:
    from assay.scanners.semgrep._derived import KEEP, canonical, derive

    pack, summaries = Pack(tuple(rule_files())), _summaries()
    fresh = derive(pack, summaries, "code")
    assert any(w.name == "run_in" for ws in fresh.wrappers.values() for w in ws)
    kept = derive(pack, summaries, "code", tmp_path)
    assert canonical(kept) == canonical(fresh)
    [path] = tmp_path.glob("*.json")
    # read back, every field of every wrapper as it was (a source text, a local call)
    again = derive(pack, summaries, "code", tmp_path)
    assert canonical(again) == canonical(fresh)
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "key": "planted"}))
    assert derive(pack, summaries, "code", tmp_path).key == "planted"
    # another version of the code, or a damaged record, derives anew
    assert derive(pack, summaries, "other code", tmp_path).key == fresh.key
    path.write_text(json.dumps({**doc, "wrappers": {"x": [["too", "short"]]}}))
    assert canonical(derive(pack, summaries, "code", tmp_path)) == canonical(fresh)
    for number in range(KEEP + 2):
        derive(pack, summaries, f"code {number}", tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == KEEP


def test_the_kept_derivation_is_keyed_by_every_field_of_the_summaries(tmp_path: Path) -> None:
    from dataclasses import replace

    from assay.scanners.semgrep._derived import derive

    pack, summaries = Pack(tuple(rule_files())), _summaries()
    derive(pack, summaries, "code", tmp_path)
    # a field left out of comparisons (a summary's source text) still makes another key
    changed = replace(summaries, functions=tuple(
        replace(f, source=f.source + "\n# changed") for f in summaries.functions))
    assert changed == summaries
    derive(pack, changed, "code", tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 2
