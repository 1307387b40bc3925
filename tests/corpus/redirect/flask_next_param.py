from flask import Flask, redirect, request
from flask_login import login_user

from .auth import authenticate

app = Flask(__name__)


@app.post("/login")
def login():
    user = authenticate(request.form["email"], request.form["password"])
    login_user(user)
    return redirect(request.args.get("next") or "/")
