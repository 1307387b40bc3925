import hashlib

from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
STORED = {"svc-reporting": "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"}


@app.get("/reports")
def reports(x_api_key: str = Header(...), x_client: str = Header(...)):
    if STORED.get(x_client) != hashlib.sha1(x_api_key.encode()).hexdigest():
        raise HTTPException(status_code=401)
    return {"reports": []}
