from flask import Flask, request, session
app = Flask(__name__)
LANGS = ("en", "de", "fr")

@app.get("/lang")
def lang():
    choice = request.cookies.get("lang", "en")
    session["lang"] = choice if choice in LANGS else "en"
    return "ok"
