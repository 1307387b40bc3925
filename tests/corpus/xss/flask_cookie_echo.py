from flask import Flask, Response, request

app = Flask(__name__)


@app.get("/theme")
def theme():
    theme = request.cookies.get("theme", "light")
    rows = ["<html>", f"<body class='{theme}'>", "<p>Theme saved.</p>", "</body></html>"]
    return Response("\n".join(rows), mimetype="text/html")
