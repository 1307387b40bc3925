from flask import Flask, redirect, request, abort
app = Flask(__name__)

@app.get("/next")
def nxt():
    target = request.args.get("to", "/")
    if not target.startswith("/") or target.startswith("//"):
        abort(400)
    return redirect(target)
