import hashlib

from flask import Flask, request

from .models import User, db

app = Flask(__name__)


@app.post("/register")
def register():
    password = request.form["password"]
    user = User(email=request.form["email"], password_hash=hashlib.md5(password.encode()).hexdigest())
    db.session.add(user)
    db.session.commit()
    return {"id": user.id}
