from flask import Flask, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

app = Flask(__name__)
env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())


@app.post("/mail/preview")
def mail_preview():
    name = request.form["name"]
    template = env.get_template("welcome_mail.html")
    return {"preview": template.render(name=name)}
