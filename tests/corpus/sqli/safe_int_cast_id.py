import psycopg2
from flask import Flask, abort, jsonify, request

app = Flask(__name__)


@app.get("/invoices/<invoice_id>")
def invoice(invoice_id):
    try:
        number = int(invoice_id)
    except ValueError:
        abort(400)
    with psycopg2.connect("dbname=billing") as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id, amount FROM invoices WHERE id = {number}")
        return jsonify(cur.fetchone())
