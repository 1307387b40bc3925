from flask import Flask, request
app = Flask(__name__)

@app.post("/batch")
def batch():
    results = []
    for expr in request.form.getlist("e"):
        results.append(eval(expr))
    return {"results": results}
