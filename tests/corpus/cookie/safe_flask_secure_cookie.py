from flask import Flask, make_response

app = Flask(__name__)


@app.post("/login")
def login():
    resp = make_response({"ok": True})
    resp.set_cookie("session_token", "abc", max_age=3600, secure=True, httponly=True,
                    samesite="Lax")
    return resp
