"""Which directories a Python interpreter needs to run: its venv, its base prefix, links.

These directories are bound into the sandbox, so none of them may be chosen by the code
under review: an interpreter, a link on the way to it or a `pyvenv.cfg` inside the scanned
tree (or reached through a link into it) is refused, because a planted `pyvenv.cfg`
(`home = /any/host/dir`) or symlink would otherwise mount a host directory of the
attacker's choice into the sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from assay.workflow._sandbox_types import SandboxError

_MAX_LINKS = 40


def prefix_of(executable: Path) -> Path:
    """The installation prefix of an interpreter binary: the parent of its `bin` dir."""
    parent = executable.parent
    if parent.name in ("bin", "Scripts"):
        return parent.parent
    return parent


def link_chain(path: Path) -> list[Path]:
    """`path` and every path its symlink chain passes through (lexically absolute)."""
    chain = [Path(os.path.abspath(path))]
    while chain[-1].is_symlink() and len(chain) < _MAX_LINKS:
        target = chain[-1].readlink()
        chain.append(Path(os.path.normpath(chain[-1].parent / target)))
    return chain


def venv_home(prefix: Path) -> Path | None:
    """The `home` directory recorded in a venv's `pyvenv.cfg`, if `prefix` is a venv."""
    try:
        text = (prefix / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "home" and value.strip():
            return Path(value.strip())
    return None


class _Untrusted:
    """Directories no interpreter path may lie in or lead through (the scanned tree)."""

    def __init__(self, python: Path, roots: Sequence[Path]) -> None:
        self.python = python
        self.roots = [(Path(os.path.abspath(r)), Path(os.path.realpath(r))) for r in roots]

    def refuse_inside(self, what: str, path: Path) -> None:
        """SandboxError when `path`, as written or resolved, lies in an untrusted root.

        Each ancestor is resolved on its own, so a link anywhere on the way counts.
        """
        absolute = Path(os.path.abspath(path))
        candidates = {absolute, Path(os.path.realpath(absolute))}
        candidates |= {Path(os.path.realpath(parent)) for parent in absolute.parents}
        for given, resolved in self.roots:
            if any(c.is_relative_to(given) or c.is_relative_to(resolved) for c in candidates):
                raise SandboxError(
                    f"refusing the interpreter {self.python}: {what} {path} is inside the "
                    f"scanned tree {given}, which must not choose what the sandbox mounts",
                    "use a Python installed outside the repository under review "
                    "([proof] python in the operator's configuration)")


def interpreter_prefixes(python: Path, untrusted: Sequence[Path] = ()) -> list[Path]:
    """Every prefix the interpreter may read from, as given and with symlinks resolved.

    SandboxError when the interpreter, a link on its way, a `pyvenv.cfg` or the `home`
    it names lies in (or resolves into) one of the `untrusted` directories.
    """
    guard = _Untrusted(python, untrusted)
    found: list[Path] = []
    pending = link_chain(python)
    seen: set[Path] = set()
    while pending:
        executable = pending.pop(0)
        if executable in seen:
            continue
        seen.add(executable)
        guard.refuse_inside("the path", executable)
        prefix = prefix_of(executable)
        guard.refuse_inside("the prefix", prefix)
        found += [prefix, Path(os.path.realpath(prefix))]
        home = venv_home(prefix)
        if home is not None:
            guard.refuse_inside("the home named by pyvenv.cfg:", home)
            pending += link_chain(home / "python")
            found += [home.parent, Path(os.path.realpath(home)).parent]
    return found


def minimal_cover(paths: list[Path]) -> list[Path]:
    """Sorted, without duplicates and without paths inside another listed path."""
    unique = sorted({Path(os.path.normpath(p)) for p in paths}, key=lambda p: p.parts)
    kept: list[Path] = []
    for path in unique:
        if not any(path.is_relative_to(other) for other in kept):
            kept.append(path)
    return kept
