"""One review from start to end: the pieces of the harness put together.

`review()` is shared by the LLM scanner and by replay; it owns nothing persistent: the
provider and the trace are given, and the result says everything the scanner reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assay.model import Finding, StageMetrics
from assay.repo.interface import Snapshot
from assay.scanners.llm.budget import Limits, Meter, Price
from assay.scanners.llm.codec import canonical, tools_to_list
from assay.scanners.llm.context import Conversation
from assay.scanners.llm.findings import FindingReporter
from assay.scanners.llm.harness import CallSettings, Harness
from assay.scanners.llm.interface import GenerationParams, Provider
from assay.scanners.llm.loop import LoopOutcome, ReviewLoop
from assay.scanners.llm.metrics import StageRecorder
from assay.scanners.llm.prompt import PromptPack
from assay.scanners.llm.retry import RetryPolicy
from assay.scanners.llm.sandbox import Sandbox
from assay.scanners.llm.scope import Scope
from assay.scanners.llm.settings import LlmSettings
from assay.scanners.llm.single_shot import SingleShotReview
from assay.scanners.llm.structured import output_spec
from assay.scanners.llm.tools import SPECS, Toolbox
from assay.scanners.llm.trace import Trace


@dataclass(frozen=True)
class ReviewInput:
    """Everything a review depends on."""

    name: str
    settings: LlmSettings
    pack: PromptPack
    snapshot: Snapshot
    files: tuple[str, ...]
    scope: Scope
    max_file_size: int
    seed: int = 0


@dataclass(frozen=True)
class ReviewResult:
    """What one review produced and measured."""

    findings: tuple[Finding, ...]
    outcome: LoopOutcome
    stages: tuple[StageMetrics, ...]
    files_read: frozenset[str]
    models_reported: tuple[str, ...]
    tokens: int
    steps: int
    provider_seconds: float
    unsupported: int
    elided: int
    dropped: int
    ranges_read: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()
    """Line ranges the model read, per file (what review coverage is measured on)."""
    not_reviewed: tuple[tuple[str, str], ...] = ()
    """Files in scope the review did not cover, with why (single-shot: no usable reply,
    unreadable, or not sent before the run stopped)."""
    invented: tuple[int, int] = (0, 0)
    """Findings on invented paths and lines the reporter kept as phantoms (agent)."""


def limits_of(settings: LlmSettings, time_box: bool = True) -> Limits:
    """The budget of a run (replay runs without the time-box: time is not replayable)."""
    b = settings.budget
    return Limits(b.max_steps, b.max_input_tokens, b.max_output_tokens, b.max_cost,
                  b.time_box if time_box else None)


def price_of(settings: LlmSettings) -> Price | None:
    """The configured price table."""
    p = settings.price
    return None if p is None else Price(p.input, p.output, p.cached_input)


def call_settings(settings: LlmSettings, retries: bool = True) -> CallSettings:
    """Model, sampling parameters, timeout and retry policy of every request."""
    params = GenerationParams(settings.max_tokens, settings.temperature, settings.top_p,
                              settings.seed)
    r = settings.retry
    return CallSettings(settings.model, params, settings.request_timeout,
                        RetryPolicy(r.max_retries if retries else 0, r.backoff_base,
                                    r.backoff_max))


def review(inp: ReviewInput, provider: Provider, trace: Trace, *, time_box: bool = True,
           retries: bool = True, clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep,
           timed_out: Mapping[int, str] | None = None) -> ReviewResult:
    """Run the review once over `inp.scope`: the agent loop, or the single-shot harness
    when the settings say so.

    Replay passes `time_box=False, retries=False` and the recorded results of the tool
    calls a deadline cut (`timed_out`): the recorded trace decides where the original run
    was cut off and which errors were final.
    """
    s = inp.settings
    if s.harness == "single-shot":
        return _single_shot(inp, provider, trace, time_box=time_box, retries=retries,
                            clock=clock, sleep=sleep)
    sandbox = Sandbox(inp.snapshot, inp.files, inp.max_file_size)
    reporter = FindingReporter(inp.name, sandbox)
    recorder = StageRecorder(inp.name)
    meter = Meter(limits_of(s, time_box), price_of(s), clock)
    harness = Harness(provider, call_settings(s, retries), meter, trace, recorder, inp.seed, sleep)
    fixed = len(inp.pack.system) + len(canonical(tools_to_list(SPECS)))
    conversation = Conversation(fixed, s.context_window - s.max_tokens, s.max_messages)
    with Toolbox(sandbox, s.tools, reporter) as toolbox:
        outcome = ReviewLoop(harness, toolbox, inp.pack, conversation, timed_out).run(
            inp.scope.listing(s.tools.max_scope_listing))
    return ReviewResult(
        findings=tuple(reporter.findings), outcome=outcome, stages=recorder.stages(),
        files_read=frozenset(toolbox.files_read),
        models_reported=tuple(sorted(harness.models_reported)), tokens=recorder.tokens,
        steps=harness.step, provider_seconds=harness.provider_seconds,
        unsupported=reporter.unsupported, elided=conversation.elided,
        dropped=conversation.dropped,
        ranges_read=tuple(sorted((p, tuple(r)) for p, r in toolbox.ranges_read.items())),
        invented=(reporter.invented_paths, reporter.invented_lines))


def _single_shot(inp: ReviewInput, provider: Provider, trace: Trace, *, time_box: bool,
                 retries: bool, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> ReviewResult:
    """One single-shot review over `inp.scope` (see single_shot)."""
    s = inp.settings
    sandbox = Sandbox(inp.snapshot, inp.files, inp.max_file_size)
    reporter = FindingReporter(inp.name, sandbox)
    recorder = StageRecorder(inp.name)
    meter = Meter(limits_of(s, time_box), price_of(s), clock)
    harness = Harness(provider, call_settings(s, retries), meter, trace, recorder, inp.seed, sleep)
    shot = SingleShotReview(harness, sandbox, reporter, inp.pack, output_spec(s.output_mode), s)
    outcome = shot.run(inp.scope)
    reviewed = shot.progress.reviewed()
    return ReviewResult(
        findings=tuple(reporter.findings), outcome=outcome, stages=recorder.stages(),
        files_read=frozenset(reviewed), models_reported=tuple(sorted(harness.models_reported)),
        tokens=recorder.tokens, steps=harness.step, provider_seconds=harness.provider_seconds,
        unsupported=reporter.unsupported, elided=0, dropped=0,
        ranges_read=tuple(sorted(reviewed.items())),
        not_reviewed=tuple(sorted(shot.progress.failed.items())))
