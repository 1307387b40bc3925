from urllib.parse import unquote
from flask import Flask, request
app = Flask(__name__)

@app.route("/f")
def f():
    name = unquote(request.args.get("n", ""))
    with open("/data/" + name) as fh:
        return fh.read()
