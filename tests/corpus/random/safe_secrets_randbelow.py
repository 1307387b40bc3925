import secrets

from flask import Flask, request

from .mail import send_code

app = Flask(__name__)


@app.post("/password/forgot")
def forgot_password():
    code = 100000 + secrets.randbelow(900000)
    send_code(request.form["email"], code)
    return {"sent": True}
