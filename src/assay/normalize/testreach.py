"""Which files on test paths production code reaches: those are not test code.

A pull request controls its file paths. Moved to `tests/` (or renamed `*_test.py`), a
vulnerable module would be lowered as test code while the application still imports it.
So a file on a test path counts as test code only when no production file reaches it:
not by an import (absolute, relative, `from pkg import module`), not through other
test-path files production imports, and not by its dotted name in a string (Django's
`INSTALLED_APPS`, `include("app.tests.urls")`, `import_module(...)`). A file that is not
Python (a template, a data file) is reached when a production file names it.

The reading over-approximates on purpose: the root of the import path is unknown, so an
import names a module when it is a dotted suffix of the module's path. Too wide a match
keeps a finding at its severity (as if there were no test-code policy); too narrow a
match would let a pull request lower production code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Protocol

_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([\w. \t,]+)", re.MULTILINE)
# a parenthesized name list is bounded: an unclosed `(` in a hostile file must not make
# every `from ... import (` scan to the end of the file
_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+"
                   rb"(\([^)]{0,4000}\)|[^\n]*(?:\\\r?\n[^\n]*)*)", re.MULTILINE)
_DOTTED_STRING = re.compile(rb"[\"']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)[\"']")
_IMPORT_CALL = re.compile(rb"(?:import_module|__import__)\(\s*[\"']([\w.]+)[\"']")
_NAME = re.compile(r"[A-Za-z_]\w*")


def module_name(path: str) -> str:
    """The dotted module a Python file defines (`a/b/__init__.py` is `a.b`)."""
    parts = (path[:-3] if path.endswith(".py") else path).split("/")
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p)


def _package(path: str) -> list[str]:
    """The package a module's relative imports start from."""
    return list(PurePosixPath(path).parent.parts)


def _absolute(importer: str, spec: str) -> str:
    """`spec` (`.x`, `..y.z`, `a.b`) as an absolute dotted name, seen from `importer`."""
    level = len(spec) - len(spec.lstrip("."))
    rest = spec[level:]
    if not level:
        return rest
    base = _package(importer)
    base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
    return ".".join([*base, rest] if rest else base)


def _prefixes(name: str) -> Iterator[str]:
    """`a.b.c`, `a.b`, `a`: importing a module imports its parent packages."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


def imported_names(importer: str, source: bytes) -> set[str]:
    """Every dotted name `source` may load: imported modules and their packages, the
    names a `from` import takes (each may be a submodule), and dotted strings."""
    names: set[str] = set()
    for match in _IMPORT.finditer(source):
        for item in match.group(1).decode("ascii", "replace").split(","):
            words = item.split()
            if words:
                names.update(_prefixes(words[0]))
    for match in _FROM.finditer(source):
        spec = _absolute(importer, match.group(1).decode("ascii", "replace"))
        if spec:
            names.update(_prefixes(spec))
        for word in _NAME.findall(match.group(2).decode("ascii", "replace")):
            if word not in ("as", "import"):
                names.add(f"{spec}.{word}" if spec else word)
    for pattern in (_DOTTED_STRING, _IMPORT_CALL):
        for match in pattern.finditer(source):
            names.update(_prefixes(match.group(1).decode("ascii", "replace")))
    return names


class _Index:
    """Test-path modules by every dotted suffix of their names that can name them: the
    whole name, or a suffix of two parts or more (`helpers` alone names a top-level
    module, not every `*/helpers.py`: `import datetime` is not `tests/datetime/`)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.by_suffix: dict[str, set[str]] = {}
        for path in paths:
            parts = module_name(path).split(".")
            for start in range(len(parts)):
                if start == 0 or len(parts) - start >= 2:
                    self.by_suffix.setdefault(".".join(parts[start:]), set()).add(path)

    def match(self, names: Iterable[str]) -> set[str]:
        return {p for n in names for p in self.by_suffix.get(n, ())}


Reader = Callable[[Iterable[str]], Mapping[str, bytes | None]]
"""Several files' contents at once (None for a file that cannot be read)."""
Imports = Callable[[Iterable[str]], Mapping[str, frozenset[str]]]
"""The names several Python files may load (`imported_names`), by path."""


def imports_by_reading(read: Reader) -> Imports:
    """`Imports` that reads each file and parses it (no cache)."""
    def imports(paths: Iterable[str]) -> dict[str, frozenset[str]]:
        return {p: frozenset(imported_names(p, c or b"")) for p, c in read(paths).items()}
    return imports


class ReachMemo(Protocol):
    """Keeps the reach of one tree state (its Python files and their contents)."""

    def load(self) -> dict[str, str] | None:
        """The reached test-path files kept for this tree state, or None."""

    def save(self, reached: Mapping[str, str]) -> None:
        """Keep the reached test-path files (each with the production file leading to it)."""


class ProductionReach:
    """Which test-path files production code reaches, worked out once, when first asked."""

    def __init__(self, paths: Iterable[str], is_test: Callable[[str], bool],
                 read: Reader, imports: Imports | None = None,
                 memo: ReachMemo | None = None) -> None:
        self.paths, self.is_test, self.read = tuple(paths), is_test, read
        self.imports = imports or imports_by_reading(read)
        self.memo = memo
        self._reached: dict[str, str] | None = None
        self._production: Mapping[str, bytes | None] | None = None

    def by(self, path: str) -> str:
        """The production file that loads or names the test-path file `path`, or ""."""
        if path.endswith(".py"):
            if self._reached is None:
                self._reached = self._kept_or_imported()
            return self._reached.get(path, "")
        if self._production is None:
            self._production = self.read(p for p in self.paths
                                         if p.endswith(".py") and not self.is_test(p))
        name = PurePosixPath(path).name.encode()
        return next((p for p, content in self._production.items()
                     if content and name in content), "")

    def _kept_or_imported(self) -> dict[str, str]:
        kept = self.memo.load() if self.memo is not None else None
        if kept is not None:
            return kept
        reached = self._imported()
        if self.memo is not None:
            self.memo.save(reached)
        return reached

    def _imported(self) -> dict[str, str]:
        """Test-path Python files production loads (directly or through other
        test-path files), each with the production file that leads to it."""
        index = _Index(p for p in self.paths if p.endswith(".py") and self.is_test(p))
        reached: dict[str, str] = {}
        names = self.imports(p for p in self.paths if p.endswith(".py") and not self.is_test(p))
        origin = {p: p for p in names}
        while names:
            frontier: list[str] = []
            for path, loaded in names.items():
                for hit in index.match(loaded) - reached.keys():
                    reached[hit] = origin[path]
                    origin[hit] = origin[path]
                    frontier.append(hit)
            names = self.imports(frontier) if frontier else {}
        return reached
