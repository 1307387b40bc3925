import ast

from flask import Flask, request

app = Flask(__name__)


@app.post("/settings/import")
def import_settings():
    raw = request.form.get("settings", "{}")
    settings = ast.literal_eval(raw)
    return {"keys": sorted(settings)}
