from flask import Flask, request
app = Flask(__name__)

@app.get("/e")
def e():
    msg = request.args.get("m", "")
    return "<p>Error: %s</p>" % msg, 400
