import sqlite3

from flask import Flask, jsonify

from helpers.params import get_param

app = Flask(__name__)


@app.get("/customers")
def customers():
    city = get_param("city")
    conn = sqlite3.connect("crm.db")
    rows = conn.execute(f"SELECT name FROM customers WHERE city = '{city}'").fetchall()
    return jsonify(rows)
