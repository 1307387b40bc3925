import os

from flask import Flask, request, send_file

app = Flask(__name__)
REPORTS = "/srv/app/reports"


@app.get("/reports/download")
def download():
    name = request.args.get("file", "")
    path = os.path.join(REPORTS, name)
    return send_file(path, as_attachment=True)
