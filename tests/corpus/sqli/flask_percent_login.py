import hashlib

import pymysql
from flask import Flask, request, session

app = Flask(__name__)
conn = pymysql.connect(host="db", user="app", database="shop")


@app.post("/login")
def login():
    name = request.form["name"]
    digest = hashlib.sha256(request.form["password"].encode()).hexdigest()
    query = "SELECT id FROM accounts WHERE name = '%s' AND pw_hash = '%s'" % (name, digest)
    with conn.cursor() as cur:
        cur.execute(query)
        row = cur.fetchone()
    if row is None:
        return "invalid credentials", 401
    return "welcome"
