from urllib.parse import urlparse

from flask import Flask, abort, redirect, request

app = Flask(__name__)


@app.get("/go")
def go():
    target = request.args.get("to", "/")
    parsed = urlparse(target)
    if parsed.netloc or parsed.scheme:
        abort(400)
    return redirect(target)
