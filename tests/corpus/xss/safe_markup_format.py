from flask import Flask, render_template, request
from markupsafe import Markup

app = Flask(__name__)


@app.post("/preview")
def preview():
    comment = request.form.get("comment", "")
    rendered = Markup("<p class='comment'>{}</p>").format(comment)
    return render_template("preview.html", comment=rendered)
