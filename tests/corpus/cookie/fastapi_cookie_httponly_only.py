from fastapi import FastAPI, Response

app = FastAPI()


@app.post("/login")
def login(response: Response):
    response.set_cookie(key="access_token", value="issued-token", httponly=True)
    return {"ok": True}
