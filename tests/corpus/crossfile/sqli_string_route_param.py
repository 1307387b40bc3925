import sqlite3

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/users/<username>/orders")
def user_orders(username):
    conn = sqlite3.connect("shop.db")
    rows = conn.execute(f"SELECT id FROM orders WHERE username = '{username}'").fetchall()
    return jsonify(rows)
