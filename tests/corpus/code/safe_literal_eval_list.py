import ast
from flask import Flask, request
app = Flask(__name__)

@app.post("/batch")
def batch():
    return {"results": [ast.literal_eval(e) for e in request.form.getlist("e")]}
