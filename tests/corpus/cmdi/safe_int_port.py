import os

from flask import Flask, request

app = Flask(__name__)


@app.post("/firewall/open")
def open_port():
    port = int(request.form["port"])
    os.system(f"ufw allow {port}/tcp")
    return "ok"
