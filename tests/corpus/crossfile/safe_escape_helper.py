from flask import Flask, request

from helpers.safe import html_text

app = Flask(__name__)


@app.get("/hello")
def hello():
    return f"<h1>Hello {html_text(request.args.get('name'))}</h1>"
