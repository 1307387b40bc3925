from flask import Flask, request

app = Flask(__name__)


@app.post("/calc")
def calc():
    expression = request.form.get("expr", "0")
    result = eval(expression)
    return {"result": result}
