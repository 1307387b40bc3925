import psycopg2
from flask import Flask, jsonify, request
from psycopg2 import sql

app = Flask(__name__)


@app.get("/stats")
def stats():
    column = request.args.get("column", "visits")
    query = sql.SQL("SELECT date, {} FROM daily_stats ORDER BY date").format(
        sql.Identifier(column)
    )
    with psycopg2.connect("dbname=metrics") as conn, conn.cursor() as cur:
        cur.execute(query)
        return jsonify(cur.fetchall())
