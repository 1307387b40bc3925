from flask import Flask, redirect, request

app = Flask(__name__)


@app.get("/profile")
def profile():
    username = request.args.get("user", "")
    return redirect(f"/users/{username}/profile")
