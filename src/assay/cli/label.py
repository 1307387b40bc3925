"""`assay label`: blind labeling of findings (sample, import, list; `serve` adds the page).

The sub-app is `label_app`; other modules add commands to it (e.g. `serve`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from assay.cli import measure_common as mc
from assay.cli.app import app, stderr_console, stdout_console, write_output
from assay.errors import UsageError
from assay.formats.escape import visible
from assay.ledger.sqlite import SqliteLedger
from assay.report.terminal import add_row

label_app = typer.Typer(help="Blind labeling: draw a sample, label it, import labels.",
                        no_args_is_help=True)
app.add_typer(label_app, name="label")

CSV_COLUMNS = ("sample_id", "item_id", "path", "start_line", "end_line", "cwe", "message",
               "verdict", "labeler", "note")


@contextmanager
def open_project_ledger(path: Path, ledger: str | None) -> Iterator[SqliteLedger]:
    """The ledger of the project at `path` (or the one given), opened and closed."""
    from assay import api
    from assay.ledger import open_ledger

    target = ledger or api.default_ledger(api.locate_project(path))
    store = open_ledger(target)
    try:
        yield store
    finally:
        store.close()


@label_app.command("sample")
def sample(
    args: list[str] | None = mc.PATH_ARGS,
    per_scanner: int = typer.Option(50, "--per-scanner", min=1,
                                    help="Findings drawn from each scanner."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draw and the shuffle."),
    commit: str | None = typer.Option(None, "--commit",
                                      help="Sample the runs recorded at this commit "
                                           "(default HEAD): the newest run of each scanner."),
    from_ids: list[str] | None = mc.FROM_IDS,
    from_files: list[Path] | None = mc.FROM_FILES,
    csv_out: Path | None = typer.Option(None, "--csv",
                                        help="Also write the blinded items as CSV for "
                                             "labeling elsewhere (fill in `verdict`)."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
    output: Path | None = mc.OUTPUT,
) -> None:
    """Draw findings from several scanners on one commit, shuffled, scanner hidden."""
    from assay.app import measure
    from assay.ledger.labels import list_sample, store_sample
    from assay.measure.sampling import draw_sample

    source = mc.inputs(args, from_ids, from_files)
    if source.existing:
        if commit:
            raise UsageError("--commit selects ledger runs; drop it when using --from")
        runs = measure.load_runs(source.run_ids, source.files, path=source.path, ledger=ledger)
    else:
        runs = measure.latest_runs(source.path, commit=measure.commit_of(source.path,
                                                                         commit or "HEAD"),
                                   ledger=ledger)
    drawn = draw_sample(runs, per_scanner, seed)
    from assay import api

    root = str(api.locate_project(source.path).root)
    with open_project_ledger(source.path, ledger) as store:
        info = store_sample(store, drawn, root=root)
        items = list_sample(store, info.id)
    rows = [_row(info.id, i) for i in items]
    if csv_out is not None:
        write_output(_csv(rows), csv_out)
    document = {"schema": "assay.label-sample/1", "sample": info.id, "commit": info.commit,
                "seed": info.seed, "per_scanner": info.per_scanner, "runs": list(info.runs),
                "population": info.population, "items": rows}
    if as_json:
        mc.emit_json(document, output)
        return
    scanners = ", ".join(f"{visible(k)} ({v} findings)" for k, v in info.population.items())
    text = (f"sample {info.id}: {info.items} items drawn from {scanners} at "
            f"{(info.commit or '(no commit)')[:12]}, seed {seed}\n"
            f"label them with `assay label serve --sample {info.id}` or fill in a CSV "
            f"(`--csv FILE`) and `assay label import FILE`\n")
    write_output(text, output)


def _row(sample_id: str, item: Any) -> dict[str, Any]:
    return {"sample_id": sample_id, "item_id": item.item_id, "path": item.path,
            "start_line": item.span.start_line, "end_line": item.span.end_line,
            "cwe": item.cwe, "message": item.message,
            "verdict": item.verdict.value if item.verdict else "", "labeler": "", "note": ""}


def _csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return buffer.getvalue()


@label_app.command("import")
def import_labels(
    file: Path = typer.Argument(..., help="CSV with columns item_id and verdict "
                                          "(optional: sample_id, labeler, note)."),
    path: Path = typer.Option(Path("."), "--path", help="Project whose ledger to use."),
    sample_id: str | None = typer.Option(None, "--sample",
                                         help="Sample the labels belong to (default: the "
                                              "CSV's sample_id column, else the newest)."),
    labeler: str | None = typer.Option(None, "--labeler",
                                       help="Who labeled (default: the CSV's labeler column, "
                                            "else $USER)."),
    ledger: str | None = mc.LEDGER,
    as_json: bool = mc.JSON,
) -> None:
    """Import verdicts (true / false / unsure) from a CSV, all rows or none."""
    from assay.ledger.labels import record_labels, resolve_sample

    rows = read_label_csv(file)
    default_labeler = labeler or os.environ.get("USER") or "import"
    with open_project_ledger(path, ledger) as store:
        counts: dict[str, int] = {}
        for sid, labels in _by_sample(rows, sample_id, default_labeler, labeler).items():
            full = resolve_sample(store, sid or None)  # '' : the newest sample
            try:
                counts[full] = record_labels(store, full, labels)
            except KeyError as exc:
                raise UsageError(f"{file}: {exc.args[0]}",
                                 "item ids are those of `assay label sample`") from None
    if as_json:
        mc.emit_json({"schema": "assay.label-import/1", "file": str(file),
                      "imported": dict(sorted(counts.items()))}, None)
        return
    for sid, n in sorted(counts.items()):
        stderr_console().print(f"imported {n} label(s) into sample {sid}")


def read_label_csv(file: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a label CSV with their line numbers (UsageError on a wrong header)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "item_id" not in header or "verdict" not in header:
        raise UsageError(f"{file}: the CSV header must name item_id and verdict, "
                         f"got {', '.join(header) or 'nothing'}",
                         "columns: item_id, verdict[, sample_id, labeler, note]")
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if any(row.values()):
            rows.append((number, row))
    return rows


def _by_sample(rows: list[tuple[int, dict[str, str]]], sample_id: str | None,
               default_labeler: str, forced_labeler: str | None) -> dict[str, list[Any]]:
    from assay.ledger.labels import NewLabel, Verdict

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


@label_app.command("list")
def list_samples(
    path: Path = typer.Argument(Path("."), help="Project whose ledger to read."),
    ledger: str | None = mc.LEDGER,
) -> None:
    """List label samples, newest first, with labeling progress."""
    from assay.ledger.labels import list_samples as stored

    with open_project_ledger(path, ledger) as store:
        samples = stored(store)
    table = Table(header_style="bold")
    for column in ("sample", "created", "commit", "seed", "items", "labeled"):
        table.add_column(column)
    for s in samples:
        add_row(table, s.id, s.created_at, (s.commit or "")[:12], str(s.seed), str(s.items),
                str(s.labeled))
    stdout_console().print(table)
