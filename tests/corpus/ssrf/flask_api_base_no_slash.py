import requests
from flask import Flask, request

app = Flask(__name__)
API = "https://api.example.com"


@app.get("/proxy")
def proxy():
    # "@evil.example" after a host with no trailing slash changes the host.
    suffix = request.args.get("path", "")
    return requests.get(API + suffix, timeout=5).json()
