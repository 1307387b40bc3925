"""Semgrep processes: the command, its environment, parts per core and timeouts.

Always offline: `--metrics=off --disable-version-check`, `SEMGREP_ENABLE_VERSION_CHECK=0`
(without them Semgrep waits about 97 s for the network), settings and logs redirected
into assay's state directory, an explicit file list and a hard wall-clock timeout that
kills the whole process group.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assay.ledger.result_cache import FileOutcome
from assay.model import SkipReason
from assay.scanners import children
from assay.scanners.filescan import Analysis
from assay.scanners.semgrep._pack import RuleMeta, Rules, parse_rules
from assay.scanners.semgrep._results import fail, translate
from assay.scanners.semgrep._rulefiles import limited_targets, limited_to

PART_MIN_BYTES = 256 * 1024  # each part parses its rules again (~0.3 s for the taint rules)
# paths per Semgrep process, in bytes: keeps the command line far below ARG_MAX (2 MiB on
# Linux) while a large project still goes to one process (every process starts anew)
CHUNK_BYTES = 512 * 1024

_PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
"""What Semgrep gets of assay's environment: no token or key of a CI job reaches it."""


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
                             env=environment(Path(tempfile.gettempdir())), check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout else "unknown"


def environment(state: Path) -> dict[str, str]:
    """Semgrep's environment: a few of assay's variables, and its own state in `state`."""
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


@cache
def semgrep_core(binary: str) -> str | None:
    """The engine `binary` runs (semgrep-core): beside the `semgrep` package when
    Semgrep is our own install, else on PATH beside it; None when not found."""
    if Path(binary).parent == Path(sys.executable).parent:
        spec = importlib.util.find_spec("semgrep")
        if spec is not None and spec.origin is not None:
            core = Path(spec.origin).parent / "bin" / "semgrep-core"
            if core.is_file():
                return str(core)
    beside = Path(binary).parent / "semgrep-core"
    return str(beside) if binary and beside.is_file() else shutil.which("semgrep-core")


@dataclass(frozen=True)
class Invocation:
    """How Semgrep is run: the executable, the timeout of a whole process and of one
    file and rule (seconds), and whether taint findings get their dataflow traces."""

    binary: str
    timeout: float
    file_timeout: float
    traces: bool = True

    def command(self, rules: Sequence[Path]) -> list[str]:
        """The command line for `rules`, without the files."""
        # the native engine (`--experimental`) starts in a tenth of the time of the Python
        # front end it otherwise hands over to; `--project-root .` makes the rules'
        # anchored `paths` match from the scanned root, as they do in the front end
        cmd = [self.binary, "scan", "--experimental", "--project-root", ".", "--json",
               "--metrics=off", "--disable-version-check", "--no-git-ignore",
               "--max-target-bytes=0", "--quiet", "--disable-nosem",
               "--timeout", str(int(self.file_timeout)), "--jobs", "1"]
        if self.traces:
            cmd.append("--dataflow-traces")
        for rule in rules:
            cmd += ["--config", str(rule)]
        return cmd

    def run(self, root: Path, files: list[str], rules: Sequence[Path], state: Path,
            meta: dict[str, RuleMeta], analysis: Analysis) -> None:
        """One Semgrep process over `files` (under `root`) with `rules`; its outcomes
        added to `analysis` (a process that fails fails all of its files)."""
        cmd = [*self.command(rules), "--", *files]
        try:
            proc = children.spawn(cmd, root, environment(state))
        except OSError as exc:
            fail(analysis, files, SkipReason.SCANNER_MISSING, f"cannot start semgrep: {exc}")
            return
        try:
            out, err = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            children.kill_and_reap(proc)
            fail(analysis, files, SkipReason.TIMEOUT,
                 f"semgrep did not finish within {self.timeout:g} s")
            return
        try:
            doc = json.loads(out)
        except ValueError:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            fail(analysis, files, SkipReason.SCANNER_ERROR,
                 f"semgrep exited {proc.returncode}: {tail[0][:200]}")
            return
        if self.traces:
            self.add_traces(root, doc, rules, state)
        translate(doc, files, meta, analysis)

    def run_engine(self, root: Path, files: list[str], rules: Sequence[Path], state: Path,
                   meta: dict[str, RuleMeta], analysis: Analysis) -> None:
        """Like `run`, with Semgrep's engine (semgrep-core) alone when it is found: taint
        findings then come with their dataflow traces in the same run (`semgrep scan`
        leaves them out, and `run` would ask the engine again), and no front end starts
        (the `semgrep` script's Python and `osemgrep`'s target listing: about 0.1 s of
        CPU a run)."""
        core = semgrep_core(self.binary) if self.traces else None
        if core is None:
            self.run(root, files, rules, state, meta, analysis)
            return
        targets_file = state / "engine-targets.json"
        # one rule file as assay writes them is already the engine's input (the taint
        # rules: on Django 13 MB a part, read and written again for nothing)
        one = len(rules) == 1 and rules[0].suffix == ".json"
        rules_file = rules[0] if one else state / "engine-rules.json"
        try:
            if not one:
                rules_file.write_text(json.dumps({"rules": _all_rules(rules)}),
                                      encoding="utf-8")
            targets_file.write_text(_targets_text(files), encoding="utf-8")
        except (OSError, ValueError) as exc:
            fail(analysis, files, SkipReason.SCANNER_ERROR, f"cannot write semgrep's input: {exc}")
            return
        # `-fast`: skip a rule in a file without the strings it needs, as `semgrep scan`
        # does by default
        cmd = [core, "-rules", str(rules_file), "-targets", str(targets_file), "-json_nodots",
               "-fast", "-j", "1", "-timeout", str(int(self.file_timeout))]
        doc = _engine_doc(cmd, root, state, self.timeout, files, analysis)
        if doc is not None:
            translate(doc, files, meta, analysis)

    def add_traces(self, root: Path, doc: dict[str, Any], rules: Sequence[Path],
                   state: Path) -> None:
        """Give each taint finding of `doc` its dataflow trace.

        `semgrep scan` (1.187, either front end) leaves `dataflow_trace` out of its
        output without a login, though its engine computes it: the engine is run again,
        alone, on just the files and rules with such findings. A trace it cannot give
        leaves the finding without a flow, never without the finding."""
        untraced = [r for r in doc.get("results", []) if isinstance(r, dict)
                    and not (r.get("extra") or {}).get("dataflow_trace")]
        core = semgrep_core(self.binary) if untraced else None
        if core is None:
            return
        taint = _taint_rules(rules, {str(r.get("check_id", "")) for r in untraced})
        if not taint:
            return
        paths = sorted({str(r.get("path")) for r in untraced})
        rules_file, targets_file = state / "trace-rules.json", state / "trace-targets.json"
        try:
            rules_file.write_text(json.dumps({"rules": taint}), encoding="utf-8")
            targets_file.write_text(_targets_text(paths), encoding="utf-8")
            found = _core_results([core, "-rules", str(rules_file), "-targets",
                                   str(targets_file), "-json_nodots", "-fast", "-j", "1",
                                   "-timeout", str(int(self.file_timeout))],
                                  root, state, self.timeout)
        except OSError:
            return
        for result in untraced:
            check = str(result.get("check_id", ""))
            trace = next((t for rule, t in found.get(_result_key(result), [])
                          if check == rule or check.endswith(f".{rule}")), None)
            if trace is not None:
                result["extra"] = {**(result.get("extra") or {}), "dataflow_trace": trace}


class Runs:
    """Semgrep runs started as they come, `jobs` at a time, each with one worker: the
    workers of one Semgrep run in one process and, with the large generated rules, gain
    little (Django: two took 17 s where one took 18 s). On leaving, every run has
    ended."""

    def __init__(self, invocation: Invocation, jobs: int, meta: dict[str, RuleMeta],
                 state: Path) -> None:
        self.invocation = invocation
        self.jobs = max(1, jobs)
        self.meta = meta
        self.state = state
        self.pool = ThreadPoolExecutor(max_workers=self.jobs)
        self.parts: list[Analysis] = []
        self.futures: list[Future[None]] = []

    def __enter__(self) -> Runs:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None and not issubclass(kind, Exception):  # Ctrl-C, SIGTERM
            self.stop()
        try:
            self.pool.shutdown(wait=True, cancel_futures=kind is not None)
        except BaseException:  # interrupted while waiting for the runs
            self.stop()
            raise
        for future in self.futures if kind is None else ():
            future.result()

    def stop(self) -> None:
        """End the runs at once: the running ones killed, the queued ones dropped."""
        with children.stopping():
            self.pool.shutdown(wait=True, cancel_futures=True)

    def start_parts(self, root: Path, files: Sequence[str], rules: Rules, tmp: Path,
                    most: int = 0, engine: bool = False) -> None:
        """Queue `rules` over those of `files` (under `root`) some rule runs on: one part
        per core (at most `most`, when given) of neighbouring files of about equal size
        (fewer when the files are small), largest first, each with only its files'
        copies of the rules (written under `tmp`)."""
        wanted = limited_targets(rules, files)
        sizes = [_size(root / p) + 1 for p in wanted]
        count = min(most or self.jobs, self.jobs, 1 + sum(sizes) // PART_MIN_BYTES)
        ordered = sorted(parts(wanted, sizes, count), key=lambda part: -part[1])
        for number, (part, _) in enumerate(ordered):
            self.start(root, part, limited_to(rules, part, tmp / str(number)), engine)

    def start(self, root: Path, files: list[str], rules: list[Path],
              engine: bool = False) -> None:
        """Queue one Semgrep run (with a state directory of its own: runs at once must
        not share Semgrep's settings and log files)."""
        state = self.state / f"run-{len(self.parts)}"
        state.mkdir(parents=True, exist_ok=True)
        part = Analysis()
        self.parts.append(part)
        run = self.invocation.run_engine if engine else self.invocation.run
        self.futures.append(self.pool.submit(run, root, files, rules, state, self.meta, part))

    def joined(self, chunk: list[str], into: Analysis) -> None:
        """The runs' outcomes for `chunk` joined into `into` (a file no run was given has
        no findings: no rule can match in it; one a run could not finish is not
        finished)."""
        whole = Analysis(outcomes={path: FileOutcome(()) for path in chunk})
        for part in self.parts:
            joined = Analysis()
            join(whole, part, joined)
            whole = joined
        join(whole, Analysis(), into)


def _targets_text(paths: Sequence[str]) -> str:
    """The engine's list of Python targets (`ppath` anchored as `paths: include` is)."""
    return json.dumps(["Targets", [
        ["CodeTarget", {"path": {"fpath": p, "ppath": "/" + p}, "analyzer": "python",
                        "products": ["sast"]}] for p in paths]])


def _all_rules(rules: Sequence[Path]) -> list[Any]:
    """Every rule of the rule files `rules` (the pack's YAML, or JSON as assay writes it)."""
    out: list[Any] = []
    for path in rules:
        found = parse_rules(path, path.read_text(encoding="utf-8"))
        out += found if isinstance(found, list) else []
    return out


def _engine_doc(cmd: list[str], root: Path, state: Path, timeout: float, files: list[str],
                analysis: Analysis) -> dict[str, Any] | None:
    """The engine run `cmd`'s JSON with its errors as `semgrep scan` words them (None,
    with `files` failed, when it could not run, did not finish or said nothing usable)."""
    try:
        proc = children.spawn(cmd, root, environment(state))
    except OSError as exc:
        fail(analysis, files, SkipReason.SCANNER_MISSING, f"cannot start semgrep-core: {exc}")
        return None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        children.kill_and_reap(proc)
        fail(analysis, files, SkipReason.TIMEOUT, f"semgrep did not finish within {timeout:g} s")
        return None
    lines = out.strip().splitlines()
    try:
        doc = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        fail(analysis, files, SkipReason.SCANNER_ERROR,
             f"semgrep-core exited {proc.returncode}: {tail[0][:200]}")
        return None
    doc["errors"] = [_cli_error(e) for e in doc.get("errors", []) if isinstance(e, dict)]
    return doc


def _cli_error(error: dict[str, Any]) -> dict[str, Any]:
    """An engine error as `semgrep scan` reports it (level, type, path, message)."""
    location = error.get("location") if isinstance(error.get("location"), dict) else {}
    return {"level": error.get("severity", "error"), "type": error.get("error_type", ""),
            "path": (location or {}).get("path"), "message": error.get("message", "")}


def _taint_rules(rules: Sequence[Path], check_ids: set[str]) -> list[dict[str, Any]]:
    """The taint rules of the rule files `rules` that reported one of `check_ids` (rule
    files are JSON; one that is not gives none)."""
    out: list[dict[str, Any]] = []
    for path in rules if check_ids else ():
        try:
            found = json.loads(path.read_text(encoding="utf-8")).get("rules", [])
        except (OSError, ValueError, AttributeError):
            continue
        out += [r for r in found if isinstance(r, dict) and r.get("mode") == "taint"
                and any(c == r.get("id") or c.endswith(f".{r.get('id')}") for c in check_ids)]
    return out


def _result_key(result: dict[str, Any]) -> tuple[str, int, int, int, int]:
    """Where a result is: path, start line and column, end line and column."""
    start, end = result.get("start") or {}, result.get("end") or {}
    return (str(result.get("path")), int(start.get("line", 0)), int(start.get("col", 0)),
            int(end.get("line", 0)), int(end.get("col", 0)))


def _core_results(cmd: list[str], root: Path, state: Path,
                  timeout: float) -> dict[tuple[str, int, int, int, int], list[tuple[str, Any]]]:
    """The dataflow traces the engine run `cmd` gives, as (rule id, trace) by where the
    finding is ({} when the run fails)."""
    proc = children.spawn(cmd, root, environment(state), stderr=subprocess.DEVNULL)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        children.kill_and_reap(proc)
        return {}
    try:
        doc = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    except ValueError:
        return {}
    found: dict[tuple[str, int, int, int, int], list[tuple[str, Any]]] = {}
    for result in doc.get("results", []) if isinstance(doc, dict) else ():
        trace = (result.get("extra") or {}).get("dataflow_trace") \
            if isinstance(result, dict) else None
        if trace:
            found.setdefault(_result_key(result), []).append(
                (str(result.get("check_id", "")), trace))
    return found


def _size(path: Path) -> int:
    """The file's size (0 when it cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def parts(paths: Sequence[str], sizes: Sequence[int],
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


def chunks(paths: Sequence[str], limit: int = CHUNK_BYTES) -> list[list[str]]:
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


def join(whole: Analysis, part: Analysis, into: Analysis) -> None:
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


