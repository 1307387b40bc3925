import os

from flask import Flask, abort, request

app = Flask(__name__)
BASE = "/srv/app/static/docs/"


@app.get("/docs")
def docs():
    path = BASE + request.args.get("page", "index.html")
    # The prefix check is done before the path is normalized: ../ still escapes.
    if not path.startswith(BASE):
        abort(403)
    with open(path, encoding="utf-8") as fh:
        return fh.read()
