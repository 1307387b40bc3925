"""The worked example of docs/measure.md, from real runs of the bundled example app.

    .venv/bin/python bench/measure_example.py [--runs 5] [--seed 7]

1. Copies examples/flask-app into a fresh git repository (one commit).
2. Scans it `--runs` times with Bandit and Semgrep, cache off (deterministic engines).
3. Scans it `--runs` times with an LLM scanner served by tests/llm/fakeserver.py, the
   local scripted fake server (no model is involved): a seeded random policy decides, run
   by run, which of the app's real vulnerabilities the "model" reports and whether it adds
   a false alarm on the safe parameterized query.
4. Measures drift and eval (against the app's known vulnerabilities) of both, and writes
   the memo; the memo's HTML is photographed with headless chromium to
   docs/measure-memo.png.

The Markdown it generates replaces the part of docs/measure.md between the
`measure-example` markers.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from tests.llm.fakeserver import FakeLLMServer, Turn, call, reply, scanner_config  # noqa: E402
from tests.llm.helpers import toml_table  # noqa: E402
from tests.report.browser import start_browser  # noqa: E402

from assay import api  # noqa: E402
from assay.app.measure import evaluate_runs, measure_existing  # noqa: E402
from assay.app.report import memo_for  # noqa: E402
from assay.model import Run  # noqa: E402
from assay.report.html import memo_to_html  # noqa: E402
from assay.report.measure_terminal import render_drift, render_eval  # noqa: E402

LLM = "llm-review"
DOC = ROOT / "docs" / "measure.md"
SHOT = ROOT / "docs" / "measure-memo.png"
START, END = "<!-- measure-example:start -->", "<!-- measure-example:end -->"
# (cwe, line, quote, title, probability that a run reports it)
CANDIDATES = (
    ("CWE-89", 25, "query = \"SELECT id, body FROM notes WHERE owner = '%s'\" % owner",
     "SQL injection in /notes", 0.95),
    ("CWE-78", 40, "return subprocess.check_output(\"ping -c 1 \" + host, shell=True)",
     "command injection in /ping", 0.75),
    ("CWE-502", 53, "return {\"imported\": len(pickle.loads(request.get_data()))}",
     "unsafe deserialization in /import", 0.5),
    ("CWE-89", 32, "row = db().execute(\"SELECT body FROM notes WHERE id = ?\", (note_id,))"
     ".fetchone()", "SQL injection in /notes/<id> (a false alarm: the query is bound)", 0.3),
)
TRUTH = """\
- {cwe: 89, path: app.py, start: 25}
- {cwe: 78, path: app.py, start: 40}
- {cwe: 502, path: app.py, start: 53}
- {cwe: 328, path: app.py, start: 64}
- {cwe: 89, path: app.py, start: 32, vulnerable: false}
- {cwe: 78, path: app.py, start: 47, vulnerable: false}
"""


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity."""
    stamp = "2026-01-01T00:00:00Z"  # a fixed date: the same commit id on every machine
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=example",
                           "-c", "user.email=example@example.invalid", *args],
                          check=True, capture_output=True, text=True, env=env).stdout


def make_repo(base: Path) -> Path:
    """examples/flask-app as a one-commit git repository."""
    repo = base / "flask-app"
    shutil.copytree(ROOT / "examples" / "flask-app", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "example app")
    return repo


def policy(rng: random.Random) -> list[Turn]:
    """One LLM run's script: read the app, report what the seeded policy picked, finish."""
    picked = [c for c in CANDIDATES if rng.random() < c[4]]
    turns = [call("read_file", {"path": "app.py"})]
    for cwe, line, quote, title, _ in picked:
        turns.append(call("report_finding", {
            "cwe": cwe, "path": "app.py", "start_line": line, "end_line": line,
            "severity": "high", "confidence": "medium", "title": title,
            "rationale": "request data reaches the call", "quote": quote,
            "proof_sketch": {"inputs": "a crafted request parameter",
                             "trust_boundary": "HTTP request to the call",
                             "failing_test": "send the payload and expect it to be refused"}}))
    return [*turns, reply("done"), reply("summary")]


def text_of(draw: object, *args: object) -> str:
    """What a CLI renderer prints, as plain text."""
    buffer = io.StringIO()
    draw(*args, Console(file=buffer, width=110, color_system=None))  # type: ignore[operator]
    return buffer.getvalue().rstrip()


def screenshot(html: str, work: Path) -> None:
    """The memo's HTML in headless chromium, its top part saved as a PNG."""
    page = work / "memo.html"
    page.write_text(html, encoding="utf-8")
    driver = start_browser(work / "chromium-profile")
    try:
        driver.get(page.as_uri())
        driver.save_screenshot(str(SHOT))
    finally:
        driver.quit()


def fence(text: str) -> str:
    """A fenced block."""
    return f"```\n{text}\n```"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeLLMServer(record=False) as server:
        work = Path(tmp)
        repo = make_repo(work)
        ledger = work / "ledger.db"
        config = work / "operator.toml"
        config.write_text("\n".join(toml_table(f'scanners."{LLM}"',
                                               scanner_config(server))) + "\n")
        scan = {"ledger": ledger, "config_path": config, "no_cache": True, "jobs": 1}
        deterministic = [api.scan(repo, scanners=["bandit", "semgrep"], **scan).run
                         for _ in range(args.runs)]
        rng = random.Random(args.seed)
        llm: list[Run] = []
        for _ in range(args.runs):
            server.script(*policy(rng))
            llm.append(api.scan(repo, scanners=[LLM], **scan).run)
        truth = work / "truth.yaml"
        truth.write_text(TRUTH, encoding="utf-8")
        parts = [
            f"Generated by `bench/measure_example.py --runs {args.runs} --seed {args.seed}` "
            f"from real runs of `examples/flask-app` (one commit). Bandit and Semgrep ran "
            f"{args.runs} times with the cache off. The LLM scanner (`{LLM}`, the built-in "
            "agent) was served by `tests/llm/fakeserver.py`, the local scripted fake "
            "server, not by a model: a seeded random policy decided in each run which of "
            "the app's vulnerabilities it reported (SQL injection with probability 0.95, "
            "command injection 0.75, pickle 0.5) and whether it added a false alarm on "
            "the bound query (0.3).",
            "**Drift of the deterministic scanners** (`assay drift --from ...`):",
            fence(text_of(render_drift, measure_existing(deterministic).report, ())),
            "**Drift of the LLM scanner**: the support line says how many of the runs "
            "found each distinct finding:",
            fence(text_of(render_drift, measure_existing(llm).report, ())),
            "**Eval against the app's known vulnerabilities** (`assay eval --truth "
            "truth.yaml --from ...`): with several runs, the first table scores each "
            "distinct finding once (Wilson intervals over distinct findings), the "
            "*over runs* table averages the runs' own scores with a bootstrap over runs:",
            fence(text_of(render_eval, evaluate_runs([*deterministic, *llm], truth,
                                                     path=repo))),
        ]
        memo = memo_for([*deterministic, *llm], truth=truth, path=repo)
        screenshot(memo_to_html(memo), work)
        parts += ["**The memo** (`assay report --commit HEAD --truth truth.yaml --html "
                  "memo.html`), top of the page in headless chromium:",
                  f"![The measurement memo]({SHOT.name})"]
        # the temporary directory is this machine's business, not the reader's
        text = "\n\n".join(parts).replace(f"{work}/", "")
    doc = DOC.read_text(encoding="utf-8")
    new = re.sub(re.escape(START) + ".*?" + re.escape(END),
                 lambda _: f"{START}\n\n{text}\n\n{END}", doc, flags=re.S)
    DOC.write_text(new, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
