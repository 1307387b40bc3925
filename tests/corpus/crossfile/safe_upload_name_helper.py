import os

from flask import Flask, request

from helpers.safe import upload_name

app = Flask(__name__)


@app.post("/attachments")
def attach():
    file = request.files["file"]
    file.save(os.path.join("/var/attachments", upload_name(file.filename)))
    return {"ok": True}
