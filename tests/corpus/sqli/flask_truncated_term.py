import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/notes/search", methods=["POST"])
def search_notes():
    term = request.form.get("term", "")[:64]
    db = sqlite3.connect("notes.db")
    rows = db.execute("SELECT id, body FROM notes WHERE body LIKE '%" + term + "%'").fetchall()
    return jsonify(rows)
