import subprocess
from flask import Flask, request
app = Flask(__name__)

def run_tool(args):
    return subprocess.check_output(["tool", args])

@app.route("/tool")
def tool():
    return {"out": run_tool(request.args.get("args", "")).decode()}
