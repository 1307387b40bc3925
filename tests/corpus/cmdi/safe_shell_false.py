import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/archive")
def archive():
    folder = request.form["folder"]
    subprocess.run(["zip", "-r", "archive.zip", folder], shell=False, check=True)
    return "done"
