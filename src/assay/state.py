"""Where assay keeps its own files for a project: ledger, result cache, scratch space."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

STATE_DIR_NAME = ".assay"


def state_dir_for(root: Path) -> tuple[Path, str]:
    """`<root>/.assay`, or a per-user directory when the project is not writable.

    Returns the directory and a warning ('' when the default was usable).
    """
    preferred = root / STATE_DIR_NAME
    try:
        preferred.mkdir(exist_ok=True)
        ignore = preferred / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# assay's state: ledger, cache and scratch files\n*\n")
        probe = preferred / ".write-probe"
        probe.write_text("")
        probe.unlink()
        return preferred, ""
    except OSError:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assay"
        digest = hashlib.sha256(str(root).encode()).hexdigest()[:16]
        fallback = base / digest
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback, f"{root} is not writable; keeping assay's state in {fallback}"
