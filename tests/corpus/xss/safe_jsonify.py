from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/echo")
def echo():
    message = request.args.get("message", "")
    return jsonify(message=message, length=len(message))
