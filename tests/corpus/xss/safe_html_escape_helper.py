import html

from flask import Flask, request

app = Flask(__name__)


@app.get("/tags")
def tags():
    raw = request.args.get("tags", "")
    items = "".join(f"<li>{html.escape(t.strip())}</li>" for t in raw.split(","))
    return f"<ul>{items}</ul>"
