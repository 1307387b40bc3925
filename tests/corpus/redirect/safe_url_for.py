from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.post("/items")
def create_item():
    section = request.form.get("section", "main")
    return redirect(url_for("list_items", section=section))
