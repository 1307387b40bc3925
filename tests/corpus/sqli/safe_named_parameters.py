import psycopg2
from flask import Flask, request
app = Flask(__name__)

@app.get("/r")
def r():
    query = """
        SELECT day, total FROM revenue
        WHERE day BETWEEN %(start)s AND %(end)s
    """
    with psycopg2.connect("") as c, c.cursor() as cur:
        cur.execute(query, {"start": request.args["start"], "end": request.args["end"]})
        return {"rows": cur.fetchall()}
