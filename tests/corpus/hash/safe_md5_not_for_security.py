import hashlib

from flask import Flask, Response

app = Flask(__name__)


@app.get("/static-manifest")
def manifest():
    body = open("/srv/app/static/manifest.json", "rb").read()
    etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
    return Response(body, mimetype="application/json", headers={"ETag": etag})
