import subprocess
from flask import Flask, request
app = Flask(__name__)
COMMANDS = {"disk": "df -h", "mem": "free -m"}

@app.get("/stat")
def stat():
    cmd = COMMANDS.get(request.args.get("what"), "uptime")
    return subprocess.check_output(cmd, shell=True).decode()
