from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

app = FastAPI()
REPORTS = {"daily": "daily.csv", "weekly": "weekly.csv", "monthly": "monthly.csv"}


@app.get("/reports/{kind}")
def report(kind: str):
    if kind not in REPORTS:
        raise HTTPException(status_code=404)
    return FileResponse(f"/srv/reports/{kind}.csv")
