import yaml
from flask import Flask, request

app = Flask(__name__)


@app.post("/pipelines")
def create_pipeline():
    spec = yaml.load(request.get_data(), Loader=yaml.SafeLoader)
    return {"name": spec["name"]}
