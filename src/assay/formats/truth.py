"""Readers of labeled truth for `assay eval`.

Three documents are understood (`read_truth` picks by extension, then by content):

- OWASP Benchmark expected-results CSV: a header line
  `# test name, category, real vulnerability, cwe[, ...]` then one row per test file
  (`BenchmarkTest00001,pathtraver,true,22`). Scored per file (`Granularity.FILE`).
- A SARIF 2.1.0 log used as truth: every result is a vulnerable location, except results
  whose `kind` is `pass` or `notApplicable` or whose properties say `"vulnerable": false`.
- A YAML or JSON list of `{cwe, path, start, end, vulnerable}` objects (also accepted under
  a top-level `truth:` or `items:` key); `start`/`end` may be omitted for a whole file and
  `vulnerable` defaults to true.

Malformed input raises FormatError naming the file and line or entry.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay.formats.errors import FormatError
from assay.formats.reading import check_depth, nested_too_deeply, parse_json, read_text
from assay.formats.sarif_read import check_outline, sarif_to_runs
from assay.measure.truth import Granularity, Truth, TruthItem
from assay.model import Span
from assay.normalize.cwe import parse_cwe

MAX_TRUTH_BYTES = 64 << 20  # the OWASP Benchmark's expected results take 150 kB
OWASP_HEADER = ("test name", "category", "real vulnerability", "cwe")
_TRUE, _FALSE = ("true", "yes", "1", "t", "y"), ("false", "no", "0", "f", "n")


def read_truth(path: Path) -> Truth:
    """Read a truth file of any supported kind (see the module docstring)."""
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".csv" or (suffix in ("", ".txt") and text.lstrip().startswith("#")):
        return parse_owasp_csv(text, str(path))
    if suffix == ".sarif" or (suffix == ".json" and _looks_like_sarif(text)):
        return parse_sarif_truth(_json(text, str(path)), str(path))
    if suffix in (".json", ".yaml", ".yml"):
        return parse_truth_list(_structured(text, suffix, str(path)), str(path))
    raise FormatError(f"{path}: unknown truth format (extension {suffix or 'none'!r})",
                      "use an OWASP expected-results .csv, a .sarif file, or a .yaml/.json "
                      "list of {cwe, path, start, end, vulnerable}")


def _read_text(path: Path) -> str:
    return read_text(path, max_bytes=MAX_TRUTH_BYTES, what="truth file")


def _looks_like_sarif(text: str) -> bool:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return False  # read again by _json, which says what is wrong
    return isinstance(doc, Mapping) and "runs" in doc


def _json(text: str, name: str) -> Any:
    return parse_json(text, name)


def _structured(text: str, suffix: str, name: str) -> Any:
    if suffix == ".json":
        return _json(text, name)
    try:
        doc = yaml.safe_load(text)
    except RecursionError:
        raise nested_too_deeply(name, "YAML") from None
    except yaml.YAMLError as exc:
        raise FormatError(f"{name} is not valid YAML: {exc}") from None
    check_depth(doc, name, "YAML")
    return doc


def parse_owasp_csv(text: str, name: str = "truth.csv") -> Truth:
    """Parse an OWASP Benchmark expected-results CSV (per-file truth)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise FormatError(f"{name} is empty", _owasp_hint())
    header = tuple(c.strip().lower() for c in lines[0].lstrip("#").split(","))
    if header[:4] != OWASP_HEADER:
        raise FormatError(f"{name}: unexpected CSV header {lines[0].strip()!r}", _owasp_hint())
    items = []
    for number, row in enumerate(csv.reader(io.StringIO("\n".join(lines[1:]))), start=2):
        if not row or row[0].lstrip().startswith("#"):
            continue
        items.append(_owasp_row(row, number, name))
    return Truth(tuple(items), Granularity.FILE, name)


def _owasp_hint() -> str:
    return "the first line must be `# test name, category, real vulnerability, cwe`"


def _owasp_row(row: Sequence[str], number: int, name: str) -> TruthItem:
    if len(row) < 4:
        raise FormatError(f"{name}:{number}: expected 4 columns, got {len(row)}", _owasp_hint())
    test, category, real, cwe_text = (c.strip() for c in row[:4])
    cwe = parse_cwe(cwe_text)
    if not test or cwe is None:
        raise FormatError(f"{name}:{number}: need a test name and a CWE number, got "
                          f"{test!r}, {cwe_text!r}")
    if real.lower() not in (*_TRUE, *_FALSE):
        raise FormatError(f"{name}:{number}: 'real vulnerability' must be true or false, "
                          f"got {real!r}")
    return TruthItem(path=test, cwe=cwe, vulnerable=real.lower() in _TRUE, category=category)


def parse_sarif_truth(doc: Any, name: str = "truth.sarif") -> Truth:
    """Use a SARIF log as location truth (see the module docstring)."""
    check_outline(doc, name)
    items = []
    for sarif_run, run in zip(doc["runs"], sarif_to_runs(doc, name=name), strict=True):
        results = sarif_run.get("results", [])
        for result, finding in zip(results, run.findings, strict=True):
            props = result.get("properties") or {}
            vulnerable = (result.get("kind", "fail") not in ("pass", "notApplicable")
                          and props.get("vulnerable", True) is not False)
            items.append(TruthItem(path=finding.path, cwe=finding.cwe, vulnerable=vulnerable,
                                   span=Span(finding.span.start_line, finding.span.end_line),
                                   rule_id=finding.rule_id))
    return Truth(tuple(items), Granularity.FINDING, name)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cwe: int | None = None
    path: str = Field(min_length=1)
    start: int | None = Field(default=None, ge=1)
    end: int | None = Field(default=None, ge=1)
    vulnerable: bool = True
    rule_id: str = ""
    category: str = ""
    note: str = ""

    @field_validator("cwe", mode="before")
    @classmethod
    def _cwe(cls, value: object) -> int | None:
        if value is None:
            return None
        parsed = parse_cwe(value)
        if parsed is None:
            raise ValueError(f"not a CWE: {value!r}")
        return parsed


def parse_truth_list(doc: Any, name: str = "truth.yaml") -> Truth:
    """Parse a list of {cwe, path, start, end, vulnerable} entries (location truth)."""
    if isinstance(doc, Mapping):
        doc = doc.get("truth", doc.get("items"))
    if not isinstance(doc, list):
        raise FormatError(f"{name}: expected a list of {{cwe, path, start, end, vulnerable}}",
                          "or a mapping with a `truth:` list")
    items = []
    for index, raw in enumerate(doc):
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"]) or "entry"
            raise FormatError(f"{name}: entry {index + 1}: {where}: {problem['msg']}") from None
        items.append(_item(entry, index, name))
    return Truth(tuple(items), Granularity.FINDING, name)


def _item(entry: _Entry, index: int, name: str) -> TruthItem:
    if entry.cwe is None and not entry.rule_id:
        raise FormatError(f"{name}: entry {index + 1}: needs a cwe (or a rule_id)")
    span = None
    if entry.start is not None or entry.end is not None:
        start = entry.start or entry.end or 1
        end = entry.end or start
        if end < start:
            raise FormatError(f"{name}: entry {index + 1}: end {end} is before start {start}")
        span = Span(start, end)
    return TruthItem(path=entry.path.removeprefix("./"), cwe=entry.cwe,
                     vulnerable=entry.vulnerable, span=span, category=entry.category,
                     rule_id=entry.rule_id)
