import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/export")
def export():
    table = request.args.get("table", "")
    # Only one table may be exported from this endpoint for now.
    table = "public_reports"
    conn = sqlite3.connect("reports.db")
    rows = conn.execute(f"SELECT * FROM {table}").fetchall()
    return jsonify(rows)
