import psycopg2
from flask import Flask, request
app = Flask(__name__)

@app.get("/r")
def r():
    start = request.args["start"]
    end = request.args["end"]
    query = f"""
        SELECT day, total FROM revenue
        WHERE day BETWEEN '{start}' AND '{end}'
    """
    with psycopg2.connect("") as c, c.cursor() as cur:
        cur.execute(query)
        return {"rows": cur.fetchall()}
