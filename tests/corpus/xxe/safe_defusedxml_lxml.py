import defusedxml.lxml
from flask import Flask, request
app = Flask(__name__)

@app.post("/x")
def x():
    root = defusedxml.lxml.fromstring(request.get_data())
    return {"tag": root.tag}
