import os
import uuid

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app.config import settings
from app.services.images import make_thumbnail
from app.utils.paths import contained

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/export")
def download_export(filename: str):
    return FileResponse(contained(settings.export_dir, filename))


@router.get("/reports/{name}")
def report(name: str):
    return FileResponse(contained(settings.export_dir / "reports", name))


@router.get("/labels/{item_id}")
def label(item_id: int):
    return FileResponse(settings.export_dir / "labels" / f"{item_id}.pdf")


@router.get("/manifests/{manifest_id}")
def manifest(manifest_id: uuid.UUID):
    return FileResponse(os.path.join(settings.export_dir, "manifests", f"{manifest_id}.csv"))


@router.post("/thumbnails/{item_id}")
def thumbnail(item_id: int, size: str = "128x128"):
    return {"path": make_thumbnail(item_id, size)}
