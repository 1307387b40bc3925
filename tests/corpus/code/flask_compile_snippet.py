from flask import Flask, request

app = Flask(__name__)


@app.post("/snippets/check")
def check_snippet():
    source = request.get_json()["source"]
    code = compile(source, "<snippet>", "exec")
    scope = {}
    exec(code, scope)
    return {"names": sorted(scope)}
