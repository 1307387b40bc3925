from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
db = SQLAlchemy(app)


@app.get("/orders")
def orders():
    status = request.args.get("status", "open")
    stmt = text("SELECT id, total FROM orders WHERE status = '{}'".format(status))
    rows = db.session.execute(stmt).fetchall()
    return jsonify([dict(r._mapping) for r in rows])
