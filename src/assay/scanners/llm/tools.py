"""The tools offered to the model: list_dir, read_file, grep and report_finding.

All reads go through the `Sandbox` (confined to the snapshot, secrets masked). Output is
capped deliberately: read_file returns at most `max_read_lines` lines, grep at most
`max_grep_matches` matches, list_dir at most `max_list_entries` entries, and no result
exceeds `max_output_chars`; each cut says what was left out and how to get it. A bad
call never raises: it becomes a tool error the model sees, and is counted.
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
from assay.scanners.llm.repair import parse_arguments
from assay.scanners.llm.sandbox import Refused, Sandbox
from assay.scanners.llm.settings import ToolLimits

MAX_PATTERN = 300
MAX_LINE_CHARS = 400

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


@dataclass(frozen=True)
class Outcome:
    """A tool call's result and what the harness counts about it."""

    result: ToolResult
    error: str = ""
    repaired: bool = False


class Toolbox:
    """Executes tool calls for one run."""

    specs = SPECS

    def __init__(self, sandbox: Sandbox, limits: ToolLimits, reporter: FindingReporter) -> None:
        self.sandbox = sandbox
        self.limits = limits
        self.reporter = reporter
        self.files_read: set[str] = set()

    def execute(self, call: ToolCall, stage: str) -> Outcome:
        """Run one call; every failure becomes a tool error result."""
        parsed = parse_arguments(call.arguments)
        if parsed.value is None:
            return self._error(call, f"{parsed.error}; send the call again with a JSON object",
                               "malformed-arguments")
        handler = {"list_dir": self._list_dir, "read_file": self._read_file, "grep": self._grep,
                   "report_finding": self._report}.get(call.name)
        if handler is None:
            known = ", ".join(s.name for s in self.specs)
            return self._error(call, f"unknown tool {call.name!r}; available: {known}",
                               "unknown-tool")
        try:
            text = handler(parsed.value, stage)
        except (Refused, Invalid) as exc:
            kind = "refused" if isinstance(exc, Refused) else "invalid-arguments"
            return self._error(call, str(exc), kind, parsed.repaired)
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

    def _list_dir(self, args: Mapping[str, Any], stage: str) -> str:
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

    def _read_file(self, args: Mapping[str, Any], stage: str) -> str:
        path = self.sandbox.file(args.get("path"))
        lines = self.sandbox.text(path).masked
        start = _int(args.get("start"), 1)
        end = _int(args.get("end"), start + self.limits.max_read_lines - 1)
        if start > max(len(lines), 1):
            raise Invalid(f"start {start} is beyond the end of {path} ({len(lines)} lines)")
        end = min(max(end, start), len(lines), start + self.limits.max_read_lines - 1)
        self.files_read.add(path)
        body = "\n".join(f"{n:>6}| {lines[n - 1]}" for n in range(start, end + 1))
        header = f"{path} lines {start}-{end} of {len(lines)}"
        if end < len(lines):
            body += f"\n[truncated: lines {end + 1}-{len(lines)} not shown; call read_file " \
                    f"with start={end + 1}]"
        return f"{header}\n{body}"

    def _grep(self, args: Mapping[str, Any], stage: str) -> str:
        pattern = args.get("pattern")
        if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN:
            raise Invalid(f"'pattern' must be a non-empty string of at most {MAX_PATTERN} "
                          "characters")
        flags = re.IGNORECASE if args.get("ignore_case") is True else 0
        try:
            regex = re.compile(pattern, flags)
        except re.error as exc:
            raise Invalid(f"invalid regular expression: {exc}") from None
        glob = args.get("glob") or "*"
        if not isinstance(glob, str):
            raise Invalid("'glob' must be a string")
        wanted = re.compile(glob_regex(Sandbox.normalize(glob) or "*"))
        return self._search(regex, wanted)

    def _search(self, regex: re.Pattern[str], wanted: re.Pattern[str]) -> str:
        limit = self.limits.max_grep_matches
        hits: list[str] = []
        more = False
        for path in sorted(p for p in self.sandbox.allowed if wanted.fullmatch(p)):
            try:
                lines = self.sandbox.text(path).masked
            except Refused:
                continue
            for number, line in enumerate(lines, 1):
                if regex.search(line[:MAX_LINE_CHARS * 4]):
                    if len(hits) == limit:
                        more = True
                        break
                    hits.append(f"{path}:{number}: {line[:MAX_LINE_CHARS]}")
            if more:
                break
        if not hits:
            return "no matches"
        if more:
            hits.append(f"[truncated: more than {limit} matches; narrow the pattern or glob]")
        return "\n".join(hits)

    def _report(self, args: Mapping[str, Any], stage: str) -> str:
        return self.reporter.report(args, stage)


def _int(value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid("line numbers must be integers >= 1")
    return value
