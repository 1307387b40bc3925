import os

from flask import Flask, request

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = "/var/uploads"


@app.post("/avatar")
def upload_avatar():
    file = request.files["avatar"]
    destination = os.path.join(app.config["UPLOAD_FOLDER"], file.filename)
    file.save(destination)
    return {"saved": True}
