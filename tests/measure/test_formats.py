"""Truth readers and the any-format run reader, including malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.formats.errors import FormatError
from assay.formats.json import dumps, run_to_document
from assay.formats.runs_read import read_runs
from assay.formats.sarif import run_to_sarif
from assay.formats.truth import read_truth
from assay.measure.truth import Granularity
from assay.model import Span
from tests.measure.factories import finding, run

OWASP_CSV = """\
# test name, category, real vulnerability, cwe, Benchmark version: 1.2, 2016-06-1
BenchmarkTest00001,pathtraver,true,22
BenchmarkTest00002,pathtraver,false,22
BenchmarkTest00003,sqli,TRUE,89
"""


def test_owasp_csv(tmp_path: Path) -> None:
    path = tmp_path / "expectedresults-1.2.csv"
    path.write_text(OWASP_CSV)
    truth = read_truth(path)
    assert truth.granularity is Granularity.FILE
    assert [(i.path, i.category, i.vulnerable, i.cwe) for i in truth.items] == [
        ("BenchmarkTest00001", "pathtraver", True, 22),
        ("BenchmarkTest00002", "pathtraver", False, 22),
        ("BenchmarkTest00003", "sqli", True, 89)]
    assert truth.positives == 2


@pytest.mark.parametrize("text, message", [
    ("test,category,real,cwe\nBenchmarkTest00001,sqli,true,89\n", "unexpected CSV header"),
    ("", "is empty"),
    (OWASP_CSV.replace("sqli,TRUE", "sqli,maybe"), r":4: 'real vulnerability' must be"),
    (OWASP_CSV + "BenchmarkTest00004,sqli\n", ":5: expected 4 columns"),
    (OWASP_CSV + "BenchmarkTest00004,sqli,true,notacwe\n", ":5: need a test name and a CWE"),
])
def test_owasp_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "truth.csv"
    path.write_text(text)
    with pytest.raises(FormatError, match=message):
        read_truth(path)


def _sarif(results: list[dict[str, object]], version: str = "2.1.0") -> dict[str, object]:
    return {"version": version, "runs": [{"tool": {"driver": {"name": "truth"}},
                                          "results": results}]}


def _result(line: int, cwe: str, **extra: object) -> dict[str, object]:
    return {"ruleId": "t", "message": {"text": "x"}, "properties": {"cwe": cwe},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"},
                                                "region": {"startLine": line}}}], **extra}


def test_sarif_as_truth(tmp_path: Path) -> None:
    path = tmp_path / "truth.sarif"
    path.write_text(json.dumps(_sarif([_result(4, "CWE-89"), _result(9, "CWE-79", kind="pass"),
                                       _result(12, "CWE-22",
                                               properties={"cwe": 22, "vulnerable": False})])))
    truth = read_truth(path)
    assert truth.granularity is Granularity.FINDING
    assert [(i.cwe, i.span, i.vulnerable) for i in truth.items] == [
        (89, Span(4, 4), True), (79, Span(9, 9), False), (22, Span(12, 12), False)]


@pytest.mark.parametrize("doc, message", [
    ({"version": "2.1.0"}, "not a SARIF log"),
    (_sarif([], version="2.0.0"), "SARIF version '2.0.0'"),
    ({"version": "2.1.0", "runs": [{"results": []}]}, "no tool.driver"),
    (_sarif([{"ruleId": "x"}]), "not a valid SARIF result"),
])
def test_invalid_sarif_is_a_format_error(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "bad.sarif"
    path.write_text(json.dumps(doc))
    with pytest.raises(FormatError, match=message):
        read_truth(path)
    with pytest.raises(FormatError):
        read_runs(path)


def test_sarif_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.sarif"
    path.write_text("{not json")
    with pytest.raises(FormatError, match="not valid JSON"):
        read_truth(path)
    with pytest.raises(FormatError, match=r"not a result file|not valid JSON"):
        read_runs(path)


def test_yaml_and_json_truth_lists(tmp_path: Path) -> None:
    yml = tmp_path / "truth.yaml"
    yml.write_text("# labeled by hand\n"
                   "- {cwe: 89, path: app.py, start: 10, end: 12}\n"
                   "- {cwe: CWE-79, path: ./web/views.py, start: 3, vulnerable: false}\n"
                   "- {cwe: 22, path: files.py}\n")
    truth = read_truth(yml)
    assert [(i.cwe, i.path, i.span, i.vulnerable) for i in truth.items] == [
        (89, "app.py", Span(10, 12), True), (79, "web/views.py", Span(3, 3), False),
        (22, "files.py", None, True)]
    js = tmp_path / "truth.json"
    js.write_text(json.dumps({"truth": [{"cwe": 89, "path": "a.py", "start": 1, "end": 2}]}))
    assert read_truth(js).items[0].span == Span(1, 2)


@pytest.mark.parametrize("entry, message", [
    ({"cwe": 89}, "entry 1: path"),
    ({"cwe": "nope", "path": "a.py"}, "entry 1: cwe"),
    ({"cwe": 89, "path": "a.py", "start": 5, "end": 2}, "end 2 is before start 5"),
    ({"cwe": 89, "path": "a.py", "colour": "red"}, "entry 1: colour"),
    ({"path": "a.py"}, "needs a cwe"),
])
def test_truth_list_errors(tmp_path: Path, entry: dict[str, object], message: str) -> None:
    path = tmp_path / "truth.json"
    path.write_text(json.dumps([entry]))
    with pytest.raises(FormatError, match=message):
        read_truth(path)


def test_truth_file_missing_or_unknown(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not found"):
        read_truth(tmp_path / "nope.csv")
    other = tmp_path / "truth.xml"
    other.write_text("<x/>")
    with pytest.raises(FormatError, match="unknown truth format"):
        read_truth(other)


def test_read_runs_from_every_supported_format(tmp_path: Path) -> None:
    original = run("r1", [finding("app.py", 3), finding("lib.py", 9, cwe=79)])
    scan_json = tmp_path / "scan.json"
    scan_json.write_text(dumps(run_to_document(original, with_metrics=True)))
    (loaded,) = read_runs(scan_json)
    assert loaded.id == "r1" and loaded.findings == original.findings
    sarif = tmp_path / "scan.sarif"
    sarif.write_text(dumps(run_to_sarif(original)))
    (from_sarif,) = read_runs(sarif)
    assert [(f.path, f.cwe, f.span.start_line) for f in from_sarif.findings] == [
        ("app.py", 89, 3), ("lib.py", 79, 9)]
    lines = tmp_path / "runs.jsonl"
    doc = run_to_document(original)
    lines.write_text(json.dumps(doc) + "\n\n" + json.dumps(doc) + "\n")
    assert [r.id for r in read_runs(lines)] == ["runs.jsonl#0", "runs.jsonl#1"]
    array = tmp_path / "runs.json"
    array.write_text(json.dumps([doc, doc]))
    assert len(read_runs(array)) == 2


def test_read_runs_rejects_other_documents(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(FormatError, match="not a result file"):
        read_runs(path)
    path.write_text(json.dumps([{"schema": "assay.scan/99"}]))
    with pytest.raises(FormatError, match=r"not an assay\.scan/1 document"):
        read_runs(path)
