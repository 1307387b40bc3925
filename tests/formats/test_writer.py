"""The writer registry: one interface for every output, calling the render functions."""

from __future__ import annotations

from io import StringIO

import pytest

from assay.errors import UsageError
from assay.formats.json import dumps, run_to_document
from assay.formats.markdown import run_to_markdown
from assay.formats.sarif import run_to_sarif
from assay.formats.writer import (
    CSV,
    JSON,
    MD,
    SARIF,
    TEXT,
    WriteOptions,
    formats_of,
    render,
    show,
    writer_for,
)
from assay.report.terminal import buffer_console
from assay.report.text import render_run
from tests.workflow.factories import finding, run

KINDS = ("run", "gate", "tier", "findings", "finding", "history", "latency", "proof",
         "replay", "label-sample", "label-import", "label-samples")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_text_and_json(kind: str) -> None:
    assert {TEXT, JSON} <= set(formats_of(kind))


def test_the_formats_of_runs_gates_and_samples() -> None:
    assert set(formats_of("run")) == {TEXT, JSON, SARIF, MD}
    assert set(formats_of("gate")) == {TEXT, JSON, SARIF, MD}
    assert CSV in formats_of("label-sample")


def test_a_run_is_written_as_its_render_functions_write_it() -> None:
    r = run([finding(), finding("b.py", 7)])
    assert render("run", r, JSON) == dumps(run_to_document(r))
    assert render("run", r, JSON, WriteOptions(with_metrics=True)) == \
        dumps(run_to_document(r, with_metrics=True))
    assert render("run", r, SARIF) == dumps(run_to_sarif(r))
    assert render("run", r, MD) == run_to_markdown(r)
    buffer = StringIO()
    render_run(r, buffer_console(buffer), "ledger.db")
    text = render("run", r, TEXT, WriteOptions(ledger="ledger.db"))
    assert text == buffer.getvalue() and "b.py" in text


def test_a_terminal_view_prints_to_the_console_it_is_given() -> None:
    r = run([finding()])
    buffer = StringIO()
    show("run", r, TEXT, buffer_console(buffer))
    assert buffer.getvalue() == render("run", r, TEXT) and "app.py" in buffer.getvalue()
    json_buffer = StringIO()
    show("run", r, JSON, buffer_console(json_buffer))  # a whole document, as is
    assert json_buffer.getvalue() == render("run", r, JSON)


def test_a_format_a_kind_does_not_have_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no sarif output for findings") as caught:
        writer_for("findings", SARIF)
    assert caught.value.hint == "formats: text, json"
    with pytest.raises(UsageError, match="no json output for no-such-kind") as caught:
        render("no-such-kind", None, JSON)
    assert caught.value.hint == "formats: none"
