"""Thumbnails with ImageMagick."""

import os

from app.config import settings


def make_thumbnail(item_id: int, size: str) -> str:
    source = settings.image_dir / f"{item_id}.png"
    target = settings.image_dir / f"{item_id}-thumb.png"
    os.system(f"convert {source} -resize {size} {target}")
    return str(target)
