import sqlite3
from flask import Flask, request
app = Flask(__name__)

class Search:
    def __init__(self, term):
        self.term = term

    def sql(self):
        return "SELECT * FROM items WHERE name LIKE '%" + self.term + "%'"

@app.route("/s")
def s():
    q = Search(request.args["q"])
    return {"rows": sqlite3.connect("a.db").execute(q.sql()).fetchall()}
