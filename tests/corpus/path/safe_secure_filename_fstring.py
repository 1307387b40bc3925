from flask import Flask, request, send_file
from werkzeug.utils import secure_filename
app = Flask(__name__)

@app.get("/img")
def img():
    return send_file(f"static/img/{secure_filename(request.args['file'])}")
