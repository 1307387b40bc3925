from flask import Flask, request, session

app = Flask(__name__)


@app.post("/wizard/step")
def wizard_step():
    step = request.form["step"]
    session[f"wizard_{step}"] = True
    return {"saved": step}
