from flask import Flask, Response, request

app = Flask(__name__)


@app.get("/go")
def go():
    response = Response(status=302)
    response.headers["Location"] = request.args["to"]
    return response
