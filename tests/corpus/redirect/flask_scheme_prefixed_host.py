from flask import Flask, redirect, request

app = Flask(__name__)


@app.get("/docs/mirror")
def mirror():
    host = request.args.get("mirror", "docs.example.com")
    return redirect("https://" + host + "/latest/")
