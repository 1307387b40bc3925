import os
import uuid
from pathlib import Path

from fastapi import APIRouter, HTTPException, UploadFile
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


@router.get("/photos/{sku}")
def photo(sku: str):
    return FileResponse(settings.image_dir / f"{sku}.png")


@router.get("/docs/{doc_path:path}")
def supplier_document(doc_path: str):
    return FileResponse(contained(settings.export_dir / "docs", doc_path))


@router.get("/staged")
def staged_file(path: str):
    """A file of the staging area, by the absolute path the import job reported."""
    path = Path(path).resolve()
    if not path.is_relative_to(settings.staging_dir):
        raise HTTPException(status_code=404)
    return FileResponse(path)


@router.post("/imports")
async def upload_import(file: UploadFile):
    dest = settings.import_dir / file.filename
    if dest.absolute().parent != settings.import_dir:
        raise HTTPException(status_code=400, detail="invalid file name")
    dest.write_bytes(await file.read())
    return {"stored": dest.name}
