"""The plan of one scan: which rule files Semgrep runs, how, and what the run records.

`plan_scan` reads the pack at most once and only when something needs its rules: the
CWEs the pack gates are kept in the result cache under the pack's hash, and the
pre-pass result in the state directory, so a rescan without changes reads neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assay.ledger.result_cache import ResultCache
from assay.model import StageMetrics
from assay.normalize.merge import MergePolicy
from assay.scanners.interface import ScanContext
from assay.scanners.semgrep._layout import RunLayout
from assay.scanners.semgrep._pack import Pack, Rules, load_rules, rule_files
from assay.scanners.semgrep._prepass import prepare
from assay.scanners.semgrep._rulefiles import write_generated
from assay.scanners.semgrep._sinks import SinkWrapper
from assay.scanners.semgrep._slicing import VERSION as SLICER_VERSION
from assay.scanners.semgrep._slicing import SliceSpec
from assay.scanners.semgrep._template_flow import TemplatePlan, plan_templates

GATED_KIND = "semgrep-gated-cwes/1"  # the result cache's name for kept gated CWEs


@dataclass(frozen=True)
class Options:
    """What the user chooses: the timeouts of a whole Semgrep process and of one file
    and rule (seconds), the cross-file pre-pass, slicing, and what becomes of a
    pattern-only scanner's gated findings no taint finding confirms."""

    timeout: float = 1800.0
    file_timeout: float = 30.0
    summaries: bool = True
    slicing: bool = True
    policy: MergePolicy = MergePolicy.DEMOTE


@dataclass(frozen=True)
class Sliced:
    """How the taint rules run on sliced copies: what the slicer keeps, and the rule
    files (generated, taint rules only) that run on the copies."""

    spec: SliceSpec
    taint: tuple[Path, ...]
    unfiltered: tuple[Path, ...] = ()
    """Those of `taint` whose files the pre-pass did not pick for holding a source (the
    template rule's: the files naming a template): the slicer reads them for one."""


@dataclass(frozen=True)
class ScanPlan:
    """One scan's plan, passed through its stages.

    `rules` are the rule files Semgrep runs (`loaded`: their rules, when this scan has
    read them already); `key` is the rules hash results are cached and reported under;
    `record` is what the run's provenance says of the scan; `stages` the time the plan
    took; `wrappers` the project's sink wrappers (a flow through one goes on to its sink).
    """

    options: Options
    layout: RunLayout
    pack: Pack
    gated_cwes: frozenset[int]
    rules: tuple[Path, ...]
    key: str
    loaded: Rules | None = None
    sliced: Sliced | None = None
    record: tuple[tuple[str, str], ...] = ()
    stages: tuple[StageMetrics, ...] = ()
    templates: TemplatePlan = field(default_factory=TemplatePlan)
    wrappers: tuple[SinkWrapper, ...] = ()

    def rule_set(self) -> Rules:
        """The rules Semgrep runs (read now when the plan has not read them)."""
        if self.loaded is not None:
            return self.loaded
        if self.rules == self.pack.paths:
            return self.pack.rules
        return load_rules(self.rules)


def plan_scan(ctx: ScanContext, options: Options) -> ScanPlan:
    """The plan for scanning `ctx` with the pack: with the pre-pass (summaries on), the
    pack extended with the project's function summaries."""
    layout = RunLayout(ctx.state_dir)
    pack = Pack(tuple(rule_files()), ctx.cache if ctx.use_cache else None)
    gated = _gated_cwes(ctx.cache, pack)
    record: tuple[tuple[str, str], ...] = (("semgrep.bandit_policy", options.policy.value),)
    if not options.summaries:
        # Semgrep's native engine takes a rule file's `rules` and nothing else (the
        # pack's YAML holds its shared anchors beside them): the rules as JSON copies
        layout.prepare()
        loaded = Rules(tuple(write_generated(layout.generated, f.path.stem, f.rules)
                             for f in pack.rules.files))
        plan = ScanPlan(options, layout, pack, gated, loaded.paths, pack.hash, loaded,
                        record=record)
        return _with_templates(plan, ctx)
    prepared = prepare(ctx, layout, pack)
    sliced = Sliced(prepared.slicing, prepared.taint) if options.slicing else None
    key = f"{prepared.key}+sliced/{SLICER_VERSION}" if sliced else prepared.key
    record += (("semgrep.slicing", "on" if sliced else "off"), *prepared.provenance)
    return _with_templates(
        ScanPlan(options, layout, pack, gated, prepared.rules, key, prepared.loaded,
                 sliced, record, (StageMetrics("prepass:semgrep", prepared.seconds),),
                 wrappers=prepared.wrappers), ctx, prepared.markup)


def _with_templates(plan: ScanPlan, ctx: ScanContext,
                    added: Mapping[str, Sequence[object]] | None = None) -> ScanPlan:
    """`plan` with the rules of the project's templates (see _template_flow) added."""
    templates = plan_templates(ctx, plan.layout, plan.pack, added)
    if templates.rules is None:
        return replace(plan, templates=templates)
    record = (*plan.record, ("semgrep.templates.outputs", str(templates.output_count())))
    added_files = (templates.rules, *((templates.stored,) if templates.stored else ()))
    loaded = plan.loaded
    if loaded is not None:
        loaded = Rules((*loaded.files, *added_files))
    # a taint rule like the others: with slicing, on the sliced copies (its sources are
    # the pack's, so a function without one cannot hold its flow); on whole files it
    # took as long as every pattern rule together (Django: 11 s of 14 s). Its stored-data
    # copy runs on whole files, with the pattern rules (only in files reading a database)
    sliced = plan.sliced
    if sliced is not None:
        sliced = replace(sliced, taint=(*sliced.taint, templates.rules.path),
                         unfiltered=(templates.rules.path,))
    return replace(plan, rules=(*plan.rules, *(f.path for f in added_files)), loaded=loaded,
                   key=f"{plan.key}+templates/{templates.key}{'/sliced' if sliced else ''}",
                   templates=templates, record=record, sliced=sliced)


def _gated_cwes(cache: ResultCache | None, pack: Pack) -> frozenset[int]:
    """The CWEs the pack gates, kept in the result cache under the pack's hash (a rescan
    need not parse the pack's YAML)."""
    kept = cache.get_docs(GATED_KIND, [pack.hash]) if cache is not None else {}
    text = kept.get(pack.hash)
    if text is not None and all(c.isascii() and c.isdigit() for c in text.split(",") if c):
        return frozenset(int(c) for c in text.split(",") if c)
    gated = pack.rules.gated_cwes()
    if cache is not None:
        cache.put_docs(GATED_KIND, [(pack.hash, ",".join(str(c) for c in sorted(gated)))])
    return gated
