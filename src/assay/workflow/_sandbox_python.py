"""Which directories a Python interpreter needs to run: its venv, its base prefix, links."""

from __future__ import annotations

import os
from pathlib import Path

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


def interpreter_prefixes(python: Path) -> list[Path]:
    """Every prefix the interpreter may read from, as given and with symlinks resolved."""
    found: list[Path] = []
    pending = link_chain(python)
    seen: set[Path] = set()
    while pending:
        executable = pending.pop(0)
        if executable in seen:
            continue
        seen.add(executable)
        prefix = prefix_of(executable)
        found += [prefix, Path(os.path.realpath(prefix))]
        home = venv_home(prefix)
        if home is not None:
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
