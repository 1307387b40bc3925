import requests
from flask import Flask, request

app = Flask(__name__)
API = "https://api.example.com"


@app.get("/users/<user_id>/repos")
def repos(user_id):
    resp = requests.get(API + "/users/" + user_id + "/repos", timeout=5)
    return {"count": len(resp.json())}
