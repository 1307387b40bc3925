import hashlib
import os

from flask import Flask, request

from .models import User, db

app = Flask(__name__)


@app.post("/register")
def register():
    password = request.form["password"]
    salt = os.urandom(16)
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    user = User(email=request.form["email"], password_hash=salt.hex() + derived.hex())
    db.session.add(user)
    db.session.commit()
    return {"id": user.id}
