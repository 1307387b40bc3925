from flask import Flask, abort, request

app = Flask(__name__)


@app.get("/attachments")
def attachment():
    name = request.args["name"]
    if ".." in name or name.startswith("/"):
        abort(400)
    with open("/srv/attachments/" + name, "rb") as fh:
        return fh.read()
