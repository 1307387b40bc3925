import sqlite3

from flask import Flask, g, request

app = Flask(__name__)


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("app.db")
    return g.db


@app.route("/users")
def find_user():
    username = request.args.get("username", "")
    cur = get_db().cursor()
    cur.execute(f"SELECT id, email FROM users WHERE username = '{username}'")
    row = cur.fetchone()
    return {"id": row[0], "email": row[1]} if row else ({}, 404)
