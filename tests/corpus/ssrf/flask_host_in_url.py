import requests
from flask import Flask, request

app = Flask(__name__)


@app.get("/status")
def service_status():
    service = request.args.get("service", "billing")
    health = requests.get(f"http://{service}.internal:8080/health", timeout=2)
    return {"healthy": health.ok}
