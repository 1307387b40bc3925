import pickle, base64
from fastapi import FastAPI, Header
app = FastAPI()

@app.get("/state")
def state(x_state: str = Header("")):
    obj = pickle.loads(base64.b64decode(x_state))
    return {"ok": bool(obj)}
