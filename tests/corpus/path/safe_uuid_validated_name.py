import uuid
from flask import Flask, request, abort, send_file
app = Flask(__name__)

@app.get("/doc")
def doc():
    try:
        doc_id = uuid.UUID(request.args["id"])
    except ValueError:
        abort(400)
    return send_file(f"/docs/{doc_id}.pdf")
