from flask import Flask, abort, request

app = Flask(__name__)


@app.post("/admin/login")
def admin_login():
    password = request.form.get("password", "")
    if password == "adm1n-P@ss":
        return {"admin": True}
    abort(401)
