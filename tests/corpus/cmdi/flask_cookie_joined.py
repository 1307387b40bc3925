import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.get("/backup")
def backup():
    parts = ["tar", "czf", "/backups/out.tgz"]
    parts.append(request.cookies.get("workspace", "default"))
    cmd = " ".join(parts)
    subprocess.call(cmd, shell=True)
    return "started"
