import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/convert")
def convert():
    name = request.form["filename"]
    width = request.form.get("width", "800")
    result = subprocess.run(
        f"convert uploads/{name} -resize {width} thumbs/{name}",
        shell=True,
        capture_output=True,
    )
    return {"code": result.returncode}
