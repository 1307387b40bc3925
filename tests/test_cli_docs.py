"""The command documentation agrees with the commands: docs/cli.md is exactly what
`--help` prints, and every command and flag the README names exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from assay.cli import _load_commands
from assay.cli.app import app
from assay.cli.reference import reference

ROOT = Path(__file__).resolve().parent.parent
ROOT_FLAGS = {"--debug", "--version", "--help", "-h"}
NAMED = re.compile(r"(?:`|/)assay ([a-z][\w-]*)(?: ([a-z][\w-]*))?|(--[a-z][\w-]*)"
                   r"|^#+ |`(?!assay |--)[^`\s]+ ", re.MULTILINE)
"""A command, a flag, or what forgets the command: a heading, another program's code."""


def _commands() -> dict[str, set[str]]:
    """'scan' / 'label sample' -> every option string of that command."""
    _load_commands()
    out: dict[str, set[str]] = {}

    def walk(command: Any, name: str) -> None:
        out[name] = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{name} {sub_name}".strip())

    walk(typer.main.get_command(app), "")
    return out


def _sh_lines_as_code(text: str) -> str:
    """Lines of shell blocks that start with `assay` marked like inline code."""
    def mark(block: re.Match[str]) -> str:
        return re.sub(r"^assay ", "`assay ", block.group(0), flags=re.MULTILINE)

    return re.sub(r"^```(?:sh|shell|bash|console)\n.*?^```", mark, text,
                  flags=re.MULTILINE | re.DOTALL)


def mentions(text: str, commands: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(command, flag or '') for each command the text names and each flag after it
    (a heading forgets the command)."""
    found: list[tuple[str, str]] = []
    current = ""
    for match in NAMED.finditer(_sh_lines_as_code(text)):
        command, sub, flag = match.groups()
        if not (command or flag):
            current = ""
        elif command:
            both = f"{command} {sub}"
            current = both if sub and both in commands else command
            found.append((current, ""))
        elif current:
            found.append((current, flag))
    return found


def problems(text: str) -> list[str]:
    """Commands the text names that do not exist, and flags they do not take."""
    commands = _commands()
    out = []
    for command, flag in mentions(text, commands):
        if command not in commands:
            out.append(f"no command `assay {command}`")
        elif flag and flag not in commands[command] | ROOT_FLAGS:
            out.append(f"`assay {command}` has no {flag}")
    return sorted(set(out))


def test_docs_cli_md_is_the_help_of_every_command() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference(), \
        "docs/cli.md is stale: python -m assay.cli.reference > docs/cli.md"


def test_the_reference_has_every_command_and_subcommand() -> None:
    titles = re.findall(r"^## `(.*)`$", reference(), flags=re.MULTILINE)
    assert sorted(titles) == sorted(f"assay {name}".strip() for name in _commands())
    assert "assay findings set-state" in titles


def test_every_command_and_flag_the_readme_names_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(mentions(readme, _commands())) > 20  # control: the README was read
    assert problems(readme) == []


def test_a_wrong_command_or_flag_is_caught() -> None:
    assert problems("Run `assay scann .` or `assay scan --no-such-flag`.") == [
        "`assay scan` has no --no-such-flag", "no command `assay scann`"]
    assert problems("```sh\nassay label sample --per-scanner 5\n```") == []
    assert problems("```sh\nassay label sample --bogus\n```") == [
        "`assay label sample` has no --bogus"]


@pytest.mark.parametrize("args", [["scan", "--help"], ["gate", "--help"]])
def test_help_keeps_bracketed_words_and_shows_flags_as_flags(args: list[str]) -> None:
    out = subprocess.run([sys.executable, "-m", "assay", *args], capture_output=True,
                         text=True, check=True).stdout
    assert "[scan] scanners" in " ".join(out.split())
    assert re.search(r"--no-cache\s+Analyze", out)
    assert "<bool>" not in out


def test_scan_help_names_tool_assay() -> None:
    out = subprocess.run([sys.executable, "-m", "assay", "scan", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "[tool.assay] in" in " ".join(out.split())


def test_debug_after_the_command_shows_the_traceback(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "assay", "scan", "--rev", "HEAD", str(tmp_path)]
    plain = subprocess.run(args, capture_output=True, text=True, check=False)
    debug = subprocess.run([*args, "--debug"], capture_output=True, text=True, check=False)
    assert plain.returncode == 2 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("error: --rev needs a git repository")
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert "RepoError" in debug.stderr
