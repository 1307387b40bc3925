from flask import Flask, request, send_file
app = Flask(__name__)

@app.get("/img")
def img():
    return send_file(f"static/img/{request.args['file']}")
