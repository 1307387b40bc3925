from flask import Flask, request, send_from_directory

app = Flask(__name__)
REPORTS = "/srv/app/reports"


@app.get("/reports/download")
def download():
    name = request.args.get("file", "")
    return send_from_directory(REPORTS, name, as_attachment=True)
