"""The labeling page's data: a ledger sample's blinded items with the code around each.

Code comes from the snapshot the sample was drawn at (the commit's blobs, read with git
plumbing, or the work tree when the runs had no commit). When that code cannot be read
(the repository moved, the file is gone) the finding's own snippet is shown instead, and
when there is no snippet either the page says the code is not available.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path

from assay.errors import AssayError, UsageError
from assay.ledger.labels import BlindItem, get_sample, list_sample, record_label
from assay.ledger.sqlite import SqliteLedger
from assay.model import Span
from assay.repo import RepoError, git, open_snapshot
from assay.repo.interface import Snapshot
from assay.report.label_server import CodeLine, LabelItem, LabelServer

CONTEXT_LINES = 8


class SourceCode:
    """Lines of files at one commit (or work tree) of a repository, read once each."""

    def __init__(self, root: str, commit: str | None) -> None:
        self.root = root
        self.commit = commit
        self._snapshot: Snapshot | None = None
        self._opened = False
        self._files: dict[str, list[str] | None] = {}

    def _open(self) -> Snapshot | None:
        if not self._opened:
            self._opened = True
            try:
                if self.root and Path(self.root).is_dir():
                    self._snapshot = open_snapshot(self.root, self.commit)
            except AssayError:
                self._snapshot = None
        return self._snapshot

    def lines(self, path: str) -> list[str] | None:
        """The file's lines, or None when it cannot be read."""
        if path not in self._files:
            self._files[path] = self._read(path)
        return self._files[path]

    def _read(self, path: str) -> list[str] | None:
        snapshot = self._open()
        if snapshot is None or snapshot.get(path) is None:
            return None
        try:
            data = snapshot.read(path)
        except (AssayError, OSError, KeyError):
            return None
        return data.decode("utf-8", errors="replace").splitlines()


def context(lines: Sequence[str], span: Span, radius: int = CONTEXT_LINES) -> tuple[CodeLine, ...]:
    """The finding's lines and `radius` lines either side, 1-based."""
    first = max(1, span.start_line - radius)
    last = min(len(lines), span.end_line + radius)
    return tuple(CodeLine(n, lines[n - 1], span.start_line <= n <= span.end_line)
                 for n in range(first, last + 1))


def snippet_context(snippet: str, span: Span) -> tuple[CodeLine, ...]:
    """The finding's snippet, numbered from its first line (all of it marked)."""
    return tuple(CodeLine(span.start_line + i, text, True)
                 for i, text in enumerate(snippet.splitlines()))


class LedgerLabelSource:
    """A `LabelSource` over one sample in the ledger; verdicts are appended as labels."""

    def __init__(self, ledger: SqliteLedger, sample_id: str, labeler: str) -> None:
        self.ledger = ledger
        self.info = get_sample(ledger, sample_id)
        self.labeler = labeler
        self.code = SourceCode(self.info.root, self.info.commit)

    def items(self) -> list[LabelItem]:
        """The sample's items, blinded, each with its latest verdict and its code."""
        return [self._item(i) for i in list_sample(self.ledger, self.info.id)]

    def _item(self, item: BlindItem) -> LabelItem:
        lines = self.code.lines(item.path)
        code = context(lines, item.span) if lines else snippet_context(item.snippet, item.span)
        return LabelItem(item_id=str(item.item_id), position=item.item_id, family=item.family,
                         title="", path=item.path, start_line=item.span.start_line,
                         end_line=item.span.end_line, context=code,
                         label=item.verdict.value if item.verdict else "",
                         message=item.message)

    def save(self, item_id: str, verdict: str) -> None:
        """Append the verdict (KeyError for an item the sample does not have)."""
        try:
            number = int(item_id)
        except ValueError:
            raise KeyError(item_id) from None
        record_label(self.ledger, self.info.id, number, verdict, self.labeler, source="serve")


def default_labeler(path: str | Path = ".") -> str:
    """Who is labeling: the user's own git user.name (never the scanned repository's
    configuration), else the login name."""
    try:
        name = git.run_git(Path(path), ["config", "--global", "user.name"]).decode().strip()
    except (RepoError, OSError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"


def open_label_server(ledger: SqliteLedger, sample_id: str, labeler: str,
                      port: int = 0) -> LabelServer:
    """A labeling server for one sample of the ledger (id or unique prefix)."""
    source = LedgerLabelSource(ledger, sample_id, labeler)
    title = f"Blind labeling: sample {source.info.id}"
    try:
        return LabelServer(source, title, port=port)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                         "pick another --port, or 0 for any free port") from None
