import random

from flask import Flask, make_response

app = Flask(__name__)


@app.post("/remember")
def remember():
    value = str(random.random())[2:]
    resp = make_response({"ok": True})
    resp.set_cookie("remember_me", value, secure=True, httponly=True)
    return resp
