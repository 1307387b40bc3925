"""`LlmScanner`: the agentic security review as a scanner (`[scanners.NAME] type = "llm"`).

A run builds the scope (whole snapshot, a path, or `--diff` hunks), serves a complete
earlier result from the ledger's cache when everything that determines it is identical,
and otherwise runs the review loop through the configured provider, recording a trace.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assay.formats.json import target_to_dict
from assay.ledger.interface import Ledger
from assay.model import (
    CacheStats,
    FindingKind,
    RunStatus,
    ScannerInfo,
    StageMetrics,
    pairs,
)
from assay.repo.globs import compile_excludes
from assay.scanners.interface import ScanContext, Scanner, ScannerError, ScannerResult
from assay.scanners.llm import cache
from assay.scanners.llm import coverage as review_coverage
from assay.scanners.llm.codec import canonical
from assay.scanners.llm.generate import Generation, GenerationTask, generate
from assay.scanners.llm.interface import Provider, ProviderError
from assay.scanners.llm.metrics import REPLIES, REPLY_FAULTS, describe_faults
from assay.scanners.llm.prompt import PromptPack, floating_alias, load_pack
from assay.scanners.llm.providers import make_provider
from assay.scanners.llm.scope import Scope, build_scope, scope_hash
from assay.scanners.llm.session import ReviewInput, ReviewResult, review
from assay.scanners.llm.settings import LlmSettings
from assay.scanners.llm.store import LlmStore
from assay.scanners.llm.tools import SPECS, manifest_hash
from assay.scanners.llm.trace import Trace

HARNESS_VERSION = "3"  # 2: linear-time masking, tool deadlines; 3: single-shot, output modes
ProviderFactory = Callable[[LlmSettings], Provider]


def jitter_seed(run_id: str) -> int:
    """The seed of the retry jitter: fixed per run, different between runs."""
    return int(hashlib.sha256(run_id.encode()).hexdigest()[:8], 16)


class LlmScanner(Scanner):
    """An LLM reviewer with tools, budgets, traces and a result cache."""

    kind = FindingKind.LLM

    def __init__(self, name: str, settings: LlmSettings, pack: PromptPack | None = None,
                 provider_factory: ProviderFactory = make_provider, *, time_box: bool = True,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.settings = settings
        self.pack = pack or load_pack(settings.prompt_ref)
        if self.pack.harness != settings.harness:
            raise ScannerError(f"{name}: prompt pack {self.pack.ref} is for the "
                               f"{self.pack.harness} harness, not {settings.harness}",
                               f"leave prompt unset for the built-in pack of the "
                               f"{settings.harness} harness")
        self.provider_factory = provider_factory
        self.time_box = time_box
        self.sleep = sleep
        self.manifest = manifest_hash(SPECS, settings.tools)
        self._included = compile_excludes(settings.include)

    def applies_to(self, path: str) -> bool:
        """Files matching `include` (default `*.py`) are reviewed."""
        return self._included(path)

    @property
    def warning(self) -> str:
        """The floating-alias warning for the configured model ('' when pinned)."""
        if not floating_alias(self.settings.model):
            return ""
        return (f"{self.name}: model {self.settings.model!r} is a floating alias (no date or "
                "version): what it names may change; pin a dated model id")

    def info(self, reported: tuple[str, ...] = ()) -> ScannerInfo:
        """Identity: prompt pack, tool manifest, model as sent and as reported, params."""
        s = self.settings
        extra = {"provider": s.provider, "base_url": s.base_url or "", "model": s.model,
                 "model_reported": ",".join(reported), "prompt": self.pack.ref,
                 "prompt_sha256": self.pack.sha256, "tool_manifest": self.manifest,
                 "params": canonical(self.params()), "harness": s.harness,
                 "harness_version": HARNESS_VERSION, "structured_output": s.output_mode}
        if self.warning:
            extra["model_warning"] = self.warning
        return ScannerInfo(self.name, f"llm-{s.harness}/{HARNESS_VERSION}", self.pack.sha256,
                           FindingKind.LLM, pairs(extra))

    def params(self) -> dict[str, Any]:
        """Generation parameters as sent (seed is not sent to Anthropic)."""
        s = self.settings
        return {"temperature": s.temperature, "top_p": s.top_p, "max_tokens": s.max_tokens,
                "seed": s.seed if s.provider == "openai" else None}

    def cache_key(self, scope: Scope, contents: dict[str, str]) -> str:
        """The key of this scanner's result for a scope and file contents."""
        s = self.settings
        return cache.cache_key({
            "harness": [HARNESS_VERSION, s.harness, s.output_mode],
            "scope": scope_hash(scope, contents),
            "prompt": self.pack.sha256, "provider": s.provider, "base_url": s.base_url or "",
            "model": s.model, "params": self.params(), "tools": self.manifest,
            "context": [s.context_window, s.max_messages], "include": list(s.include)})

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Review the scope of `ctx`; never raises for model or provider trouble."""
        started = time.perf_counter()
        scope = build_scope(ctx.files, self.applies_to, ctx.diff)
        contents = {p: ctx.snapshot.content_id(p) for p in ctx.files}
        key = self.cache_key(scope, contents)
        store = LlmStore.for_ledger(ctx.ledger)
        trace = Trace(store, ctx.run_id, self.name)
        trace.emit("header", **self.header(ctx, scope, contents, key))
        hit = store.cache_get(key) if store and ctx.use_cache and not ctx.fresh else None
        if hit is not None:
            trace.emit("cache_hit", source_run=hit[0], key=key)
            trace.flush()
            cached = self._cached(hit[1], time.perf_counter() - started)
            return review_coverage.apply(cached, review_coverage.of_cached(
                scope, cached.analyzed, self.settings.review_threshold))
        result = self._review(ctx, scope, trace)
        trace.flush()
        if store is not None and result.status is RunStatus.COMPLETE and scope.files:
            tokens = sum(s.tokens_in + s.tokens_out for s in result.stages)
            store.cache_put(key, self.name, ctx.run_id, tokens, cache.encode(
                result.findings, sorted(result.analyzed), _reported(result.info),
                dict(result.extra), tokens))
        return _timed(result, time.perf_counter() - started)

    def header(self, ctx: ScanContext, scope: Scope, contents: dict[str, str],
               key: str) -> dict[str, Any]:
        """The trace header: what replay needs to run the same review again."""
        return {"harness": HARNESS_VERSION, "harness_name": self.settings.harness,
                "structured_output": self.settings.output_mode,
                "settings": self.settings.public(),
                "pack": {"ref": self.pack.ref, "sha256": self.pack.sha256,
                         "text": self.pack.text},
                "tool_manifest": self.manifest, "scope": scope.to_dict(),
                "files": list(ctx.files), "contents": contents,
                "target": target_to_dict(ctx.snapshot.target),
                "max_file_size": ctx.max_file_size, "cache_key": key,
                "seed": jitter_seed(ctx.run_id)}

    def review_input(self, ctx: ScanContext, scope: Scope) -> ReviewInput:
        """The input of one review over `scope`."""
        return ReviewInput(self.name, self.settings, self.pack, ctx.snapshot, ctx.files, scope,
                           ctx.max_file_size, jitter_seed(ctx.run_id))

    def _review(self, ctx: ScanContext, scope: Scope, trace: Trace) -> ScannerResult:
        if not scope.files:
            trace.emit("end", status="complete", reason="nothing in scope", findings=0)
            return ScannerResult(self.info(), extra=self._counts(None))
        try:
            provider = self.provider_factory(self.settings)
        except ProviderError as exc:
            reason = f"auth: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")
            trace.emit("failure", kind=exc.kind.value, reason=reason)
            failed = ScannerResult(self.info(), status=RunStatus.INCOMPLETE, reason=reason)
            return review_coverage.apply(failed, self._coverage(scope, {}))
        try:
            done = review(self.review_input(ctx, scope), provider, trace,
                          time_box=self.time_box, sleep=self.sleep)
        finally:
            provider.close()
        trace.emit("end", status=done.outcome.status.value, reason=done.outcome.reason,
                   findings=len(done.findings), unsupported=done.unsupported,
                   steps=done.steps, errors=dict(done.outcome.errors),
                   faults=dict(done.outcome.faults), not_reviewed=dict(done.not_reviewed))
        result = ScannerResult(
            info=self.info(done.models_reported), findings=done.findings,
            analyzed=done.files_read, status=done.outcome.status, reason=done.outcome.reason,
            stages=done.stages, cache=CacheStats(misses=1), extra=self._counts(done))
        return review_coverage.apply(result, self._coverage(scope, dict(done.ranges_read)),
                                     dict(done.not_reviewed))

    def _coverage(self, scope: Scope, read: dict[str, tuple[tuple[int, int], ...]],
                  ) -> review_coverage.ReviewCoverage:
        return review_coverage.measure(scope, read, self.settings.review_threshold)

    def generate(self, task: GenerationTask, *, run_id: str = "", ledger: Ledger | None = None,
                 ) -> Generation:
        """One structured generation with this scanner's provider, model and params (its
        own budget in `task.limits`; trace under `<name>#<stage>` in run `run_id`)."""
        try:
            provider = self.provider_factory(self.settings)
        except ProviderError as exc:
            return Generation(None, RunStatus.INCOMPLETE, f"auth: {exc.message}",
                              StageMetrics(f"{self.name}:{task.stage}"))
        try:
            return generate(self.settings, task, provider, scanner=self.name, run_id=run_id,
                            store=LlmStore.for_ledger(ledger), sleep=self.sleep)
        finally:
            provider.close()

    def _counts(self, done: ReviewResult | None) -> tuple[tuple[str, str], ...]:
        counts = {"unsupported": 0, "redactions": 0, "tool_errors": 0, "tool_timeouts": 0,
                  "repaired": 0, "context_elided": 0, "context_dropped": 0}
        counts.update(dict.fromkeys((key for key, _ in REPLY_FAULTS), 0))
        if done is not None:
            counts.update(unsupported=done.unsupported, redactions=done.outcome.redactions,
                          tool_errors=sum(done.outcome.errors.values()),
                          tool_timeouts=done.outcome.errors["timeout"],
                          repaired=done.outcome.repaired, context_elided=done.elided,
                          context_dropped=done.dropped)
            counts.update(done.outcome.faults)
            counts["invented_paths"] += done.invented[0]
            counts["invented_lines"] += done.invented[1]
        extra: dict[str, object] = {f"{self.name}.{k}": v for k, v in counts.items()}
        if self.warning:
            extra[f"{self.name}.warning"] = self.warning
        faults = describe_faults(counts)
        if faults:
            extra[f"{self.name}.{REPLIES}"] = faults
        return pairs(extra)

    def _cached(self, doc: dict[str, Any], seconds: float) -> ScannerResult:
        findings, analyzed, models, extra, tokens = cache.decode(doc)
        return ScannerResult(
            info=self.info(models), findings=findings, analyzed=analyzed,
            stages=(StageMetrics(f"scan:{self.name}", seconds),
                    StageMetrics(f"{self.name}:cache", 0.0)),
            cache=CacheStats(hits=1, saved_tokens=tokens), extra=pairs(extra))


def _reported(info: ScannerInfo) -> tuple[str, ...]:
    value = dict(info.extra).get("model_reported", "")
    return tuple(v for v in value.split(",") if v)


def _timed(result: ScannerResult, seconds: float) -> ScannerResult:
    return replace(result, stages=(StageMetrics(f"scan:{result.info.name}", seconds),
                                   *result.stages))
