from flask import Flask, current_app, make_response

app = Flask(__name__)


@app.post("/theme")
def set_theme():
    resp = make_response({"ok": True})
    resp.set_cookie("theme", "dark", secure=current_app.config["COOKIES_SECURE"],
                    httponly=True)
    return resp
