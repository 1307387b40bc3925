import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.get("/diag")
def diag():
    target = request.args.get("target", "")
    retries = 2
    if retries > 5:
        command = "traceroute " + target
    else:
        command = "uptime"
    return subprocess.check_output(command, shell=True, text=True)
