import os

from flask import Flask, abort, request

app = Flask(__name__)
BASE = os.path.realpath("/srv/app/static/docs")


@app.get("/docs")
def docs():
    requested = request.args.get("page", "index.html")
    path = os.path.realpath(os.path.join(BASE, requested))
    if not path.startswith(BASE + os.sep):
        abort(403)
    with open(path, encoding="utf-8") as fh:
        return fh.read()
