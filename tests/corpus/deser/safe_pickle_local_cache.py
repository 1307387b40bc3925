import pickle

from flask import Flask, request

app = Flask(__name__)

with open("/var/cache/app/model.pkl", "rb") as fh:
    MODEL = pickle.load(fh)


@app.post("/predict")
def predict():
    features = [float(x) for x in request.get_json()["features"]]
    return {"score": MODEL.predict([features])[0]}
