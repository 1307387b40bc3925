from fastapi import FastAPI, HTTPException
from fastapi.responses import RedirectResponse

app = FastAPI()
PARTNERS = {"https://partner-a.example.com/welcome", "https://partner-b.example.org/start"}


@app.get("/out")
async def outbound(url: str):
    if url not in PARTNERS:
        raise HTTPException(status_code=400)
    return RedirectResponse(url=url, status_code=302)
