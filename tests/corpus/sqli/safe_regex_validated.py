import re
import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
SLUG = re.compile(r"[a-z0-9-]{1,40}")


@app.get("/tags/<slug>")
def tag(slug):
    if not SLUG.fullmatch(slug):
        abort(404)
    conn = sqlite3.connect("blog.db")
    rows = conn.execute(f"SELECT title FROM posts WHERE tag = '{slug}'").fetchall()
    return jsonify(rows)
