import requests
from flask import Flask, request

app = Flask(__name__)


@app.get("/search")
def search():
    term = request.args.get("q", "")
    resp = requests.get("https://search.example.com/api", params={"q": term}, timeout=5)
    return resp.json()
