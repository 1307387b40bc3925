import shelve

from flask import Flask, request

app = Flask(__name__)


@app.get("/cache/lookup")
def cache_lookup():
    store = request.args.get("store", "default")
    with shelve.open("/var/cache/app/" + store) as db:
        return {"keys": list(db.keys())[:20]}
