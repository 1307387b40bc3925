"""The command line: help for every command, version, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assay.cli import _load_commands
from assay.cli.app import app


def _commands() -> list[str]:
    _load_commands()
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_version() -> None:
    out = subprocess.run([sys.executable, "-m", "assay", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("assay ")


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command: str) -> None:
    out = subprocess.run([sys.executable, "-m", "assay", command, "--help"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout and len(out.stdout.splitlines()) > 3


def test_unknown_option_is_a_usage_error() -> None:
    out = subprocess.run([sys.executable, "-m", "assay", "scan", "--no-such-flag"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr
