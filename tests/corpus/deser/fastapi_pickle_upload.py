import pickle

from fastapi import FastAPI, File, UploadFile

app = FastAPI()


@app.post("/models/upload")
async def upload_model(file: UploadFile = File(...)):
    data = await file.read()
    model = pickle.loads(data)
    return {"type": type(model).__name__}
