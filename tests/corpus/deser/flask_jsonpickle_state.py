import jsonpickle
from flask import Flask, request

app = Flask(__name__)


@app.post("/game/restore")
def restore_game():
    state = jsonpickle.decode(request.get_data(as_text=True))
    return {"level": getattr(state, "level", 0)}
