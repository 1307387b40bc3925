import logging

from flask import Flask, request

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.get("/attachments")
def attachment():
    name = request.args["name"]
    if ".." in name:
        log.warning("suspicious attachment name %s", name)
    with open("/srv/attachments/" + name, "rb") as fh:
        return fh.read()
