import requests
from flask import Flask, request

app = Flask(__name__)


@app.post("/webhooks/test")
def test_webhook():
    url = request.form["url"]
    resp = requests.post(url, json={"event": "ping"}, timeout=5)
    return {"status": resp.status_code}
