from flask import Flask

app = Flask(__name__)


@app.route("/export/<path:report>")
def export(report):
    with open("/srv/exports/" + report, "rb") as fh:
        data = fh.read()
    return data, 200, {"Content-Type": "application/octet-stream"}
