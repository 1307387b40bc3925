from pathlib import Path

from fastapi import HTTPException


def contained(base: Path, name: str) -> Path:
    """`base / name`, refusing anything that resolves outside `base`."""
    root = base.resolve()
    candidate = (root / name).resolve()
    if not candidate.is_relative_to(root):
        raise HTTPException(status_code=404)
    return candidate
