from flask import Flask, redirect, request, session, url_for

app = Flask(__name__)
app.secret_key = __import__("os").environ["FLASK_SECRET"]


@app.post("/preferences")
def preferences():
    session["role"] = request.form.get("role", "viewer")
    return redirect(url_for("dashboard"))
