from flask import Flask, request, session

app = Flask(__name__)


@app.post("/preferences/page-size")
def page_size():
    size = min(int(request.form.get("size", "20")), 100)
    session["page_size"] = size
    return {"page_size": size}
