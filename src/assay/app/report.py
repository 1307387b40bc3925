"""The memo for library users and the CLI.

    from pathlib import Path
    from assay.app.measure import load_runs
    from assay.app.report import memo_for, write_memo

    runs = load_runs(files=[Path("run1.json"), Path("run2.json")])
    memo = memo_for(runs, truth=Path("truth.yaml"))
    write_memo(memo, html=Path("memo.html"), markdown=Path("memo.md"))
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.app.measure import evaluate_runs
from assay.app.scan import llm_states
from assay.errors import UsageError
from assay.ledger import open_ledger
from assay.model import FindingKind, Run
from assay.project import default_ledger, locate_project
from assay.repo import RepoError, git
from assay.report.compose import MemoOptions, build_memo
from assay.report.html import memo_to_html
from assay.report.markdown_memo import memo_to_markdown
from assay.report.memo import Memo

__all__ = ["Memo", "MemoOptions", "memo_for", "memo_to_html", "memo_to_markdown",
           "resolve_commit", "run_ids_at"]


def memo_for(runs: Sequence[Run], *, truth: Path | None = None, path: str | Path | None = ".",
             options: MemoOptions | None = None,
             ledger: str | Path | None = None) -> Memo:
    """Measure `runs` (and score them against `truth`, when given) and compose the memo.

    `path` is the project whose files truth items are checked against (None: no check),
    and whose ledger (or `ledger`) holds the states of the runs' LLM findings.
    """
    opts = options or MemoOptions()
    evaluation = None
    if truth is not None:
        evaluation = evaluate_runs(runs, truth, path=path, tolerance=opts.tolerance)
    states = _llm_states(runs, path, ledger) if path is not None else {}
    return build_memo(runs, opts, evaluation, states)


def _llm_states(runs: Sequence[Run], path: str | Path,
                ledger: str | Path | None) -> dict[str, str]:
    """The lifecycle state of the runs' LLM findings, from the project's ledger (none
    read when no run has an LLM finding, or when there is no ledger: reading a report
    never creates one)."""
    if not any(f.kind is FindingKind.LLM for r in runs for f in r.findings):
        return {}
    target = default_ledger(locate_project(path), ledger)
    if "://" not in str(target) and not Path(target).exists():
        return {}  # no ledger yet: every LLM finding is unverified (and none is created)
    store = open_ledger(target)
    try:
        return {fp: state for run in runs for fp, state in llm_states(store, run)}
    finally:
        store.close()


def resolve_commit(commit: str, path: str | Path = ".") -> str:
    """The commit id a revision (HEAD, a branch, a tag, an id prefix) names in the
    repository at `path`; the text itself when git does not know it (an id prefix of
    runs recorded elsewhere)."""
    try:
        return git.resolve_commit(locate_project(path).root, commit)
    except RepoError:
        return commit


def run_ids_at(commit: str, *, path: str | Path = ".",
               ledger: str | Path | None = None) -> list[str]:
    """Ids of every recorded run of `commit` (a revision like HEAD, or a commit id prefix)."""
    project = locate_project(path)
    full = resolve_commit(commit, path)
    with open_ledger(default_ledger(project, ledger)) as store:
        found: list[str] = sorted(r.id for r in store.list_runs(limit=1_000_000, commit=full))
    if not found:
        raise UsageError(f"no recorded runs of commit {commit!r}",
                         "list runs with `assay runs --commit REV`")
    return found
