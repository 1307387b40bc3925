"""Per-file pre-pass facts: kept by content in the result cache, read back exactly, and
read again for a changed file or a damaged record."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.ledger.result_cache import open_result_cache
from assay.repo import open_snapshot
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep import _facts as facts
from assay.scanners.semgrep import rule_files
from assay.scanners.semgrep._facts import FileFacts, decode, encode, file_facts, read_files
from assay.scanners.semgrep._layout import RunLayout
from assay.scanners.semgrep._pack import Pack
from assay.scanners.semgrep._prepass import Prepared, prepare
from assay.scanners.semgrep._pysource import module_names
from assay.scanners.semgrep._summaries import classify, summarize
from assay.scanners.workers import in_workers
from tests.helpers import GitRepo

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HELPER = "from flask import request\n\n\ndef get_param(name):\n    return request.args.get(name)\n"
VIEW = ("import os\nfrom helpers import get_param\n\n\ndef run():\n"
        "    os.system('ls ' + get_param('dir'))\n")


def _corpus_sources() -> dict[str, str]:
    return {str(p.relative_to(CORPUS)): p.read_text(encoding="utf-8")
            for p in sorted(CORPUS.rglob("*.py"))}


def _names(sources: dict[str, str]) -> dict[str, str]:
    return module_names(list(sources), set(sources))


def test_every_corpus_file_reads_back_exactly_as_it_was_kept() -> None:
    sources = _corpus_sources()
    names = _names(sources)
    assert len(sources) > 200
    for path, text in sources.items():
        read = file_facts(path, names[path], text)
        assert decode(encode(read), path, names[path]) == read, path
    broken = file_facts("broken.py", "broken", "def f(:\n")
    assert broken.module is None and "def" in broken.words
    assert decode(encode(broken), "broken.py", "broken") == broken
    # the elements of a returned tuple: stored, what they depend on, the calls around them
    tupled = file_facts("t.py", "t", "import bleach\n\n\ndef f(cur):\n"
                                     "    r = cur.fetchone()\n    return r, bleach.clean(r)\n")
    assert tupled.module is not None
    (first, second) = tupled.module.functions[0].returns[0].elements
    assert (first.stored, second.stored, second.outer) == (True, False, ("bleach.clean",))
    assert decode(encode(tupled), "t.py", "t") == tupled


def test_summaries_from_kept_facts_equal_summaries_read_afresh(tmp_path: Path) -> None:
    sources = _corpus_sources()
    names = _names(sources)
    cache = open_result_cache(tmp_path)
    ids = {p: f"id-{p}" for p in sources}
    read_files(sources, names, 1, cache, ids, "salt")
    kept = read_files(sources, names, 1, cache, ids, "salt")
    assert classify(f.module for f in kept.values() if f.module) == summarize(sources, sources)


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the pre-pass reads from here on (rather than taking from the cache)."""
    paths: list[str] = []
    original = facts._read_batch

    def counting(work: list[tuple[str, str, str]]) -> list[FileFacts]:
        paths.extend(path for path, _, _ in work)
        return original(work)

    monkeypatch.setattr(facts, "_read_batch", counting)
    return paths


def test_only_changed_or_damaged_files_are_read_again(tmp_path: Path, read: list[str]) -> None:
    sources = {"a.py": "def a():\n    return 1\n", "b.py": "import os\n", "c.py": "x = 1\n"}
    names = _names(sources)
    cache = open_result_cache(tmp_path)
    ids = {p: f"id-{p}" for p in sources}
    first = read_files(sources, names, 1, cache, ids, "v1")
    assert read == ["a.py", "b.py", "c.py"]
    read.clear()
    assert read_files(sources, names, 1, cache, ids, "v1") == first
    assert read == []
    changed = {**sources, "b.py": "import subprocess\n"}
    again = read_files(changed, names, 1, cache, {**ids, "b.py": "id-b2"}, "v1")
    assert read == ["b.py"] and "subprocess" in again["b.py"].words
    # a damaged record is read again, never trusted; other code's records are not used
    key = facts._key("c.py", names["c.py"], ids["c.py"], "v1")
    cache.put_docs(facts.KIND, [(key, '{"words": 5, "hint": "yes", "module": null}')])
    read.clear()
    assert read_files(sources, names, 1, cache, ids, "v1") == first
    assert read == ["c.py"]
    read.clear()
    read_files(sources, names, 1, cache, ids, "v2")
    assert read == ["a.py", "b.py", "c.py"]


def test_without_a_cache_every_file_is_read() -> None:
    sources = {"v.py": VIEW}
    found = read_files(sources, _names(sources))
    assert found["v.py"].module is not None and found["v.py"].request_hint is False
    assert read_files({"h.py": HELPER}, {"h.py": "h"})["h.py"].request_hint is True


def _double(items: list[int]) -> list[int]:
    return [2 * i for i in items]


def test_work_in_worker_processes_comes_back_in_order() -> None:
    items = list(range(1003))
    assert in_workers(_double, items, jobs=2) == [2 * i for i in items]
    assert in_workers(_double, items[:5], jobs=2) == [0, 2, 4, 6, 8]


def _parse(texts: list[str]) -> list[int]:
    import ast

    return [len(ast.parse(t).body) for t in texts]


def test_workers_print_no_warning_of_the_scanned_code(capfd: pytest.CaptureFixture[str]) -> None:
    texts = ['x = "\\d"\n'] * 500  # an invalid escape sequence: a SyntaxWarning
    assert in_workers(_parse, texts, jobs=2) == [1] * 500
    assert "SyntaxWarning" not in capfd.readouterr().err


def test_a_rescan_after_an_edit_reads_only_the_edited_file(repo: GitRepo,
                                                           read: list[str]) -> None:
    repo.write("helpers.py", HELPER)
    repo.write("views.py", VIEW)
    repo.write("other.py", "def other():\n    return 2\n")
    repo.commit()
    cache = open_result_cache(repo.path / ".assay")

    def context(use_cache: bool = True) -> ScanContext:
        snapshot = open_snapshot(repo.path)
        return ScanContext(snapshot=snapshot, files=tuple(f.path for f in snapshot.files),
                           state_dir=repo.path / ".assay", use_cache=use_cache,
                           cache=cache if use_cache else None)

    def prepared(ctx: ScanContext) -> Prepared:
        return prepare(ctx, RunLayout(ctx.state_dir), Pack(tuple(rule_files())))

    prepared(context())
    read.clear()
    repo.write("helpers.py", "def get_param(name):\n    return 'fixed'\n")
    edited = prepared(context())
    assert read == ["helpers.py"]
    read.clear()
    fresh = prepared(context(use_cache=False))
    assert read == ["helpers.py", "other.py", "views.py"]
    assert (edited.key, edited.provenance) == (fresh.key, fresh.provenance)
    summaries = dict(edited.provenance)
    assert summaries["semgrep.summaries.source"] == "0"
    assert summaries["semgrep.summaries.constant"] == "1: helpers.get_param"


def test_the_empty_outcome_shortcut_is_what_the_cache_writes() -> None:
    from assay.ledger.result_cache import _EMPTY, FileOutcome, _decode, _encode

    assert _encode(FileOutcome()) == _EMPTY
    assert _decode(_EMPTY, "a.py") == FileOutcome()


def test_an_unreadable_cache_reads_as_empty_and_says_so(tmp_path: Path) -> None:
    import sqlite3

    cache = open_result_cache(tmp_path)
    cache.put_docs("kind", [("k", "v")])
    assert cache.get_docs("kind", ["k"]) == {"k": "v"}
    other = sqlite3.connect(tmp_path / "cache.db")
    other.execute("DROP TABLE documents")
    other.commit()
    other.close()
    assert cache.get_docs("kind", ["k"]) == {} and "unreadable" in cache.error


def test_the_walk_visits_what_ast_walk_does_but_load_and_store_markers() -> None:
    import ast

    from assay.scanners.semgrep._pysource import _walk

    for path in sorted(CORPUS.rglob("*.py"))[:80]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        expected = [n for n in ast.walk(tree) if not isinstance(n, ast.expr_context)]
        assert list(_walk(tree)) == expected, path
