import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/link-preview")
async def link_preview(url: str):
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url)
    return {"length": len(response.text)}
