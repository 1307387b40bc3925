import random

from flask import Flask, request

from .mail import send_code

app = Flask(__name__)


@app.post("/password/forgot")
def forgot_password():
    code = random.randint(100000, 999999)
    send_code(request.form["email"], code)
    return {"sent": True}
