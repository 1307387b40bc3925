"""External review commands as scanners: `[scanners.NAME] type = "command"`.

The command runs in the snapshot (the working tree, or the commit's files written to a
scratch directory), with a time limit that kills its whole process group. Its output
(stdout, or the file `{output}` when the command names it) is parsed as SARIF, as
claude-code-security-review's JSON, or as generic JSON through a field mapping. Duration
and exit status are recorded; an exit status not in `ok_exit_codes`, a timeout or output
that does not parse makes the run incomplete. See docs/llm.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay.config import Config, validation_message
from assay.formats.errors import FormatError
from assay.formats.external import (
    FieldMap,
    claude_review_findings,
    mapped_findings,
    relative_path,
    sarif_findings,
)
from assay.formats.reading import parse_json
from assay.model import Finding, FindingKind, RunStatus, ScannerInfo, StageMetrics, pairs
from assay.normalize.linehash import line_hashes_for
from assay.repo.globs import compile_excludes
from assay.scanners import children
from assay.scanners.filescan import decode_source, enrich
from assay.scanners.interface import ScanContext, Scanner, ScannerError, ScannerResult
from assay.scanners.registry import register_type

STDERR_TAIL = 300


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CommandSettings(_Strict):
    """One external review command."""

    type: Literal["command"] = "command"
    command: tuple[str, ...] = Field(min_length=1)
    format: Literal["sarif", "claude-security-review", "json"]
    mapping: FieldMap | None = None
    timeout: float = Field(default=1800.0, gt=0)
    ok_exit_codes: tuple[int, ...] = (0,)
    kind: Literal["llm", "deterministic"] = "llm"
    include: tuple[str, ...] = ("*.py",)
    env: dict[str, str] = {}
    pass_env: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _mapping_for_json(self) -> CommandSettings:
        if self.format == "json" and self.mapping is None:
            raise ValueError('format = "json" needs a [scanners.NAME.mapping] table')
        return self


class CommandScanner(Scanner):
    """Runs a command and reads its findings."""

    def __init__(self, name: str, settings: CommandSettings) -> None:
        self.name = name
        self.settings = settings
        self.kind = FindingKind(settings.kind)
        self._included = compile_excludes(settings.include)

    def applies_to(self, path: str) -> bool:
        """Files matching `include` count as analyzed when the command succeeds."""
        return self._included(path)

    def info(self) -> ScannerInfo:
        """The command line and output format identify this scanner."""
        import hashlib

        digest = hashlib.sha256(self.settings.model_dump_json().encode()).hexdigest()
        return ScannerInfo(self.name, "command", digest, self.kind,
                           pairs({"command": json.dumps(list(self.settings.command)),
                                  "format": self.settings.format}))

    def run(self, ctx: ScanContext) -> ScannerResult:
        """Run the command in the snapshot and parse what it wrote."""
        started = time.perf_counter()
        parent = ctx.state_dir / "tmp"
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=parent))
        try:
            (scratch / "tree").mkdir()
            root = ctx.snapshot.materialize(ctx.files, scratch / "tree")
            status, text, problem = self._execute(ctx, root, scratch / "output")
            findings: list[Finding] = []
            reasons = [problem] if problem else []
            if status is not None:
                try:
                    findings, more = self._parse(text, str(root))
                    reasons += more
                except FormatError as exc:
                    reasons.append(f"unparsable output: {exc.message}")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        findings = [self._enriched(ctx, f) for f in findings]
        complete = not reasons
        return ScannerResult(
            info=self.info(), findings=tuple(findings),
            analyzed=frozenset(self.select(ctx.files)) if complete else frozenset(),
            status=RunStatus.COMPLETE if complete else RunStatus.INCOMPLETE,
            reason="; ".join(reasons),
            stages=(StageMetrics(f"scan:{self.name}", time.perf_counter() - started),),
            extra=pairs({f"{self.name}.exit_status": "none" if status is None else status}))

    def _argv(self, ctx: ScanContext, root: Path, output: Path) -> list[str]:
        base = ctx.diff.base if ctx.diff is not None else ""
        values = {"{root}": str(root), "{output}": str(output), "{base}": base}
        out = []
        for arg in self.settings.command:
            for key, value in values.items():
                arg = arg.replace(key, value)
            out.append(arg)
        return out

    def _execute(self, ctx: ScanContext, root: Path,
                 output: Path) -> tuple[int | None, str, str]:
        """(exit status or None, output text, problem) of one run of the command."""
        argv = self._argv(ctx, root, output)
        env = command_env(self.settings, output.parent, {
            "ASSAY_ROOT": str(root), "ASSAY_OUTPUT": str(output),
            "ASSAY_DIFF_BASE": ctx.diff.base if ctx.diff is not None else ""})
        try:
            proc = children.spawn(argv, root, env)
        except OSError as exc:
            return None, "", f"cannot run {argv[0]!r}: {exc.strerror or exc}"
        try:
            out, err = proc.communicate(timeout=self.settings.timeout)
        except subprocess.TimeoutExpired:
            children.kill_and_reap(proc)
            return None, "", f"timeout: the command ran longer than {self.settings.timeout:g}s"
        uses_file = any("{output}" in a for a in self.settings.command)
        text = _read(output) if uses_file else out.decode("utf-8", "replace")
        problem = ""
        if proc.returncode not in self.settings.ok_exit_codes:
            tail = err.decode("utf-8", "replace").strip()[-STDERR_TAIL:]
            problem = f"the command exited with status {proc.returncode}" + (
                f": {tail}" if tail else "")
        return proc.returncode, text, problem

    def _parse(self, text: str, root: str) -> tuple[list[Finding], list[str]]:
        doc: Any = parse_json(text, "the command's output")
        fmt = self.settings.format
        if fmt == "sarif":
            return sarif_findings(doc, root, self.name, self.kind)
        if fmt == "claude-security-review":
            return claude_review_findings(doc, root, self.name, self.kind)
        assert self.settings.mapping is not None
        return mapped_findings(doc, self.settings.mapping, root, self.name,
                               self.kind), []

    def _enriched(self, ctx: ScanContext, finding: Finding) -> Finding:
        """Snippet and line hash from the snapshot, for the fingerprint."""
        path = relative_path(finding.path, str(ctx.snapshot.root))
        entry = ctx.snapshot.get(path)
        if entry is None or entry.symlink or entry.size > ctx.max_file_size:
            return finding
        text = decode_source(ctx.snapshot.read(path))
        if text is None:
            return finding
        return enrich(finding, text.splitlines(),
                      line_hashes_for(text, [finding.span.start_line]))


BASE_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM")
"""Taken from assay's environment for every command; nothing else is, unless named in
`pass_env` (so CI secrets such as GITHUB_TOKEN never reach a command by default)."""


def command_env(settings: CommandSettings, scratch: Path,
                assay_vars: dict[str, str]) -> dict[str, str]:
    """The whole environment of a command: a minimal base, the variables its definition
    passes through by name, `TMPDIR` in its scratch directory, assay's variables, then its
    literal `env` entries."""
    names = (*BASE_ENV, *settings.pass_env)
    env = {name: os.environ[name] for name in names if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env["TMPDIR"] = str(scratch)
    return {**env, **assay_vars, **settings.env}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _factory(name: str, definition: Mapping[str, Any], config: Config) -> CommandScanner:
    try:
        settings = CommandSettings.model_validate(dict(definition))
    except ValidationError as exc:
        raise ScannerError(validation_message(exc, CommandSettings, f"scanners.{name}"),
                           'a command scanner needs: type = "command", command = [...], '
                           'format = "sarif" | "claude-security-review" | "json"') from None
    return CommandScanner(name, settings)


register_type("command", _factory)
