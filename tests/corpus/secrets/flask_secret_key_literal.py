from flask import Flask

app = Flask(__name__)
app.secret_key = "9f2c7e61d4b8a3f0c5e9d2b7a1f4c8e6"


@app.get("/")
def index():
    return {"ok": True}
