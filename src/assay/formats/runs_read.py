"""Read runs from any result file assay understands.

- `assay.scan/1` JSON (what `assay scan -f json` writes; with `--with-metrics` it keeps the
  run id, timings and tokens),
- SARIF 2.1.0 from assay or any other tool (one run per SARIF run),
- a JSON array of `assay.scan/1` documents, or JSON Lines with one document per line.

The format is recognized from the content, not the extension. Runs without an id get
one derived from the file name (`name`, or `name#i` for the i-th run of a file).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.formats.errors import FormatError
from assay.formats.json import SCAN_SCHEMA, run_from_document
from assay.formats.reading import check_depth, nested_too_deeply, parse_json, read_text
from assay.formats.sarif_read import sarif_to_runs
from assay.model import Run

_HINT = ("assay reads assay.scan/1 JSON (`assay scan -f json`), SARIF 2.1.0, "
         "or JSON Lines of assay.scan/1 documents")


def read_runs(path: Path, root: str = "") -> list[Run]:
    """Every run in a result file (FormatError when it is none of the supported formats)."""
    return parse_runs(read_text(path, what="result file", hint=_HINT), path.name, root)


def parse_runs(text: str, name: str, root: str = "") -> list[Run]:
    """Runs from the text of a result file called `name`."""
    try:
        doc: Any = json.loads(text)
    except RecursionError:
        raise nested_too_deeply(name) from None
    except ValueError:
        return _json_lines(text, name)
    check_depth(doc, name)
    if isinstance(doc, list):
        return [_scan_document(d, f"{name}#{i}", name) for i, d in enumerate(doc)]
    if isinstance(doc, Mapping) and doc.get("schema") == SCAN_SCHEMA:
        return [_scan_document(doc, name, name)]
    if isinstance(doc, Mapping) and _meant_as_sarif(doc, name):
        return sarif_to_runs(doc, root=root, run_id=name, name=name)
    raise FormatError(f"{name} is not a result file assay can read", _HINT)


def _meant_as_sarif(doc: Mapping[str, Any], name: str) -> bool:
    """SARIF by content or by name: such files get the SARIF reader's precise errors."""
    return ("runs" in doc or "sarif" in str(doc.get("$schema", "")).lower()
            or name.lower().endswith((".sarif", ".sarif.json")))


def _json_lines(text: str, name: str) -> list[Run]:
    runs: list[Run] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        doc = parse_json(line, f"{name}:{number}", _HINT)
        runs.append(_scan_document(doc, f"{name}#{len(runs)}", f"{name}:{number}"))
    if not runs:
        raise FormatError(f"{name} is empty", _HINT)
    return runs


def _scan_document(doc: Any, default_id: str, where: str) -> Run:
    if not isinstance(doc, Mapping) or doc.get("schema") != SCAN_SCHEMA:
        raise FormatError(f"{where} is not an {SCAN_SCHEMA} document", _HINT)
    return run_from_document(doc, default_id=default_id)
