from flask import Flask, request
from markupsafe import escape
app = Flask(__name__)

@app.route("/x")
def x():
    items = [escape(v) for v in request.args.getlist("v")]
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
