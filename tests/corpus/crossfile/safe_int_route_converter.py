import sqlite3

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/users/<int:user_id>/orders")
def user_orders(user_id):
    conn = sqlite3.connect("shop.db")
    rows = conn.execute(f"SELECT id, total FROM orders WHERE user_id = {user_id}").fetchall()
    return jsonify(rows)
