import operator

from flask import Flask, abort, request

app = Flask(__name__)
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}


@app.post("/calc")
def calc():
    op = request.form.get("op", "add")
    if op not in OPS:
        abort(400)
    a = float(request.form["a"])
    b = float(request.form["b"])
    return {"result": OPS[op](a, b)}
