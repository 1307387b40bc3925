import uuid

from flask import Flask

app = Flask(__name__)


@app.post("/uploads")
def new_upload():
    upload_id = uuid.uuid4().hex
    return {"upload_id": upload_id}
