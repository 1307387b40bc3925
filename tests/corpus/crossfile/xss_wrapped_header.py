from flask import Flask

from helpers import params

app = Flask(__name__)


@app.get("/whoami")
def whoami():
    agent = params.header("User-Agent")
    return f"<p>Your browser: {agent}</p>"
