from flask import Flask, redirect, request
app = Flask(__name__)

@app.post("/done")
def done():
    data = request.get_json()
    return redirect(data["return_url"])
