from flask import Flask, request, send_file

app = Flask(__name__)


def _arg(name):
    return request.args.get(name, "")


@app.get("/exports")
def exports():
    name = _arg("name")
    return send_file("/srv/exports/" + name)
