"""The label use case: draw a blind sample of findings from several scanners, import
verdicts from a CSV, list samples, and serve the labeling page.

The labeling page's data is a ledger sample's blinded items with the code around each.

Code comes from the snapshot the sample was drawn at (the commit's blobs, read with git
plumbing, or the work tree when the runs had no commit). When that code cannot be read
(the repository moved, the file is gone) the finding's own snippet is shown instead, and
when there is no snippet either the page says the code is not available.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assay.errors import AssayError, UsageError
from assay.formats.label_document import DrawnSample, LabelImport, read_label_csv
from assay.ledger import open_ledger
from assay.ledger.labels import (
    BlindItem,
    NewLabel,
    SampleInfo,
    Verdict,
    get_sample,
    list_sample,
    list_samples,
    record_label,
    record_labels,
    resolve_sample,
    store_sample,
    unblind,
)
from assay.ledger.sqlite import SqliteLedger
from assay.measure.evaluate import LabelScore, label_precision
from assay.measure.sampling import draw_sample
from assay.model import Run, Span
from assay.project import default_ledger, locate_project
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


@contextmanager
def open_project_ledger(path: str | Path, ledger: str | Path | None) -> Iterator[SqliteLedger]:
    """The ledger of the project at `path` (or the one given), opened and closed."""
    store = open_ledger(ledger or default_ledger(locate_project(path)))
    try:
        yield store
    finally:
        store.close()


def draw_label_sample(path: str | Path, runs: Sequence[Run], per_scanner: int, seed: int, *,
                      ledger: str | Path | None = None) -> DrawnSample:
    """Draw up to `per_scanner` findings of each scanner of `runs`, shuffled with `seed`
    and blinded (scanner hidden), and store the sample in the project's ledger."""
    drawn = draw_sample(runs, per_scanner, seed)
    root = str(locate_project(path).root)
    with open_project_ledger(path, ledger) as store:
        info = store_sample(store, drawn, root=root)
        return DrawnSample(info, tuple(list_sample(store, info.id)))


def label_samples(path: str | Path = ".", *,
                  ledger: str | Path | None = None) -> list[SampleInfo]:
    """Every stored sample, newest first, with its labeling progress."""
    with open_project_ledger(path, ledger) as store:
        return list_samples(store)


def import_labels(path: str | Path, file: Path, *, sample_id: str | None = None,
                  labeler: str | None = None,
                  ledger: str | Path | None = None) -> LabelImport:
    """Record the verdicts of a label CSV (columns item_id, verdict; optional sample_id,
    labeler, note), all rows or none per sample. Rows name their sample, else
    `sample_id`, else the newest sample; their labeler, else `labeler`, else $USER."""
    rows = read_label_csv(file)
    fallback = labeler or os.environ.get("USER") or "import"
    counts: dict[str, int] = {}
    with open_project_ledger(path, ledger) as store:
        for sid, labels in _by_sample(rows, sample_id, fallback, labeler).items():
            full = resolve_sample(store, sid or None)  # '' : the newest sample
            try:
                counts[full] = record_labels(store, full, labels)
            except KeyError as exc:
                raise UsageError(f"{file}: {exc.args[0]}",
                                 "item ids are those of `assay label sample`") from None
    return LabelImport(str(file), counts)


def _by_sample(rows: list[tuple[int, dict[str, str]]], sample_id: str | None,
               default_labeler: str, forced_labeler: str | None) -> dict[str, list[NewLabel]]:
    out: dict[str, list[NewLabel]] = {}
    for number, row in rows:
        if not row.get("verdict"):
            continue
        try:
            item_id = int(row["item_id"])
            verdict = Verdict.parse(row["verdict"])
        except ValueError as exc:
            raise UsageError(f"line {number}: {exc}") from None
        sid = sample_id or row.get("sample_id") or ""
        who = forced_labeler or row.get("labeler") or default_labeler
        out.setdefault(sid, []).append(NewLabel(item_id, verdict, who, row.get("note", "")))
    return out


@contextmanager
def label_server(path: str | Path, sample_id: str | None, labeler: str | None, port: int, *,
                 ledger: str | Path | None = None) -> Iterator[tuple[LabelServer, SampleInfo]]:
    """A labeling server for one sample (id or prefix; the newest by default) and the
    sample's summary; closed, with the ledger, on exit."""
    with open_project_ledger(path, ledger) as store:
        sid = resolve_sample(store, sample_id)
        server = open_label_server(store, sid, labeler or default_labeler(path), port)
        try:
            yield server, get_sample(store, sid)
        finally:
            server.close()


def sample_progress(path: str | Path, sample_id: str, *,
                    ledger: str | Path | None = None) -> SampleInfo:
    """One sample's summary, as labeling stands now."""
    with open_project_ledger(path, ledger) as store:
        return get_sample(store, sample_id)


@dataclass(frozen=True)
class LabelPrecision:
    """Per-scanner precision of one sample from its blind labels (`assay eval --labels`)."""

    sample_id: str
    scores: tuple[LabelScore, ...]
    population: dict[str, int]


def precision_from_labels(path: str | Path, sample_id: str | None = None, *,
                          ledger: str | Path | None = None) -> LabelPrecision:
    """Unblind a sample (id or prefix; the newest by default) and score each scanner's
    precision from its labels."""
    with open_project_ledger(path, ledger) as store:
        sid = resolve_sample(store, sample_id)
        info = get_sample(store, sid)
        rows = [(scanner, item.item.verdict.value if item.item.verdict else None)
                for item in unblind(store, sid) for scanner in item.scanners]
    return LabelPrecision(sid, label_precision(rows, info.population), info.population)
