import subprocess

from flask import Flask, request

from helpers.safe import shell_arg

app = Flask(__name__)


@app.post("/thumbnails")
def thumbnail():
    image = shell_arg(request.form["image"])
    subprocess.run(f"convert {image} -thumbnail 128x128 /tmp/thumb.png", shell=True)
    return {"ok": True}
