import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/jobs/run")
def run_job():
    payload = request.get_json()
    tool = payload["tool"]
    args = payload.get("args", [])
    proc = subprocess.run([tool, *args], capture_output=True, text=True)
    return {"stdout": proc.stdout}
