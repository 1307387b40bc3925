from flask import Flask, request, session
app = Flask(__name__)

@app.get("/lang")
def lang():
    session["lang"] = request.cookies.get("lang", "en")
    return "ok"
