"""Semgrep CE as a subprocess with local rules only.

Always offline: `--metrics=off --disable-version-check`, `SEMGREP_ENABLE_VERSION_CHECK=0`
(without them Semgrep waits about 97 s for the network), settings and logs redirected
into assay's state directory, an explicit file list and a hard wall-clock timeout that
kills the whole process group. A missing, broken or hanging Semgrep makes the run
incomplete; it never makes it silently weaker.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.model import (
    Confidence,
    Finding,
    FindingKind,
    ScannerInfo,
    Severity,
    SkippedFile,
    SkipReason,
    Span,
    StageMetrics,
)
from assay.normalize.cwe import parse_cwe
from assay.scanners.cache import FileOutcome
from assay.scanners.filescan import Analysis, FileScanner, utf8_copy
from assay.scanners.interface import ScanContext, ScannerError, ScannerResult
from assay.scanners.slicing import SliceSpec

if TYPE_CHECKING:
    from assay.scanners.rulegen import Loaded, SliceStats

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}
PART_MIN_BYTES = 256 * 1024  # smaller parts cost more to start (~1.5 s a Semgrep)
# paths per Semgrep process, in bytes: keeps the command line far below ARG_MAX (2 MiB on
# Linux) while a large project still goes to one process (every process starts anew)
CHUNK_BYTES = 512 * 1024
# Semgrep merges rules that share an id, so the copies of a taint rule the pre-pass writes
# for groups of files are told apart by this mark and a number, stripped from findings.
COPY_MARK = "--copy"
GATED_KIND = "semgrep-gated-cwes/1"  # the result cache's name for kept gated_cwes


@dataclass(frozen=True)
class RuleMeta:
    """What assay needs from a rule's YAML: CWE, severity and confidence."""

    cwe: int | None
    severity: Severity
    confidence: Confidence


def rule_files(extra: Sequence[Path] = ()) -> list[Path]:
    """The rule pack's YAML files plus any generated extensions, in a stable order."""
    return sorted(RULES_DIR.glob("*.yaml")) + sorted(extra)


def rules_hash(files: Sequence[Path]) -> str:
    """sha256 over rule file names and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def find_semgrep() -> str | None:
    """The Semgrep executable: $ASSAY_SEMGREP, else beside this Python, else on PATH."""
    explicit = os.environ.get("ASSAY_SEMGREP")
    if explicit:
        return explicit if Path(explicit).exists() else None
    beside = Path(sys.executable).parent / "semgrep"
    if beside.exists():
        return str(beside)
    return shutil.which("semgrep")


@cache
def semgrep_version(binary: str) -> str:
    """Semgrep's version: from package metadata when it is our own install (fast)."""
    if Path(binary).parent == Path(sys.executable).parent:
        try:
            return importlib.metadata.version("semgrep")
        except importlib.metadata.PackageNotFoundError:
            pass
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30,
                             env=_env(Path(tempfile.gettempdir())), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout else "unknown"


_PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
"""What Semgrep gets of assay's environment: no token or key of a CI job reaches it."""


def _env(state: Path) -> dict[str, str]:
    env = {key: os.environ[key] for key in _PASSED_ENV if key in os.environ}
    env.update({
        "SEMGREP_ENABLE_VERSION_CHECK": "0",
        "SEMGREP_SEND_METRICS": "off",
        "SEMGREP_SETTINGS_FILE": str(state / "settings.yml"),
        "SEMGREP_LOG_FILE": str(state / "semgrep.log"),
        "SEMGREP_VERSION_CACHE_PATH": str(state / "version-cache"),
        "XDG_CONFIG_HOME": str(state / "config"),
        "XDG_CACHE_HOME": str(state / "cache"),
    })
    return env


def gated_cwes(files: Sequence[Path]) -> tuple[int, ...]:
    """The CWEs for which the pack gates Bandit's pattern findings, sorted.

    Those of every taint rule, and of rules whose metadata says `gates-bandit: true`.
    """
    from assay.scanners.rulegen import load_rules

    found: set[int] = set()
    for path in files:
        for rule in load_rules(path):
            metadata = rule.get("metadata") or {}
            cwe = parse_cwe(metadata.get("cwe"))
            gates = rule.get("mode") == "taint" or metadata.get("gates-bandit") is True
            if gates and cwe is not None:
                found.add(cwe)
    return tuple(sorted(found))


def _kept_gated_cwes(ctx: ScanContext, files: Sequence[Path]) -> str:
    """`gated_cwes` as text, kept in the result cache under a hash of the rule files (a
    rescan need not parse the pack's YAML)."""
    key = rules_hash(files)
    kept = ctx.cache.get_docs(GATED_KIND, [key]) if ctx.cache is not None else {}
    if key in kept and all(c.isdigit() for c in kept[key].split(",") if c):
        return kept[key]
    gated = ",".join(str(c) for c in gated_cwes(files))
    if ctx.cache is not None:
        ctx.cache.put_docs(GATED_KIND, [(key, gated)])
    return gated


def load_rule_meta(files: Sequence[Path]) -> dict[str, RuleMeta]:
    """Rule id -> metadata, read from the rule files (the JSON output lacks some of it)."""
    from assay.scanners.rulegen import load_rules

    return rule_meta(rule for path in files for rule in load_rules(path))


def rule_meta(rules: Iterable[dict[str, Any]]) -> dict[str, RuleMeta]:
    """Rule id -> metadata (a copy of a rule for a group of files counts as the rule)."""
    meta: dict[str, RuleMeta] = {}
    for rule in rules:
        data = rule.get("metadata", {}) or {}
        severity = data.get("assay-severity") or _SEVERITY.get(rule.get("severity", ""), "")
        meta[str(rule["id"]).split(COPY_MARK, 1)[0]] = RuleMeta(
            parse_cwe(data.get("cwe")),
            Severity.parse(str(severity)) if severity else Severity.MEDIUM,
            Confidence(str(data.get("confidence", "medium")).lower()),
        )
    return meta


class SemgrepScanner(FileScanner):
    """Semgrep with assay's own rule pack (and, per scan, generated extensions)."""

    name = "semgrep"
    kind = FindingKind.DETERMINISTIC

    def __init__(self, timeout: float = 1800.0, file_timeout: float = 30.0,
                 extra_rules: Sequence[Path] = (), summaries: bool = True,
                 rules: Sequence[Path] | None = None, bandit_policy: str = "drop",
                 rules_key: str = "", slicing: bool = True,
                 sliced: tuple[SliceSpec, Sequence[Path]] | None = None) -> None:
        """`sliced` (set by `run` for the extended pack): how to slice files, and which
        rule files (the generated taint rules) run on the sliced copies."""
        from assay.normalize.merge import BanditPolicy

        self.timeout = timeout
        self.file_timeout = file_timeout
        self.rules = list(rules) if rules is not None else rule_files(extra_rules)
        self.summaries = summaries
        self.rules_key = rules_key
        self.slicing = slicing
        self.sliced = sliced
        self.slice_stats: SliceStats | None = None
        try:
            self.bandit_policy = BanditPolicy(bandit_policy)
        except ValueError:
            choices = ", ".join(p.value for p in BanditPolicy)
            raise ScannerError(f"[scanners.semgrep] bandit_findings must be one of {choices}",
                               f"got {bandit_policy!r}; see docs/rules.md") from None
        self._binary = find_semgrep()

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Scan with the pack; first extend it with the project's function summaries.

        The result records for which CWEs the pack gates Bandit (the merge reads it) and,
        with summaries on, what the pre-pass found.
        """
        gated = _kept_gated_cwes(ctx, self.rules)
        covered: tuple[tuple[str, str], ...] = (
            ("semgrep.gated_cwes", gated), ("semgrep.bandit_policy", self.bandit_policy.value))
        if not self.summaries:
            result = super().run(ctx)
            return replace(result, extra=(*result.extra, *covered))
        from assay.scanners.prepass import prepare

        prepared = prepare(ctx, self.rules)
        sliced = (prepared.slicing, prepared.taint) if self.slicing else None
        key = f"{prepared.key}+sliced/{_slicer_digest()}" if sliced else prepared.key
        scanner = SemgrepScanner(self.timeout, self.file_timeout, summaries=False,
                                 rules=prepared.rules, rules_key=key, sliced=sliced)
        result = FileScanner.run(scanner, ctx)
        covered += (("semgrep.slicing", "on" if sliced else "off"),)
        stages = [StageMetrics("prepass:semgrep", prepared.seconds), *result.stages]
        if scanner.slice_stats is not None:
            stages.append(scanner.slice_stats.stage())
        return replace(result, extra=(*result.extra, *covered, *prepared.provenance),
                       stages=tuple(stages))

    def info(self) -> ScannerInfo:
        """Semgrep's version and the hash of the rules it runs."""
        version = semgrep_version(self._binary) if self._binary else "missing"
        return ScannerInfo(self.name, version, self.rules_key or rules_hash(self.rules))

    def unavailable(self) -> str:
        """Why Semgrep cannot run ('' when it can)."""
        if self._binary is None:
            return "semgrep is not installed (pip install semgrep, or set ASSAY_SEMGREP)"
        return ""

    def engine_bytes(self, path: str, data: bytes, text: str) -> bytes | None:
        """Semgrep reads every file as UTF-8: a file whose coding declaration makes Python
        read it otherwise is given to it as a UTF-8 copy of the text Python runs."""
        return utf8_copy(data, text)

    def analyze(self, root: Path, paths: Sequence[str], ctx: ScanContext,
                report: Callable[[int], None]) -> Analysis:
        """Run Semgrep over `paths` in chunks; translate its JSON."""
        state = ctx.state_dir / "semgrep"
        state.mkdir(parents=True, exist_ok=True)
        from assay.scanners.rulegen import load_rules

        loaded = [(path, load_rules(path)) for path in self.rules]  # read once a scan
        meta = rule_meta(rule for _, rules in loaded for rule in rules)
        analysis = Analysis()
        (ctx.state_dir / "tmp").mkdir(parents=True, exist_ok=True)
        taint = self.sliced[1] if self.sliced is not None else ()
        split = ([(path, rules) for path, rules in loaded if path not in taint],
                 [(path, rules) for path, rules in loaded if path in taint])
        done = 0
        for chunk in _chunks(paths, CHUNK_BYTES):
            with (tempfile.TemporaryDirectory(prefix="rules-", dir=ctx.state_dir / "tmp") as tmp,
                  _Runs(self, ctx.jobs, meta) as runs):
                if self.sliced is None:
                    runs.start_parts(root, chunk, loaded, Path(tmp) / "whole", state)
                else:
                    self._run_sliced(root, chunk, split, runs, Path(tmp), state)
            runs.joined(chunk, analysis)
            done += len(chunk)
            report(done)
        return analysis

    def _run_sliced(self, root: Path, chunk: list[str], loaded: tuple[Loaded, Loaded],
                    runs: _Runs, tmp: Path, state: Path) -> None:
        """The pattern rules (`loaded[0]`) and the generated taint rules (`loaded[1]`),
        each on copies of the files they can match in with the functions that cannot
        hold a match blanked (see slicing). The pattern rules start while the taint
        rules' files are sliced."""
        from assay.scanners.rulegen import (
            SliceStats,
            limited_targets,
            pattern_copies,
            sliced_copies,
            split_limited,
        )

        assert self.sliced is not None
        if self.slice_stats is None:
            self.slice_stats = SliceStats()
        # the pattern rules in one run each: they take a fraction of the taint rules'
        # time, and a second run would take the core the slicing needs (Django: 1.7 s)
        everywhere, some = split_limited(loaded[0], tmp)
        runs.start_parts(root, chunk, everywhere, tmp / "all", state, most=1)
        wanted = limited_targets(some, chunk)
        copies = pattern_copies(root, wanted, some, tmp / "patterns", self.slice_stats)
        runs.start_parts(copies or root, wanted, some, tmp / "some", state, most=1)
        sliced = tmp / "sliced"
        targets = sliced_copies(root, chunk, self.sliced[0], loaded[1], sliced,
                                self.slice_stats)
        runs.start_parts(sliced, targets, loaded[1], tmp / "taint", state)

    def _command(self, rules: Sequence[Path]) -> list[str]:
        assert self._binary is not None
        cmd = [self._binary, "scan", "--json", "--metrics=off", "--disable-version-check",
               "--no-git-ignore", "--max-target-bytes=0", "--quiet", "--disable-nosem",
               "--timeout", str(int(self.file_timeout)), "--jobs", "1"]
        for rule in rules:
            cmd += ["--config", str(rule)]
        return cmd

    def _run_chunk(self, root: Path, chunk: list[str], command: list[str], state: Path,
                   meta: dict[str, RuleMeta], analysis: Analysis) -> None:
        cmd = [*command, "--", *chunk]
        try:
            proc = subprocess.Popen(cmd, cwd=root, env=_env(state), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            self._fail(analysis, chunk, SkipReason.SCANNER_MISSING, f"cannot start semgrep: {exc}")
            return
        try:
            out, err = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            self._fail(analysis, chunk, SkipReason.TIMEOUT,
                       f"semgrep did not finish within {self.timeout:g} s")
            return
        try:
            doc = json.loads(out)
        except ValueError:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            self._fail(analysis, chunk, SkipReason.SCANNER_ERROR,
                       f"semgrep exited {proc.returncode}: {tail[0][:200]}")
            return
        _translate(doc, chunk, meta, analysis)

    def _fail(self, analysis: Analysis, chunk: list[str], reason: SkipReason, detail: str) -> None:
        analysis.failed.extend(SkippedFile(p, reason, self.name, detail) for p in chunk)
        analysis.error = detail


class _Runs:
    """Semgrep runs started as they come, `jobs` at a time, each with one worker: the
    workers of one Semgrep run in one process and, with the large generated rules, gain
    little (Django: two took 17 s where one took 18 s). On leaving, every run has
    ended."""

    def __init__(self, scanner: SemgrepScanner, jobs: int, meta: dict[str, RuleMeta]) -> None:
        self.scanner = scanner
        self.jobs = max(1, jobs)
        self.meta = meta
        self.pool = ThreadPoolExecutor(max_workers=self.jobs)
        self.parts: list[Analysis] = []
        self.futures: list[Future[None]] = []

    def __enter__(self) -> _Runs:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=kind is not None)
        for future in self.futures if kind is None else ():
            future.result()

    def start_parts(self, root: Path, files: Sequence[str], loaded: Loaded, tmp: Path,
                    state: Path, most: int = 0) -> None:
        """Queue the rules of `loaded` over those of `files` (under `root`) some rule
        runs on: one part per core (at most `most`, when given) of neighbouring files of
        about equal size (fewer when the files are small), largest first, each with only
        its files' copies of the rules (written under `tmp`)."""
        from assay.scanners.rulegen import limited_targets, limited_to

        wanted = limited_targets(loaded, files)
        sizes = [_size(root / p) + 1 for p in wanted]
        count = min(most or self.jobs, self.jobs, 1 + sum(sizes) // PART_MIN_BYTES)
        parts = sorted(_parts(wanted, sizes, count), key=lambda part: -part[1])
        for number, (part, _) in enumerate(parts):
            self._start(root, part, limited_to(loaded, part, tmp / str(number)), state)

    def _start(self, root: Path, files: list[str], rules: list[Path], state: Path) -> None:
        """Queue one Semgrep run (with a state directory of its own under `state`: runs
        at once must not share Semgrep's settings and log files)."""
        state = state / f"run-{len(self.parts)}"
        state.mkdir(parents=True, exist_ok=True)
        part = Analysis()
        self.parts.append(part)
        self.futures.append(self.pool.submit(
            self.scanner._run_chunk, root, files, self.scanner._command(rules), state,
            self.meta, part))

    def joined(self, chunk: list[str], into: Analysis) -> None:
        """The runs' outcomes for `chunk` joined into `into` (a file no run was given has
        no findings: no rule can match in it; one a run could not finish is not
        finished)."""
        whole = Analysis(outcomes={path: FileOutcome(()) for path in chunk})
        for part in self.parts:
            joined = Analysis()
            _merge(whole, part, joined)
            whole = joined
        _merge(whole, Analysis(), into)


def _size(path: Path) -> int:
    """The file's size (0 when it cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _parts(paths: Sequence[str], sizes: Sequence[int],
           count: int) -> list[tuple[list[str], int]]:
    """`paths` (sorted) cut into at most `count` runs of neighbours of about equal size
    (`sizes`, one per path), each with its size: neighbours share the generated rules'
    copies, so each part reads fewer of them."""
    share = sum(sizes) / max(1, count)
    out: list[tuple[list[str], int]] = []
    for path, size in zip(paths, sizes, strict=True):
        if not out or (out[-1][1] >= share and len(out) < count):
            out.append(([], 0))
        files, taken = out[-1]
        files.append(path)
        out[-1] = (files, taken + size)
    return out


def _chunks(paths: Sequence[str], limit: int) -> list[list[str]]:
    """`paths` in order, cut into lists whose paths take at most `limit` bytes."""
    out: list[list[str]] = []
    size = limit + 1
    for path in paths:
        length = len(path.encode()) + 1
        if size + length > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += length
    return out


def _merge(whole: Analysis, part: Analysis, into: Analysis) -> None:
    """Outcomes of two Semgrep runs over the same files (`part` over some of them): a
    file one run could not finish is not finished; otherwise its findings are joined."""
    first = {s.path for s in whole.failed}
    failed = first | {s.path for s in part.failed}
    into.failed.extend(whole.failed)
    into.failed.extend(s for s in part.failed if s.path not in first)
    for path, outcome in whole.outcomes.items():
        if path in failed:
            continue
        other = part.outcomes.get(path)
        if outcome.skip is None and other is not None:
            outcome = other if other.skip is not None else FileOutcome(
                (*outcome.findings, *other.findings))
        into.outcomes[path] = outcome
    into.error = into.error or whole.error or part.error


@cache
def _slicer_digest() -> str:
    """A short hash of the slicing code: results of other slicing code are not reused."""
    from assay.scanners import slicing

    return hashlib.sha256(Path(str(slicing.__file__)).read_bytes()).hexdigest()[:16]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _translate(doc: dict[str, Any], chunk: list[str], meta: dict[str, RuleMeta],
               analysis: Analysis) -> None:
    wanted = set(chunk)
    errors = _file_errors(doc, wanted)
    scanned = {p for p in doc.get("paths", {}).get("scanned", []) if p in wanted}
    findings: dict[str, list[Finding]] = {p: [] for p in chunk}
    for result in doc.get("results", []):
        path = result.get("path")
        if path in findings:
            findings[path].append(_finding(result, meta))
    for path in chunk:
        if path in errors:
            reason, detail = errors[path]
            if reason is SkipReason.TIMEOUT:
                analysis.failed.append(SkippedFile(path, reason, "semgrep", detail))
            else:
                analysis.outcomes[path] = FileOutcome(
                    skip=SkippedFile(path, reason, "semgrep", detail))
        elif path in scanned:
            analysis.outcomes[path] = FileOutcome(tuple(findings[path]))
        else:
            analysis.failed.append(SkippedFile(path, SkipReason.SCANNER_ERROR, "semgrep",
                                               "semgrep did not scan the file"))


def _file_errors(doc: dict[str, Any], wanted: set[str]) -> dict[str, tuple[SkipReason, str]]:
    errors: dict[str, tuple[SkipReason, str]] = {}
    for error in doc.get("errors", []):
        if error.get("level") != "error":
            continue
        path = error.get("path") or next(
            (s.get("file") for s in error.get("spans", []) if s.get("file")), None)
        if path not in wanted:
            continue
        kind = str(error.get("type", ""))
        kind_text = kind if isinstance(error.get("type"), str) else json.dumps(error.get("type"))
        if "Timeout" in kind_text:
            reason = SkipReason.TIMEOUT
        elif "Syntax" in kind_text or "Parse" in kind_text or "Lexical" in kind_text:
            reason = SkipReason.SYNTAX_ERROR
        else:
            reason = SkipReason.SCANNER_ERROR
        errors[path] = (reason, (error.get("message") or kind_text).strip()[:300])
    return errors


def _rule_id(check_id: str, meta: dict[str, RuleMeta]) -> str:
    """Semgrep prefixes rule ids with the config's directory; strip it back off (and the
    mark of a rule's copy for a group of files)."""
    check_id = check_id.split(COPY_MARK, 1)[0]
    if check_id in meta:
        return check_id
    for known in meta:
        if check_id.endswith("." + known):
            return known
    return check_id


def _finding(result: dict[str, Any], meta: dict[str, RuleMeta]) -> Finding:
    rule_id = _rule_id(str(result["check_id"]), meta)
    info = meta.get(rule_id)
    extra = result.get("extra", {})
    start, end = result["start"], result["end"]
    cwe = info.cwe if info else parse_cwe(extra.get("metadata", {}).get("cwe"))
    return Finding(
        scanner="semgrep",
        rule_id=rule_id,
        path=str(result["path"]),
        span=Span(int(start["line"]), max(int(start["line"]), int(end["line"])),
                  int(start.get("col", 1)), int(end.get("col", 1))),
        severity=info.severity if info else _SEVERITY.get(extra.get("severity"), Severity.LOW),
        confidence=info.confidence if info else Confidence.MEDIUM,
        message=str(extra.get("message", "")).strip(),
        cwe=cwe,
        sources=(f"semgrep:{rule_id}",),
    )
