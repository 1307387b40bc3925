"""`FileScanner`: the shared machinery of scanners that analyze files independently.

`scan_files()` looks every file up in the result cache, reads the misses once, sets aside files
that cannot be analyzed (too large, binary, undecodable), hands the rest to `analyze()`,
adds snippets and GitHub line hashes to the findings, and caches what is definitive.
Timeouts and crashes are never cached: the next run tries again.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import time
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assay.ledger.result_cache import FileOutcome
from assay.model import (
    CacheStats,
    Finding,
    RunStatus,
    ScannerInfo,
    SkippedFile,
    SkipReason,
    StageMetrics,
)
from assay.normalize.fingerprint import snippet_at
from assay.normalize.linehash import line_hashes_for
from assay.scanners.interface import ScanContext, Scanner, ScannerResult


@dataclass
class Analysis:
    """What `analyze()` returns: per-file outcomes, plus files it could not finish."""

    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    failed: list[SkippedFile] = field(default_factory=list)
    error: str = ""


Analyze = Callable[[Path, Sequence[str], ScanContext, Callable[[int], None]], Analysis]
"""An engine run over files: `analyze(root, paths, ctx, report)` analyzes `paths` (which
exist under `root`) and reports per-file outcomes; `report(n)` tells the progress display
that n of `paths` are done so far."""

_CODING = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)[-\w.]+")  # PEP 263


def utf8_copy(data: bytes, text: str) -> bytes | None:
    """What a reader that takes every file as UTF-8 must read to see `text` (the file
    decoded as Python does, honouring its PEP 263 coding declaration): None when `data`
    already reads as `text` in UTF-8; else `text` in UTF-8, its declaration naming utf-8
    so that nothing decodes the copy another way."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = ""
    if encoding == "utf-8":
        return None
    try:
        if data.decode("utf-8") == text:
            return None
    except UnicodeDecodeError:
        pass
    head = text.split("\n", 2)
    for number in range(min(2, len(head))):
        head[number] = _CODING.sub(r"\1utf-8", head[number], count=1)
    return "\n".join(head).encode("utf-8", "replace")


def decode_source(data: bytes) -> str | None:
    """Python source text (honouring a PEP 263 coding line), or None if undecodable."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def precheck(path: str, data: bytes, scanner: str) -> tuple[str | None, SkippedFile | None]:
    """Decoded text, or the reason the file cannot be analyzed at all."""
    if b"\0" in data:
        return None, SkippedFile(path, SkipReason.BINARY, scanner, "contains NUL bytes")
    text = decode_source(data)
    if text is None:
        return None, SkippedFile(path, SkipReason.UNDECODABLE, scanner,
                                 "not valid in its declared encoding (UTF-8 by default)")
    return text, None


def enrich(finding: Finding, lines: Sequence[str], hashes: Mapping[int, str]) -> Finding:
    """Add the snippet and GitHub line hash a finding needs for its fingerprint."""
    span = finding.span
    end = min(max(span.end_line, span.start_line), max(len(lines), span.start_line))
    line_hash = hashes.get(span.start_line, "")
    return replace(finding, snippet=snippet_at(lines, span.start_line, end), line_hash=line_hash)


class FileScanner(Scanner):
    """A scanner whose result for a file depends only on that file's content."""

    # How a file reaches the engine (links, encodings, inline suppressions): part of
    # every cache key, so results of an older way are never reused.
    input_version = "input/2"

    def unavailable(self) -> str:
        """Why the scanner cannot run here ('' when it can)."""
        return ""

    def engine_bytes(self, path: str, data: bytes, text: str) -> bytes | None:
        """The bytes the engine must read for `path` (`data`, decoded: `text`) when they
        are not the file's own; None (the default) for the file as it is."""
        return None

    def scan_files(self, ctx: ScanContext, info: ScannerInfo,
                   analyze: Analyze) -> ScannerResult:
        """Cache look-up, pre-checks, analysis of the misses with `analyze`, enrichment,
        cache update. `info` is the identity results are cached under (the rules of
        this run)."""
        started = time.perf_counter()
        files = self.select(ctx.files)
        outcomes, to_read = self._from_cache(ctx, info, files)
        hits = len(outcomes)
        failed: list[SkippedFile] = []
        error = ""
        if to_read:
            if ctx.hand_off is not None:
                ctx.hand_off()
            fresh, failed, error = self._analyze_misses(ctx, info, analyze, to_read,
                                                        len(files), hits)
            outcomes.update(fresh)
        return self._result(info, files, outcomes, failed, error, hits, len(to_read),
                            time.perf_counter() - started)

    def _cache_key(self, info: ScannerInfo) -> ScannerInfo:
        """The identity results are cached under: the scanner's, and `input_version`."""
        return replace(info, version=f"{info.version}+{self.input_version}")

    def _from_cache(self, ctx: ScanContext, info: ScannerInfo,
                    files: Sequence[str]) -> tuple[dict[str, FileOutcome], list[str]]:
        outcomes: dict[str, FileOutcome] = {}
        sized = []
        for path in files:
            entry = ctx.snapshot.get(path)
            if entry is not None and entry.size > ctx.max_file_size:
                outcomes[path] = FileOutcome(skip=SkippedFile(
                    path, SkipReason.TOO_LARGE, self.name,
                    f"{entry.size} bytes > max_file_size {ctx.max_file_size}"))
            else:
                sized.append(path)
        ids = {p: ctx.snapshot.content_id(p) for p in sized}
        cached = ctx.cache.get_many(self._cache_key(info), ids) \
            if ctx.cache and ctx.use_cache else {}
        outcomes.update(cached)
        if ctx.progress is not None:
            ctx.progress(self.name, len(outcomes), len(files))
        return outcomes, [p for p in sized if p not in cached]

    def _analyze_misses(self, ctx: ScanContext, info: ScannerInfo, analyze: Analyze,
                        paths: list[str], total: int, done: int) -> tuple[dict[str, FileOutcome],
                                                       list[SkippedFile], str]:
        contents = ctx.snapshot.read_many(paths)
        outcomes: dict[str, FileOutcome] = {}
        texts: dict[str, str] = {}
        copies: dict[str, bytes] = {}
        for path in paths:
            text, skip = precheck(path, contents[path], self.name)
            if skip is not None:
                outcomes[path] = FileOutcome(skip=skip)
            elif text is not None:
                texts[path] = text
                copy = self.engine_bytes(path, contents[path], text)
                if copy is not None:
                    copies[path] = copy
        analysis = self._analyze_in(ctx, analyze, sorted(texts), total, done + len(outcomes),
                                    {**contents, **copies} if copies else None)
        for path, outcome in analysis.outcomes.items():
            if path in texts and outcome.findings:
                lines = texts[path].splitlines()
                hashes = line_hashes_for(texts[path],
                                         {f.span.start_line for f in outcome.findings})
                outcome = FileOutcome(tuple(enrich(f, lines, hashes) for f in outcome.findings),
                                      outcome.skip)
            outcomes[path] = outcome
        if ctx.cache is not None:
            ids = {p: ctx.snapshot.content_id(p) for p in outcomes}
            ctx.cache.put_many(self._cache_key(info), ((ids[p], o) for p, o in outcomes.items()
                                  if o.skip is None or o.skip.reason is not SkipReason.TOO_LARGE))
        return outcomes, analysis.failed, analysis.error

    def _analyze_in(self, ctx: ScanContext, analyze: Analyze, paths: list[str], total: int,
                    done: int, copies: Mapping[str, bytes] | None = None) -> Analysis:
        """`copies`: when given, the bytes of every one of `paths` the engine must read
        (some differ from the snapshot's), written to a scratch tree for it."""
        if not paths:
            return Analysis()
        reason = self.unavailable()
        if reason:
            return Analysis(failed=[SkippedFile(p, SkipReason.SCANNER_MISSING, self.name, reason)
                                    for p in paths], error=reason)
        scratch_parent = ctx.state_dir / "tmp"
        scratch_parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=scratch_parent))
        try:
            root = ctx.snapshot.materialize(paths, scratch)
            if copies is not None:
                root = _write_tree(scratch, paths, copies)

            def report(count: int) -> None:
                if ctx.progress is not None:
                    ctx.progress(self.name, done + count, total)

            analysis = analyze(root, paths, ctx, report)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        missing = [p for p in paths if p not in analysis.outcomes
                   and p not in {s.path for s in analysis.failed}]
        analysis.failed.extend(SkippedFile(p, SkipReason.SCANNER_ERROR, self.name,
                                           "no result from scanner") for p in missing)
        return analysis

    def _result(self, info: ScannerInfo, files: Sequence[str],
                outcomes: dict[str, FileOutcome], failed: list[SkippedFile], error: str,
                hits: int, misses: int, seconds: float) -> ScannerResult:
        findings = [f for o in outcomes.values() for f in o.findings]
        skipped = [o.skip for o in outcomes.values() if o.skip is not None] + failed
        analyzed = frozenset(p for p, o in outcomes.items() if o.skip is None)
        gaps = [s for s in skipped if s.reason.counts_against_coverage]
        status = RunStatus.INCOMPLETE if gaps else RunStatus.COMPLETE
        reason = error or (f"{len(gaps)} of {len(files)} files not analyzed" if gaps else "")
        return ScannerResult(
            info=info, findings=tuple(findings), skipped=tuple(skipped), analyzed=analyzed,
            status=status, reason=reason,
            stages=(StageMetrics(f"scan:{self.name}", seconds),),
            cache=CacheStats(hits=hits, misses=misses),
        )


def _write_tree(scratch: Path, paths: Sequence[str], contents: Mapping[str, bytes]) -> Path:
    """`scratch`, with each of `paths` written there with its `contents`."""
    for path in paths:
        dest = scratch / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(contents[path])
    return scratch
