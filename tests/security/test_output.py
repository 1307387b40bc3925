"""Attack tests: untrusted strings cannot attack the reader or crash the renderer.

The scanned repository is hostile (in CI it is a pull request): it chooses its file names,
and through the code it holds what scanners and review commands report. Every path,
message, rule id, tool name and label that reaches an output is untrusted. Each test plants
attacks in a real repository (or in result files a third-party tool wrote), runs `assay`
as a person would, and judges the side effect: no control character in text output,
Markdown that a real Markdown-to-HTML pass turns into no markup of the attacker's, a memo
that renders in a real browser with no script run, a one-line error instead of a
traceback. Each also renders an ordinary name of the same run as it is, so it cannot pass
by showing nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from assay.formats.sarif_read import read_sarif
from assay.ledger import open_ledger
from assay.report.label_server import CodeLine, LabelItem, LabelServer
from tests.helpers import GitRepo
from tests.report.browser import browser

__all__ = ["browser"]

# What a terminal must never receive from untrusted text: C0 controls other than the
# newline and tab assay lays out with, DEL, C1 controls, bidirectional overrides and
# isolates, line separators, and bytes that are not UTF-8 (decoded here as surrogates).
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                       "\u2066-\u2069\u2028\u2029\ud800-\udfff]")
TABLE_DRAWING = re.compile(r"[\s\u2500-\u257f]")

ESC_NAME = "esc\x1b[2K\rgate: PASS\x1b]0;pwned\x07.py"
BIDI_NAME = "bidi\u202eyp.txt.py"
C1_NAME = "c1\x9b31m.py"
MARKUP_NAME = "m[bold]x[/]y[link=https:__e]z.py"
NEWLINE_NAME = "new\nline.py"
MARKDOWN_NAMES = ("<!--c.py", "x|y.py", "```.py", "<img src=x onerror=alert(1)>.py",
                  "[x](javascript:alert(1)).py", "![t](http:__tracker).py", "@org/team.py")
PLAIN = "plain_name.py"
NAMES = (ESC_NAME, BIDI_NAME, C1_NAME, MARKUP_NAME, NEWLINE_NAME, *MARKDOWN_NAMES, PLAIN)
# The same names as assay shows them.
SHOWN = {ESC_NAME: r"esc\x1b[2K\x0dgate: PASS\x1b]0;pwned\x07.py",
         BIDI_NAME: r"bidi\u202eyp.txt.py", C1_NAME: r"c1\x9b31m.py",
         MARKUP_NAME: MARKUP_NAME, NEWLINE_NAME: r"new\x0aline.py", PLAIN: PLAIN}
# Every file holds a weak hash (a bandit finding) on a line that also sets the window title.
CODE = 'import hashlib\nhashlib.md5(b"x")  # \x1b]0;title\x07\n'

TERMINAL_MESSAGE = ("\x1b[2K\rgate: PASS\x1b]0;t\x07 [bold]x[/bold] [link=http://e]y[/link] "
                    "\u202egnp.exe\n\x9b2Jgate: PASS")
MARKDOWN_MESSAGE = ("<!-- a --> <img src=x onerror=alert(1)> <details> ```\n# h | c | "
                    "@org/team [x](javascript:alert(1)) ![t](http://t/p.png) $x$")
ORDINARY_MESSAGE = "ordinary message"


@dataclass(frozen=True)
class Output:
    """What a command printed, decoded as a terminal would see it (bad bytes kept)."""

    returncode: int
    stdout: str
    stderr: str


def assay(*args: str, cwd: Path) -> Output:
    """`assay` run as a person runs it, output not a terminal (so rich adds no colour)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")}
    proc = subprocess.run([sys.executable, "-m", "assay", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=300, check=False)
    return Output(proc.returncode, proc.stdout.decode("utf-8", "surrogateescape"),
                  proc.stderr.decode("utf-8", "surrogateescape"))


def assert_no_control(out: Output) -> None:
    for stream in (out.stdout, out.stderr):
        found = FORBIDDEN.findall(stream)
        assert not found, (found, stream)
    assert "Traceback" not in out.stderr, out.stderr


def squash(text: str) -> str:
    """Text without whitespace and table borders."""
    return TABLE_DRAWING.sub("", text)


def readable(text: str) -> str:
    """What a reader can read in an output: lines outside tables, and each table column
    read top to bottom (rich folds a long cell over several lines), squashed."""
    lines, columns = [], []
    for line in text.splitlines():
        parts = re.split("[\u2502\u2503]", line)
        if len(parts) < 3:
            lines.append(line)
            continue
        columns += [""] * (len(parts) - 2 - len(columns))
        for i, part in enumerate(parts[1:-1]):
            columns[i] += part
    return "\0".join(squash(part) for part in ("\n".join(lines), *columns))


def assert_shows(text: str, *expected: str) -> None:
    seen = readable(text)
    for item in expected:
        assert squash(item) in seen, (item, text)


def lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(prefix)]


def to_html(markdown: str) -> str:
    """A real Markdown-to-HTML pass (CommonMark with tables; raw HTML passes through, as
    GitHub lets much of it)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


ATTACKER_MARKUP = re.compile(r"<!--|<(?:img|script|details|summary|a|pre|iframe|svg|style)\b")


def assert_inert_markdown(markdown: str) -> str:
    """The Markdown has no markup of the attacker's: no HTML, comment, link, image, code
    block, extra heading, table cell or mention; returns the HTML."""
    assert not FORBIDDEN.findall(markdown), FORBIDDEN.findall(markdown)
    html = to_html(markdown)
    assert not ATTACKER_MARKUP.findall(html), (ATTACKER_MARKUP.findall(html), html)
    assert html.count("<h1>") == 1, html
    for table in re.findall(r"<table>(.*?)</table>", html, re.DOTALL):
        head, *rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
        columns = len(re.findall(r"<th[ >]", head))
        for row in rows:
            assert len(re.findall(r"<td[ >]", row)) == columns, row
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    assert "@org" not in outside_code, outside_code  # a mention would notify the team
    return html


@dataclass(frozen=True)
class Project:
    """The hostile repository, the operator's configuration and the ledger."""

    repo: GitRepo
    config: Path
    ledger: Path

    def options(self) -> tuple[str, ...]:
        return ("--config", str(self.config), "--ledger", str(self.ledger))


def review_output(path: Path) -> None:
    """What the review command prints: claude-code-security-review JSON whose findings
    the reviewed code chose (messages an attacker wrote, the paths of their files)."""
    findings = [
        {"file": PLAIN, "line": 2, "severity": "HIGH", "category": "weak_crypto",
         "description": ORDINARY_MESSAGE, "confidence": 0.9},
        {"file": ESC_NAME, "line": 2, "severity": "HIGH", "category": "weak_crypto",
         "description": TERMINAL_MESSAGE, "confidence": 0.9},
        {"file": MARKUP_NAME, "line": 2, "severity": "HIGH", "category": "weak_crypto",
         "description": MARKDOWN_MESSAGE, "confidence": 0.9},
    ]
    path.write_text(json.dumps({"findings": findings,
                                "analysis_summary": {"review_completed": True}}))


def operator_toml(output: Path) -> str:
    command = [sys.executable, "-c", f"import sys; sys.stdout.write(open({str(output)!r}).read())"]
    return ("[tier]\nllm_scanners = [\"review\"]\n\n[scanners.review]\ntype = \"command\"\n"
            f"command = {json.dumps(command)}\nformat = \"claude-security-review\"\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A base commit, then one adding a weak hash in files with hostile names."""
    root = tmp_path_factory.mktemp("hostile")
    repo = GitRepo(root / "repo")
    repo.write("README", "base\n")
    repo.commit("base")
    for name in NAMES:
        repo.write(name, CODE)
    repo.commit("hostile names")
    assert len([n for n in repo.git("ls-files", "-z").split("\0") if n]) == len(NAMES) + 1
    review_output(root / "review.json")
    config = root / "operator.toml"
    config.write_text(operator_toml(root / "review.json"), encoding="utf-8")
    return Project(repo, config, root / "ledger.db")


@pytest.fixture(scope="module")
def recorded(project: Project) -> Output:
    """`assay scan` of the hostile repository, recorded in the ledger."""
    return assay("scan", "-s", "bandit", "-s", "review", *project.options(),
                 cwd=project.repo.path)


def test_scan_text_escapes_control_characters_and_is_never_markup(recorded: Output) -> None:
    assert recorded.returncode == 1, recorded.stderr
    assert_no_control(recorded)
    assert_shows(recorded.stdout, f"{PLAIN}:2", ORDINARY_MESSAGE,  # the control
                 *(f"{shown}:2" for shown in SHOWN.values()),
                 # the table shortens messages at a word boundary: the escaped start shows
                 r"\x1b[2K\x0dgate: PASS\x1b]0;t\x07 [bold]x[/bold]")
    assert lines_starting(recorded.stdout, "gate:") == []


def test_show_runs_and_findings_escape_what_the_ledger_holds(project: Project,
                                                              recorded: Output) -> None:
    [run_id] = re.findall(r"run (\S+) recorded in", recorded.stdout)
    listed = assay("runs", "--ledger", str(project.ledger), cwd=project.repo.path)
    assert_no_control(listed)
    assert_shows(listed.stdout, run_id, "bandit,review")
    shown = assay("show", run_id, "--ledger", str(project.ledger), cwd=project.repo.path)
    assert_no_control(shown)
    assert_shows(shown.stdout, f"{PLAIN}:2", *(f"{s}:2" for s in SHOWN.values()))
    where = ("--path", str(project.repo.path), "--ledger", str(project.ledger))
    findings = assay("findings", "list", *where, cwd=project.repo.path)
    assert_no_control(findings)
    assert_shows(findings.stdout, f"{PLAIN}:2", f"{SHOWN[ESC_NAME]}:2", f"{MARKUP_NAME}:2")
    ids = {f["path"]: f["id"] for f in json.loads(
        assay("findings", "list", "--json", *where, cwd=project.repo.path).stdout)}
    plain = assay("findings", "show", ids[PLAIN], *where, cwd=project.repo.path)
    assert_no_control(plain)
    assert f"  {ORDINARY_MESSAGE}" in plain.stdout.splitlines()
    hostile = assay("findings", "show", ids[ESC_NAME], *where, cwd=project.repo.path)
    assert_no_control(hostile)
    assert r"\x1b[2K\x0dgate: PASS\x1b]0;t\x07 [bold]x[/bold]" in hostile.stdout
    assert lines_starting(hostile.stdout, "gate:") == []


def test_gate_text_cannot_show_a_pass_over_a_block(project: Project) -> None:
    gate = assay("gate", "--diff", "HEAD~1..HEAD", "-s", "bandit", "--llm", "always",
                 "--no-record", *project.options(), cwd=project.repo.path)
    assert gate.returncode == 1, gate.stderr
    assert_no_control(gate)
    assert gate.stdout.splitlines()[0] == "gate: BLOCK"
    assert lines_starting(gate.stdout, "gate:") == ["gate: BLOCK"]
    assert_shows(gate.stdout, f"bandit/B324 {PLAIN}:2", f"review/weak_crypto {PLAIN}:2",
                 *(f"bandit/B324 {shown}:2" for shown in SHOWN.values()))
    tier = assay("tier", "--diff", "HEAD~1..HEAD", "--config", str(project.config),
                 cwd=project.repo.path)
    assert tier.returncode == 0, tier.stderr
    assert_no_control(tier)
    assert r'hashlib.md5(b"x")  # \x1b]0;title\x07' in tier.stdout


def test_scan_and_gate_markdown_add_no_markup(project: Project) -> None:
    scan = assay("scan", "-s", "bandit", "-s", "review", "-f", "md", "--no-record",
                 *project.options(), cwd=project.repo.path)
    assert scan.returncode == 1, scan.stderr
    html = assert_inert_markdown(scan.stdout)
    assert f"<code>{PLAIN}:2</code>" in html and f"<td>{ORDINARY_MESSAGE}</td>" in html
    assert html.count("<tr>") == 1 + len(NAMES) + 3  # header, bandit's, the review's
    assert "&lt;!-- a --&gt; &lt;img src=x onerror=alert(1)&gt;" in html
    gate = assay("gate", "--diff", "HEAD~1..HEAD", "-s", "bandit", "--llm", "always",
                 "--no-record", "-f", "md", *project.options(), cwd=project.repo.path)
    assert gate.returncode == 1, gate.stderr
    html = assert_inert_markdown(gate.stdout)
    assert f"<code>{PLAIN}:2</code>" in html and f"<td>{ORDINARY_MESSAGE}</td>" in html
    assert html.count("<tr>") == 2 + len(NAMES) + 3  # two headers, blocking, review


def test_undecodable_path_bytes_are_shown_not_written(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    (repo.path / os.fsdecode(b"raw\x9b.py")).write_text(CODE, encoding="utf-8")
    repo.write(PLAIN, CODE)
    repo.commit()
    text = assay("scan", "-s", "bandit", "--no-record", cwd=repo.path)
    assert text.returncode == 1, text.stderr
    assert_no_control(text)
    assert_shows(text.stdout, f"{PLAIN}:2", r"raw\x9b.py:2")
    markdown = assay("scan", "-s", "bandit", "--no-record", "-f", "md", cwd=repo.path)
    html = assert_inert_markdown(markdown.stdout)
    assert r"<code>raw\x9b.py:2</code>" in html and f"<code>{PLAIN}:2</code>" in html
    document = assay("scan", "-s", "bandit", "--no-record", "-f", "json", cwd=repo.path)
    assert_no_control(document)
    paths = {f["path"] for f in json.loads(document.stdout)["findings"]}
    assert paths == {PLAIN, os.fsdecode(b"raw\x9b.py")}  # the escape reads back as the name


def sarif(tool: str, commit: str, results: list[tuple[str, str]],
          reasons: tuple[str, ...] = ()) -> dict[str, Any]:
    """A third-party tool's SARIF log: (path, message) per result."""
    run: dict[str, Any] = {
        "tool": {"driver": {"name": tool, "version": "1.0",
                            "rules": [{"id": "weak-hash",
                                       "properties": {"tags": ["external/cwe/cwe-328"]}}]}},
        "versionControlProvenance": [{"repositoryUri": "https://example.com/r",
                                      "revisionId": commit}],
        "results": [{"ruleId": "weak-hash", "level": "error", "message": {"text": message},
                     "locations": [{"physicalLocation": {"artifactLocation": {"uri": path},
                                                         "region": {"startLine": 2}}}]}
                    for path, message in results]}
    if reasons:
        run["invocations"] = [{"executionSuccessful": False}]
        run["properties"] = {"assay/reasons": list(reasons)}
    return {"version": "2.1.0", "runs": [run]}


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


HOSTILE_TOOL = "t\x1b]0;x\x07[bold]<!--@org/team\u202e $\\undefinedmacro{$"
SHOWN_TOOL = r"t\x1b]0;x\x07[bold]<!--@org/team\u202e $\undefinedmacro{$"


def test_measurement_text_and_memo_markdown_escape_tool_names(project: Project,
                                                              tmp_path: Path) -> None:
    commit = project.repo.git("rev-parse", "HEAD")
    hostile = [(ESC_NAME, TERMINAL_MESSAGE), (MARKDOWN_NAMES[0], MARKDOWN_MESSAGE)]
    first = write_json(tmp_path / "a.sarif",
                       sarif(HOSTILE_TOOL, commit, [*hostile, (PLAIN, ORDINARY_MESSAGE)]))
    second = write_json(tmp_path / "b.sarif", sarif(HOSTILE_TOOL, commit, hostile))
    files = ("--from-files", str(first), str(second))
    compare = assay("compare", *files, cwd=project.repo.path)
    assert compare.returncode == 0, compare.stderr
    assert_no_control(compare)
    assert_shows(compare.stdout, "a.sarif", "b.sarif", f"{PLAIN}:2 weak-hash")  # control
    drift = assay("drift", *files, cwd=project.repo.path)
    assert drift.returncode == 0, drift.stderr
    assert_no_control(drift)
    assert_shows(drift.stdout, f"drift of {SHOWN_TOOL}: 2 runs")
    truth = write_json(tmp_path / "truth.json", [
        {"cwe": 328, "path": PLAIN, "start": 2, "end": 2},
        {"cwe": 89, "path": "gone/ordinary.py", "start": 1},
        {"cwe": 89, "path": "gone/\x1b[31m<!--x[bold]\u202e.py", "start": 1}])
    evaluation = assay("eval", str(project.repo.path), "--truth", str(truth),
                       "--from-files", str(first), cwd=project.repo.path)
    assert evaluation.returncode == 0, evaluation.stderr
    assert_no_control(evaluation)
    assert_shows(evaluation.stdout, "gone/ordinary.py (CWE-89)",
                 r"gone/\x1b[31m<!--x[bold]\u202e.py (CWE-89)", f"{SHOWN_TOOL} (1 run)")
    memo = tmp_path / "memo.md"
    report = assay("report", str(project.repo.path), *files, "--truth", str(truth),
                   "--md", str(memo), cwd=project.repo.path)
    assert report.returncode == 0, report.stderr
    assert_no_control(report)
    html = assert_inert_markdown(memo.read_text(encoding="utf-8"))
    assert "<td>gone/ordinary.py</td>" in html and "<td>a.sarif</td>" in html
    assert "&lt;!--@\u200borg/team\\u202e $\\undefinedmacro{$" in html


def record_runs(ledger: Path, *files: Path) -> list[str]:
    """Runs read from third-party SARIF files, recorded in a ledger as imports are."""
    ids = []
    with open_ledger(ledger) as store:
        for file in files:
            for run in read_sarif(file):
                store.record_run(run)
                ids.append(run.id)
    return ids


@pytest.mark.browser
def test_memo_of_a_mathtext_tool_name_renders(project: Project, tmp_path: Path,
                                              browser: Any) -> None:
    commit = project.repo.git("rev-parse", "HEAD")
    ledger = tmp_path / "ledger.db"
    runs = []
    for name, tool in (("a", "$\\undefinedmacro{$"), ("b", "$\\undefinedmacro{$"),
                       ("c", "ordinary-tool")):
        runs.append(write_json(tmp_path / f"{name}.sarif",
                               sarif(tool, commit, [(PLAIN, ORDINARY_MESSAGE)])))
    ids = record_runs(ledger, *runs)
    page = tmp_path / "memo.html"
    report = assay("report", *(f"--run={i}" for i in ids), "--ledger", str(ledger),
                   "--html", str(page), cwd=project.repo.path)
    assert report.returncode == 0, report.stderr
    assert_no_control(report)
    browser.get(page.as_uri())
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure svg'))"
        ".map((svg) => svg.textContent);")
    assert figures, "no figure was drawn"
    labels = " ".join(figures)
    assert "$\\undefinedmacro{$" in labels and "ordinary-tool" in labels  # drawn literally


PAYLOAD = '</script><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


@pytest.mark.browser
def test_html_memo_payloads_are_inert(project: Project, tmp_path: Path, browser: Any) -> None:
    commit = project.repo.git("rev-parse", "HEAD")
    quoted = "q\"uo'te`.py"
    results = [(PLAIN, ORDINARY_MESSAGE), (quoted, PAYLOAD), (ESC_NAME, PAYLOAD)]
    first = write_json(tmp_path / "'><img src=x onerror=window.__pwned=3>.sarif",
                       sarif(PAYLOAD, commit, results))
    second = write_json(tmp_path / "ordinary.sarif",
                        sarif(PAYLOAD + "\u202e", commit, results, reasons=(PAYLOAD,)))
    truth = write_json(tmp_path / "truth.json", [
        {"cwe": 328, "path": PLAIN, "start": 2, "end": 2},
        {"cwe": 89, "path": "gone/ordinary.py", "start": 1},
        {"cwe": 89, "path": quoted, "start": 1}, {"cwe": 89, "path": PAYLOAD, "start": 1}])
    page = tmp_path / "memo.html"
    report = assay("report", str(project.repo.path), "--from-files", str(first), str(second),
                   "--truth", str(truth), "--html", str(page), "--title", "memo",
                   cwd=project.repo.path)
    assert report.returncode == 0, report.stderr
    browser.get(page.as_uri())
    state = browser.execute_script(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned,"
        " title: document.title, scripts: document.scripts.length,"
        " images: document.images.length, text: document.body.textContent};")
    assert state["pwned"] is None and state["scripts"] == 0 and state["images"] == 0, state
    assert state["title"] == "memo"
    text = state["text"]
    assert "ordinary.sarif" in text and "gone/ordinary.py" in text  # the control
    assert PAYLOAD in text and quoted in text  # the payloads are shown, as text
    assert "\u202e" not in text and "\\u202e" in text


SCAN_LINE = json.dumps({"schema": "assay.scan/1",
                        "run": {"status": "complete", "provenance": {}}})
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000
SHALLOW_ENOUGH_TO_PARSE = '{"version": "2.1.0", "runs": [' + "[" * 900 + "]" * 900 + "]}"


@pytest.mark.parametrize("name", ["deep", "e\x1b]0;t\x07\nx"], ids=["ordinary", "hostile"])
@pytest.mark.parametrize(("option", "suffix", "text"), [
    ("--from-files", ".sarif", DEEP),
    ("--from-files", ".json", DEEP_OBJECT),
    ("--from-files", ".jsonl", SCAN_LINE + "\n" + DEEP),
    ("--from-files", ".sarif", SHALLOW_ENOUGH_TO_PARSE),
    ("--truth", ".json", DEEP),
    ("--truth", ".sarif", DEEP_OBJECT),
    ("--truth", ".yaml", DEEP),
], ids=["sarif", "runs-json", "json-lines", "900-levels", "truth-json", "truth-sarif",
        "truth-yaml"])
def test_deeply_nested_input_is_a_one_line_error(project: Project, tmp_path: Path,
                                                 option: str, suffix: str, text: str,
                                                 name: str) -> None:
    bad = tmp_path / f"{name}{suffix}"
    bad.write_text(text, encoding="utf-8")
    runs = write_json(tmp_path / "run.sarif", sarif("tool", "a" * 40, [(PLAIN, "m")]))
    inputs = ("--from-files", str(bad)) if option == "--from-files" else (
        "--from-files", str(runs), "--truth", str(bad))
    out = assay("report", *inputs, "--json", cwd=project.repo.path)
    assert out.returncode == 2, out.stderr
    assert_no_control(out)
    [line] = out.stderr.splitlines()
    assert line.startswith("error: ") and "nested too deeply" in line, line
    shown = name.replace("\x1b", r"\x1b").replace("\x07", r"\x07").replace("\n", r"\x0a")
    assert f"{shown}{suffix}" in line, line


def test_deeply_nested_baseline_and_review_output(project: Project, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.sarif"
    baseline.write_text(DEEP, encoding="utf-8")
    gate = assay("gate", "--baseline", str(baseline), "-s", "bandit", "--no-record",
                 *project.options(), cwd=project.repo.path)
    assert gate.returncode == 2, gate.stderr
    assert_no_control(gate)
    line, *hint = gate.stderr.splitlines()
    assert line.startswith("error: ") and "nested too deeply" in line, line
    assert all(h.startswith("hint: ") for h in hint), hint
    # A review command wrapping its findings JSON in text (as `claude -p` does): the run
    # is incomplete and says why; it does not crash.
    wrapped = tmp_path / "wrapped.json"
    write_json(wrapped, {"type": "result", "result": "```json\n" + DEEP + "\n```"})
    config = tmp_path / "operator.toml"
    config.write_text(operator_toml(wrapped), encoding="utf-8")
    scan = assay("scan", "-s", "review", "--no-record", "-f", "json", "--config", str(config),
                 cwd=project.repo.path)
    assert scan.returncode == 3, scan.stderr
    assert "Traceback" not in scan.stderr
    [review] = json.loads(scan.stdout)["run"]["scanners"]
    assert review["status"] == "incomplete" and "nested too deeply" in review["reason"]


def test_labeling_page_gets_escaped_text_and_refuses_deep_bodies() -> None:
    from tests.report.test_label_server import MemorySource, request

    code = (CodeLine(1, "def f(x):"), CodeLine(2, "\treturn x  # \u202e } \u2066", hit=True))
    items = [LabelItem("plain", 1, "CWE-328", "weak hash", PLAIN, 2, 2, code,
                       message=ORDINARY_MESSAGE),
             LabelItem("hostile", 2, "CWE-328", "t\x1b]0;x\x07", ESC_NAME, 2, 2, code,
                       message=TERMINAL_MESSAGE)]
    with LabelServer(MemorySource(items), "sample").start() as server:
        status, document = request(server, "GET", "/api/items")
        assert status == 200 and isinstance(document, dict)
        plain, hostile = document["items"]
        assert (plain["path"], plain["message"], plain["title"]) == (
            PLAIN, ORDINARY_MESSAGE, "weak hash")  # the control
        assert hostile["path"] == SHOWN[ESC_NAME] and hostile["title"] == r"t\x1b]0;x\x07"
        assert not FORBIDDEN.findall(json.dumps(document, ensure_ascii=False))
        assert plain["context"][1]["text"] == r"	return x  # \u202e } \u2066"  # tab kept
        host, port = server.url.removeprefix("http://").rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("POST", "/api/label", body="[" * 300 + "]" * 300,
                     headers={"Content-Type": "application/json",
                              "X-Assay-Token": server.token})
        response = conn.getresponse()
        answer = json.loads(response.read())
        conn.close()
        assert response.status == 400 and "nested too deeply" in answer["error"], answer
