"""The tools offered to the model: list_dir, read_file, grep and report_finding.

All reads go through the `Sandbox` (confined to the snapshot, secrets masked). Output is
capped deliberately: read_file returns at most `max_read_lines` lines, grep at most
`max_grep_matches` matches, list_dir at most `max_list_entries` entries, and no result
exceeds `max_output_chars`; each cut says what was left out and how to get it. A bad
call never raises: it becomes a tool error the model sees, and is counted.

Every call has a deadline: `TOOL_SECONDS`, or the end of the run's time-box if that is
sooner. grep's pattern and glob run in a child process killed at the deadline (see
`matcher`), and grep checks the deadline between files; a call that reaches it is a
tool error (`pattern took too long: ...`, counted as `timeout`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assay.repo.globs import glob_regex
from assay.scanners.llm.codec import canonical, sha256_text, tools_to_list
from assay.scanners.llm.findings import REPORT_SCHEMA, FindingReporter, Invalid
from assay.scanners.llm.interface import ToolCall, ToolResult, ToolSpec
from assay.scanners.llm.matcher import Deadline, Matcher, MatchError, MatchTimeout
from assay.scanners.llm.repair import parse_arguments
from assay.scanners.llm.sandbox import Refused, Sandbox
from assay.scanners.llm.settings import ToolLimits

MAX_PATTERN = 300
MAX_GLOB = 300
MAX_LINE_CHARS = 400
TOOL_SECONDS = 30.0
BATCH_CHARS = 4_000_000  # text sent to the matching process per request
_NUMBER = re.compile(r"\s*([0-9]{1,12})\s*")
_EVERYTHING = frozenset({"*", "**", "**/*"})

SPECS: tuple[ToolSpec, ...] = (
    ToolSpec("list_dir", "List a directory of the repository (path relative to the root; "
             "'.' for the root).",
             {"type": "object", "properties": {"path": {"type": "string"}}}),
    ToolSpec("read_file", "Read lines start..end (1-based, inclusive) of a file; output lines "
             "are prefixed with their number.",
             {"type": "object", "properties": {
                 "path": {"type": "string"}, "start": {"type": "integer", "minimum": 1},
                 "end": {"type": "integer", "minimum": 1}}, "required": ["path"]}),
    ToolSpec("grep", "Search files for a Python regular expression; glob restricts the files "
             "(e.g. '*.py', 'app/**/*.py').",
             {"type": "object", "properties": {
                 "pattern": {"type": "string"}, "glob": {"type": "string"},
                 "ignore_case": {"type": "boolean"}}, "required": ["pattern"]}),
    ToolSpec("report_finding", "Report one confirmed vulnerability with its evidence.",
             REPORT_SCHEMA),
)


def manifest_hash(specs: tuple[ToolSpec, ...], limits: ToolLimits) -> str:
    """sha256 of the tool schemas and their output caps."""
    return sha256_text(canonical({"tools": tools_to_list(specs),
                                  "limits": limits.model_dump(mode="json")}))


class TimedOut(Exception):
    """A tool call reached its deadline; the message goes to the model."""


@dataclass(frozen=True)
class Outcome:
    """A tool call's result and what the harness counts about it."""

    result: ToolResult
    error: str = ""
    repaired: bool = False


class Toolbox:
    """Executes tool calls for one run; `close()` stops its matching process."""

    specs = SPECS

    def __init__(self, sandbox: Sandbox, limits: ToolLimits, reporter: FindingReporter,
                 tool_seconds: float = TOOL_SECONDS) -> None:
        self.sandbox = sandbox
        self.limits = limits
        self.reporter = reporter
        self.tool_seconds = tool_seconds
        self.files_read: set[str] = set()
        self.ranges_read: dict[str, list[tuple[int, int]]] = {}
        self.matcher = Matcher()

    def close(self) -> None:
        """Stop the matching process, if one was started."""
        self.matcher.close()

    def __enter__(self) -> Toolbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, call: ToolCall, stage: str, deadline: Deadline | None = None) -> Outcome:
        """Run one call by `deadline` (and within `tool_seconds`); every failure becomes a
        tool error result."""
        limit = Deadline.within(self.tool_seconds,
                                f"the tool time limit ({self.tool_seconds:g}s)")
        deadline = limit.sooner(deadline)
        if deadline.passed():
            return self._error(call, f"not run: {deadline.what} was reached", "timeout")
        parsed = parse_arguments(call.arguments)
        if parsed.value is None:
            return self._error(call, f"{parsed.error}; send the call again with a JSON object",
                               "malformed-arguments")
        handler = {"list_dir": self._list_dir, "read_file": self._read_file, "grep": self._grep,
                   "report_finding": self._report}.get(call.name)
        if handler is None:
            known = ", ".join(s.name for s in self.specs)
            return self._error(call, f"unknown tool {call.name[:100]!r}; available: {known}",
                               "unknown-tool")
        try:
            text = handler(parsed.value, stage, deadline)
        except (Refused, Invalid, TimedOut) as exc:
            kind = ("refused" if isinstance(exc, Refused) else
                    "timeout" if isinstance(exc, TimedOut) else "invalid-arguments")
            return self._error(call, self._cap(str(exc)), kind, parsed.repaired)
        return Outcome(ToolResult(call.id, call.name, self._cap(text)), repaired=parsed.repaired)

    @staticmethod
    def _error(call: ToolCall, message: str, kind: str, repaired: bool = False) -> Outcome:
        return Outcome(ToolResult(call.id, call.name, f"error: {message}", is_error=True),
                       error=kind, repaired=repaired)

    def _cap(self, text: str) -> str:
        limit = self.limits.max_output_chars
        if len(text) <= limit:
            return text
        cut = text.rfind("\n", 0, limit - 200)
        cut = cut if cut > 0 else limit - 200
        return (text[:cut] + f"\n[truncated: {len(text) - cut} more characters not shown; "
                "ask for a narrower range]")

    def _list_dir(self, args: Mapping[str, Any], stage: str, deadline: Deadline) -> str:
        path = self.sandbox.directory(args.get("path", ""))
        names = self.sandbox.dirs[path]
        shown = names[: self.limits.max_list_entries]
        lines = []
        for name in shown:
            full = f"{path}/{name}" if path else name
            if full in self.sandbox.symlinks:
                lines.append(f"{name}  (symbolic link, not followed)")
            elif name.endswith("/"):
                lines.append(name)
            else:
                entry = self.sandbox.snapshot.get(full)
                lines.append(f"{name}  ({entry.size if entry else 0} bytes)")
        if len(names) > len(shown):
            lines.append(f"[truncated: {len(names) - len(shown)} more entries not shown]")
        return f"{path or '.'}/\n" + "\n".join(lines)

    def _read_file(self, args: Mapping[str, Any], stage: str, deadline: Deadline) -> str:
        path = self.sandbox.file(args.get("path"))
        lines = self.sandbox.text(path).masked
        start = _int(args.get("start"), 1)
        end = _int(args.get("end"), start + self.limits.max_read_lines - 1)
        if start > max(len(lines), 1):
            raise Invalid(f"start {start} is beyond the end of {path} ({len(lines)} lines)")
        end = min(max(end, start), len(lines), start + self.limits.max_read_lines - 1)
        self.files_read.add(path)
        self.ranges_read.setdefault(path, []).append((start, end))
        body = "\n".join(f"{n:>6}| {lines[n - 1]}" for n in range(start, end + 1))
        header = f"{path} lines {start}-{end} of {len(lines)}"
        if end < len(lines):
            body += f"\n[truncated: lines {end + 1}-{len(lines)} not shown; call read_file " \
                    f"with start={end + 1}]"
        return f"{header}\n{body}"

    def _grep(self, args: Mapping[str, Any], stage: str, deadline: Deadline) -> str:
        pattern = args.get("pattern")
        if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN:
            raise Invalid(f"'pattern' must be a non-empty string of at most {MAX_PATTERN} "
                          "characters")
        flags = re.IGNORECASE if args.get("ignore_case") is True else 0
        try:
            re.compile(pattern, flags)
        except (re.error, OverflowError, RecursionError, ValueError) as exc:
            raise Invalid(f"invalid regular expression: {exc}") from None
        glob = args.get("glob") or "*"
        if not isinstance(glob, str) or len(glob) > MAX_GLOB:
            raise Invalid(f"'glob' must be a string of at most {MAX_GLOB} characters")
        paths = self._globbed(Sandbox.normalize(glob) or "*", deadline)
        return self._search(pattern, flags, paths, deadline)

    def _globbed(self, glob: str, deadline: Deadline) -> list[str]:
        """The files grep searches, sorted: those of the snapshot that `glob` matches."""
        paths = sorted(self.sandbox.allowed)
        if glob in _EVERYTHING:
            return paths
        try:
            chosen = self.matcher.select(glob_regex(glob), paths, deadline)
        except MatchTimeout:
            raise TimedOut(f"pattern took too long: matching the glob against the file names "
                           f"stopped at {deadline.what}; use a simpler glob") from None
        except MatchError as exc:
            raise Invalid(str(exc)) from None
        return [paths[i] for i in chosen]

    def _search(self, pattern: str, flags: int, paths: list[str], deadline: Deadline) -> str:
        limit = self.limits.max_grep_matches
        hits: list[str] = []
        batch: list[tuple[str, str]] = []
        size = searched = 0
        for number, path in enumerate(paths, 1):
            if deadline.passed():
                raise self._stopped(deadline, searched, len(paths))
            try:
                text = self.sandbox.searchable(path)
            except Refused:
                continue
            batch.append((path, text))
            size += len(text)
            if size >= BATCH_CHARS or number == len(paths):
                hits += self._matches(pattern, flags, batch, limit - len(hits), deadline,
                                      searched, len(paths))
                searched += len(batch)
                batch, size = [], 0
                if len(hits) > limit:
                    break
        if batch:
            hits += self._matches(pattern, flags, batch, limit - len(hits), deadline, searched,
                                  len(paths))
        if not hits:
            return "no matches"
        if len(hits) > limit:
            hits[limit:] = [f"[truncated: more than {limit} matches; narrow the pattern or glob]"]
        return "\n".join(hits)

    def _matches(self, pattern: str, flags: int, batch: list[tuple[str, str]], limit: int,
                 deadline: Deadline, searched: int, total: int) -> list[str]:
        try:
            found = self.matcher.search(pattern, flags, [text for _, text in batch], limit,
                                        deadline, MAX_LINE_CHARS * 4, MAX_LINE_CHARS)
        except MatchTimeout:
            raise self._stopped(deadline, searched, total) from None
        except MatchError as exc:
            raise Invalid(str(exc)) from None
        return [f"{batch[i][0]}:{line}: {text}" for i, line, text in found]

    @staticmethod
    def _stopped(deadline: Deadline, searched: int, total: int) -> TimedOut:
        return TimedOut(f"pattern took too long: the search stopped at {deadline.what} with "
                        f"{searched} of {total} files searched; simplify the pattern (nested "
                        "repetition such as (a+)+ can backtrack without end) or narrow the glob")

    def _report(self, args: Mapping[str, Any], stage: str, deadline: Deadline) -> str:
        return self.reporter.report(args, stage)


def _int(value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, str) and (digits := _NUMBER.fullmatch(value)):
        value = int(digits.group(1))
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid("line numbers must be integers >= 1")
    return value
