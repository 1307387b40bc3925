import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/search")
def search():
    term = request.args.get("q", "")
    threshold = 3
    if threshold * 2 > 10:
        clause = "title LIKE '%" + term + "%'"
    else:
        clause = "published = 1"
    conn = sqlite3.connect("site.db")
    rows = conn.execute("SELECT id, title FROM pages WHERE " + clause).fetchall()
    return jsonify(rows)
