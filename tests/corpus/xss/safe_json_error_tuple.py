from flask import Flask, request, jsonify
app = Flask(__name__)

@app.get("/e")
def e():
    msg = request.args.get("m", "")
    return jsonify(error=msg), 400
