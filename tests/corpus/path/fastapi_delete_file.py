import os

from fastapi import FastAPI

app = FastAPI()
STORAGE = "/data/storage"


@app.delete("/files/{filename:path}")
def delete_file(filename: str):
    os.remove(f"{STORAGE}/{filename}")
    return {"deleted": filename}
