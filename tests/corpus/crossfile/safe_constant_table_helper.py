import sqlite3

from flask import Flask, jsonify, request

from helpers.safe import report_table

app = Flask(__name__)


@app.get("/reports")
def reports():
    table = report_table(request.args.get("kind", "daily"))
    conn = sqlite3.connect("reports.db")
    rows = conn.execute(f"SELECT * FROM {table} ORDER BY day DESC LIMIT 30").fetchall()
    return jsonify(rows)
