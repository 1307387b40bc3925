import os
import uuid

from flask import Flask, request

app = Flask(__name__)
UPLOADS = "/var/uploads"


@app.post("/documents")
def upload_document():
    file = request.files["document"]
    stored = f"{uuid.uuid4().hex}.pdf"
    file.save(os.path.join(UPLOADS, stored))
    return {"id": stored, "original": file.filename}
