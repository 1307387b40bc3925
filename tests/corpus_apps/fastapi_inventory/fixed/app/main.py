from fastapi import FastAPI

from app.config import settings
from app.routers import admin, files, items, pages

app = FastAPI(title="Inventory", debug=settings.debug)
app.include_router(items.router)
app.include_router(files.router)
app.include_router(pages.router)
app.include_router(admin.router)
