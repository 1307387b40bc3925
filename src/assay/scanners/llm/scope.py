"""What the model is asked to review: the whole snapshot, a path, or a diff.

The first user turn lists the files in scope (and, for a diff, the changed line ranges);
it never contains file content: code reaches the model only through tool results. For a
diff the model reads the changed hunks and whatever context it asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assay.repo.diff import Diff, FileChange
from assay.scanners.llm.codec import canonical, sha256_text

Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Scope:
    """Files to review; for a diff, the changed new-side line ranges of each file."""

    files: tuple[str, ...]
    changes: tuple[tuple[str, Ranges], ...] = ()
    diff_base: str = ""

    def listing(self, limit: int) -> str:
        """The scope as the first user turn shows it."""
        if self.diff_base:
            return self._diff_listing(limit)
        lines = [f"Files in scope ({len(self.files)}):"]
        lines.extend(f"- {p}" for p in self.files[:limit])
        return "\n".join(lines + _more(len(self.files), limit))

    def _diff_listing(self, limit: int) -> str:
        lines = [f"Changed since commit {self.diff_base[:12]} ({len(self.changes)} files):"]
        for path, ranges in self.changes[:limit]:
            lines.append(f"- {path}: {_ranges_text(ranges)}")
        lines.extend(_more(len(self.changes), limit))
        lines.append("Read the changed lines, and as much surrounding code as you need.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The scope as recorded in traces and cache keys."""
        return {"files": list(self.files), "diff_base": self.diff_base,
                "changes": [[p, [list(r) for r in rs]] for p, rs in self.changes]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scope:
        """A scope from its recorded form."""
        return cls(tuple(str(p) for p in d.get("files", ())),
                   tuple((str(p), tuple((int(a), int(b)) for a, b in rs))
                         for p, rs in d.get("changes", ())),
                   str(d.get("diff_base", "")))


def _more(total: int, limit: int) -> list[str]:
    if total <= limit:
        return []
    return [f"... and {total - limit} more; use list_dir to see them"]


def _ranges_text(ranges: Ranges) -> str:
    if not ranges:
        return "changed (no line ranges: binary or mode change)"
    parts = []
    for start, end in ranges:
        if end < start:
            parts.append(f"lines deleted before line {start}")
        else:
            parts.append(f"lines {start}-{end}" if end > start else f"line {start}")
    return ", ".join(parts)


def change_ranges(change: FileChange) -> Ranges:
    """New-side ranges of a file's hunks; a pure deletion is (n, n-1): 'before line n'."""
    return tuple((h.new_start, h.new_start + h.new_count - 1) if h.new_count
                 else (max(h.new_start, 1), max(h.new_start, 1) - 1) for h in change.hunks)


def build_scope(files: Sequence[str], included: Callable[[str], bool],
                diff: Diff | None) -> Scope:
    """The scope of a run over `files` (already confined and filtered by exclusions)."""
    if diff is None:
        return Scope(tuple(p for p in files if included(p)))
    allowed = set(files)
    changes = tuple((c.path, change_ranges(c)) for c in diff.files
                    if c.status != "D" and c.path in allowed and included(c.path))
    return Scope(tuple(p for p, _ in changes), changes, diff.base)


def scope_hash(scope: Scope, contents: Mapping[str, str]) -> str:
    """sha256 over the scope and the content id of every file the model may read."""
    return sha256_text(canonical({"scope": scope.to_dict(),
                                  "contents": sorted(contents.items())}))
