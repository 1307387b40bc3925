"""Where a scan keeps its files: all under the project's private state directory.

    <state>/semgrep/run-N/      Semgrep's settings and log, one directory per run at once
    <state>/semgrep/generated/  rule files the pre-pass wrote, named by their content
    <state>/semgrep/prepass/    kept pre-pass results (see _prepass)
    <state>/tmp/rules-*/        one chunk's scratch: limited rule files, sliced copies
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scratch:
    """One chunk of files' scratch directory and its parts."""

    root: Path

    @property
    def whole(self) -> Path:
        """Rule files limited to the chunk, for a run on the files as they are."""
        return self.root / "whole"

    @property
    def everywhere(self) -> Path:
        """Rule files of the pattern rules without file limits."""
        return self.root / "all"

    @property
    def limited(self) -> Path:
        """Rule files of the pattern rules limited to some files."""
        return self.root / "some"

    @property
    def pattern_copies(self) -> Path:
        """Copies of the files for the limited pattern rules."""
        return self.root / "patterns"

    @property
    def sliced(self) -> Path:
        """Sliced copies of the files for the taint rules."""
        return self.root / "sliced"

    @property
    def taint(self) -> Path:
        """Rule files of the taint rules limited to the chunk."""
        return self.root / "taint"


@dataclass(frozen=True)
class RunLayout:
    """The directories of one scan under the state directory `state_dir`."""

    state_dir: Path

    @property
    def semgrep(self) -> Path:
        """Semgrep's own state (one directory per run at once beneath it)."""
        return self.state_dir / "semgrep"

    @property
    def generated(self) -> Path:
        """Rule files the pre-pass wrote."""
        return self.semgrep / "generated"

    @property
    def memo(self) -> Path:
        """Kept pre-pass results."""
        return self.semgrep / "prepass"

    @property
    def derived(self) -> Path:
        """Kept results of what the pre-pass derives from the pack and the summaries."""
        return self.semgrep / "derived"

    @property
    def tmp(self) -> Path:
        """Scratch space of scans (removed when each is done)."""
        return self.state_dir / "tmp"

    def prepare(self) -> None:
        """Create the directories every run needs."""
        self.semgrep.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Scratch]:
        """A scratch directory for one chunk of files, removed on leaving."""
        with tempfile.TemporaryDirectory(prefix="rules-", dir=self.tmp) as root:
            yield Scratch(Path(root))
