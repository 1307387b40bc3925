"""Thumbnails with ImageMagick."""

import re
import subprocess

from app.config import settings


def make_thumbnail(item_id: int, size: str) -> str:
    source = settings.image_dir / f"{item_id}.png"
    target = settings.image_dir / f"{item_id}-thumb.png"
    if not re.fullmatch(r"\d{1,4}x\d{1,4}", size):
        raise ValueError("size must look like 128x128")
    subprocess.run(["convert", str(source), "-resize", size, str(target)], check=True)
    return str(target)
