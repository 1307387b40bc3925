"""One interface for every output: a `Writer` turns one kind of document into text in one
format, and a registry finds it by (kind, format).

    text = render("run", run, "sarif")
    show("gate", result, "text", console)   # a terminal view, with colour on a terminal

Kinds: `run`, `gate`, `tier`, `findings`, `finding`, `history`, `latency`, `proof`,
`replay`, `label-sample`, `label-import`, `label-samples`. Formats: `text` (terminal
tables and lines), `json`, `sarif`, `md`, `csv`. The writers call the render functions of
formats/ and report/; they are imported when a writer is used, so choosing an output
costs nothing until it is written.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import StringIO
from typing import Any

from rich.console import Console

from assay.errors import UsageError

TEXT, JSON, SARIF, MD, CSV = "text", "json", "sarif", "md", "csv"


@dataclass(frozen=True)
class WriteOptions:
    """What a writer may need besides the document."""

    with_metrics: bool = False
    """JSON of a run or gate: add the run id, timings and cache statistics."""
    fail_on: str | None = None
    """Text and Markdown of a run: the threshold, so a failing result says what blocked."""
    ledger: str = ""
    """Text of a run: where it was recorded."""
    states: Mapping[str, str] | None = None
    """Text and Markdown of a run: the lifecycle state of its LLM findings by fingerprint."""


class Writer(ABC):
    """How one kind of document is written in one format."""

    @abstractmethod
    def text(self, document: Any, options: WriteOptions) -> str:
        """The document as text (for a file, a pipe or a terminal)."""

    def show(self, document: Any, console: Console, options: WriteOptions) -> None:
        """The document on a terminal console; by default its text, as is."""
        console.file.write(self.text(document, options))
        console.file.flush()


@dataclass(frozen=True)
class DocumentWriter(Writer):
    """A writer from a function returning the whole text (JSON, SARIF, Markdown, CSV)."""

    function: Callable[[Any, WriteOptions], str]

    def text(self, document: Any, options: WriteOptions) -> str:
        """The function's text."""
        return self.function(document, options)


@dataclass(frozen=True)
class ConsoleWriter(Writer):
    """A writer from a terminal view: printed to a console, or captured without colour."""

    view: Callable[[Any, Console, WriteOptions], None]

    def text(self, document: Any, options: WriteOptions) -> str:
        """The view as printed to a colourless console."""
        from assay.report.terminal import buffer_console

        buffer = StringIO()
        self.view(document, buffer_console(buffer), options)
        return buffer.getvalue()

    def show(self, document: Any, console: Console, options: WriteOptions) -> None:
        """The view, printed to `console`."""
        self.view(document, console, options)


_REGISTRY: dict[tuple[str, str], Writer] = {}


def register(kind: str, fmt: str, writer: Writer) -> None:
    """Make `writer` the one for `kind` documents in `fmt`."""
    _REGISTRY[(kind, fmt)] = writer


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats a kind of document can be written in."""
    return tuple(f for k, f in _REGISTRY if k == kind)


def writer_for(kind: str, fmt: str) -> Writer:
    """The registered writer; UsageError naming the formats there are."""
    try:
        return _REGISTRY[(kind, fmt)]
    except KeyError:
        raise UsageError(f"no {fmt} output for {kind}",
                         f"formats: {', '.join(formats_of(kind)) or 'none'}") from None


def render(kind: str, document: Any, fmt: str, options: WriteOptions | None = None) -> str:
    """The document as text in `fmt`."""
    return writer_for(kind, fmt).text(document, options or WriteOptions())


def show(kind: str, document: Any, fmt: str, console: Console,
         options: WriteOptions | None = None) -> None:
    """The document on a console in `fmt` (a terminal view for `text`)."""
    writer_for(kind, fmt).show(document, console, options or WriteOptions())


def _dumps(document: Any) -> str:
    from assay.formats.json import dumps

    return dumps(document)


def _json(build: Callable[[Any], Any]) -> DocumentWriter:
    return DocumentWriter(lambda document, _: _dumps(build(document)))


# ---- runs (scan, show) -------------------------------------------------------------------

def _run_view(options: WriteOptions) -> dict[str, Any]:
    """The threshold and states for a run's text and Markdown, only when given (renderers
    that take none are called as before)."""
    given = {"fail_on": options.fail_on, "states": options.states}
    return {k: v for k, v in given.items() if v is not None}


def _run_json(run: Any, options: WriteOptions) -> str:
    from assay.formats.json import run_to_document

    return _dumps(run_to_document(run, with_metrics=options.with_metrics))


def _run_sarif(run: Any, options: WriteOptions) -> str:
    from assay.formats.sarif import run_to_sarif

    return _dumps(run_to_sarif(run, trust=options.states))


def _run_md(run: Any, options: WriteOptions) -> str:
    from assay.formats.markdown import run_to_markdown

    return run_to_markdown(run, **_run_view(options))


def _run_text(run: Any, console: Console, options: WriteOptions) -> None:
    from assay.report.text import render_run

    render_run(run, console, options.ledger, **_run_view(options))


# ---- gate and tier -------------------------------------------------------------------------

def _gate_json(result: Any, options: WriteOptions) -> str:
    from assay.formats.gate_document import gate_to_document

    return _dumps(gate_to_document(result, options.with_metrics))


def _gate_sarif(result: Any, options: WriteOptions) -> str:
    from assay.formats.gate_document import gate_to_sarif

    return _dumps(gate_to_sarif(result))


def _gate_md(result: Any, options: WriteOptions) -> str:
    from assay.report.gate_view import gate_to_markdown

    return gate_to_markdown(result)


def _gate_text(result: Any, console: Console, options: WriteOptions) -> None:
    from assay.report.gate_view import render_gate

    render_gate(result, console)


def _tier_json(result: Any) -> Any:
    from assay.formats.gate_document import tier_to_document

    return tier_to_document(result)


def _tier_text(result: Any, console: Console, options: WriteOptions) -> None:
    from assay.report.gate_view import render_tier

    render_tier(result, console)


# ---- the finding lifecycle -----------------------------------------------------------------

def _lifecycle(name: str) -> Callable[[Any], Any]:
    def build(document: Any) -> Any:
        from assay.formats import lifecycle_document

        return getattr(lifecycle_document, name)(document)
    return build


def _lifecycle_view(name: str) -> ConsoleWriter:
    def view(document: Any, console: Console, options: WriteOptions) -> None:
        from assay.report import lifecycle_view

        getattr(lifecycle_view, name)(document, console)
    return ConsoleWriter(view)


# ---- labeling ------------------------------------------------------------------------------

def _labels(name: str) -> Callable[[Any], Any]:
    def build(document: Any) -> Any:
        from assay.formats import label_document

        return getattr(label_document, name)(document)
    return build


def _sample_csv(drawn: Any, options: WriteOptions) -> str:
    from assay.formats.label_document import sample_csv

    return sample_csv(drawn)


def _sample_text(drawn: Any, options: WriteOptions) -> str:
    from assay.report.label_view import sample_text

    return sample_text(drawn)


def _label_view(name: str) -> ConsoleWriter:
    def view(document: Any, console: Console, options: WriteOptions) -> None:
        from assay.report import label_view

        getattr(label_view, name)(document, console)
    return ConsoleWriter(view)


def _register_builtin() -> None:
    for kind, fmt, writer in [
        ("run", TEXT, ConsoleWriter(_run_text)), ("run", JSON, DocumentWriter(_run_json)),
        ("run", SARIF, DocumentWriter(_run_sarif)), ("run", MD, DocumentWriter(_run_md)),
        ("gate", TEXT, ConsoleWriter(_gate_text)), ("gate", JSON, DocumentWriter(_gate_json)),
        ("gate", SARIF, DocumentWriter(_gate_sarif)), ("gate", MD, DocumentWriter(_gate_md)),
        ("tier", TEXT, ConsoleWriter(_tier_text)), ("tier", JSON, _json(_tier_json)),
        ("findings", TEXT, _lifecycle_view("render_findings")),
        ("findings", JSON, _json(_lifecycle("findings_document"))),
        ("finding", TEXT, _lifecycle_view("render_finding")),
        ("finding", JSON, _json(_lifecycle("finding_document"))),
        ("history", TEXT, _lifecycle_view("render_history")),
        ("history", JSON, _json(_lifecycle("history_document"))),
        ("latency", TEXT, _lifecycle_view("render_latency")),
        ("latency", JSON, _json(_lifecycle("latency_document"))),
        ("proof", TEXT, _lifecycle_view("render_proof")),
        ("proof", JSON, _json(_lifecycle("proof_document"))),
        ("replay", TEXT, _lifecycle_view("render_replay")),
        ("replay", JSON, _json(_lifecycle("replay_document"))),
        ("label-sample", TEXT, DocumentWriter(_sample_text)),
        ("label-sample", JSON, _json(_labels("sample_document"))),
        ("label-sample", CSV, DocumentWriter(_sample_csv)),
        ("label-import", TEXT, _label_view("render_import")),
        ("label-import", JSON, _json(_labels("import_document"))),
        ("label-samples", TEXT, _label_view("render_samples")),
        ("label-samples", JSON, _json(_labels("samples_document"))),
    ]:
        register(kind, fmt, writer)


_register_builtin()
