from flask import Flask, request, session

app = Flask(__name__)


@app.post("/consent")
def consent():
    answer = request.form.get("accept")
    if answer == "yes":
        session["cookie_consent"] = "granted"
    else:
        session["cookie_consent"] = "denied"
    return {"ok": True}
