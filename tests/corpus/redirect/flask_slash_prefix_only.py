from flask import Flask, redirect, request

app = Flask(__name__)


@app.get("/continue")
def continue_to():
    path = request.args.get("path", "")
    # "/" + "/evil.example" is the protocol-relative URL //evil.example
    return redirect("/" + path)
