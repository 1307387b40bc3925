import subprocess

from flask import Flask

from helpers.params import json_field

app = Flask(__name__)


@app.post("/thumbnails")
def thumbnail():
    image = json_field("image")
    subprocess.run(f"convert {image} -thumbnail 128x128 /tmp/thumb.png", shell=True)
    return {"ok": True}
