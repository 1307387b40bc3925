import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/products")
def products():
    category = request.args.get("category", "")
    sort = request.args.get("sort", "name")
    query = "SELECT id, name, price FROM products WHERE category = %s ORDER BY " + sort
    with psycopg2.connect("dbname=shop") as conn, conn.cursor() as cur:
        cur.execute(query, (category,))
        return jsonify(cur.fetchall())
