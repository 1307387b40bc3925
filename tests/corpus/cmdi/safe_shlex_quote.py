import shlex
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/convert")
def convert():
    name = shlex.quote(request.form["filename"])
    result = subprocess.run(f"convert uploads/{name} thumbs/{name}", shell=True)
    return {"code": result.returncode}
