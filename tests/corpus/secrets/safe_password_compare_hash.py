from flask import Flask, abort, request
from werkzeug.security import check_password_hash

from .settings import ADMIN_PASSWORD_HASH

app = Flask(__name__)


@app.post("/admin/login")
def admin_login():
    password = request.form.get("password", "")
    if check_password_hash(ADMIN_PASSWORD_HASH, password):
        return {"admin": True}
    abort(401)
